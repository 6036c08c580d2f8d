/**
 * Builds buffers of length-prefixed frames for the raw senders.
 *
 * @module
 */

/** The raw limit: batches are written in writes of at most this many bytes. */
export const BATCH_BYTES = 64 * 1024;

/**
 * How many frames of a payload size fit in one batch (at least one).
 *
 * @param size Payload size in bytes.
 * @returns Frames per batch.
 */
export function framesPerBatch(size: number): number {
  return Math.max(1, Math.floor(BATCH_BYTES / (size + 4)));
}

/**
 * Builds `count` frames of `size` payload bytes back to back.
 *
 * @param size Payload size in bytes.
 * @param count Number of frames.
 * @returns The frames in one buffer.
 */
export function frameBatch(size: number, count: number): Uint8Array {
  const buffer = new Uint8Array((size + 4) * count).fill(0x61);
  const view = new DataView(buffer.buffer);
  for (let i = 0; i < count; i++) view.setUint32(i * (size + 4), size);
  return buffer;
}
