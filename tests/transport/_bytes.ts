/**
 * Byte helpers for the transport tests: seeded random data and chunkings,
 * and stream readers and writers that check what they move.
 *
 * @module
 */

import assert from "node:assert/strict";

/** A small seeded generator (mulberry32), so a failure replays with FC_SEED. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export function randomBytes(size: number, next: () => number): Uint8Array {
  const bytes = new Uint8Array(size);
  const words = new Uint32Array(bytes.buffer, 0, size >>> 2);
  for (let i = 0; i < words.length; i++) words[i] = next() * 2 ** 32;
  return bytes;
}

/** Chunk sizes from 1 byte to 256 KiB, spread evenly over orders of magnitude. */
export function chunkSizes(total: number, next: () => number): number[] {
  const sizes: number[] = [];
  let left = total;
  while (left > 0) {
    const size = Math.min(left, Math.max(1, Math.floor(2 ** (next() * 18))));
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

/** Reads until `expected` has arrived in full, checking every byte on the way. */
export async function readExactly(
  readable: ReadableStream<Uint8Array>,
  expected: Uint8Array,
): Promise<void> {
  const reader = readable.getReader();
  let offset = 0;
  try {
    while (offset < expected.byteLength) {
      const { value, done } = await reader.read();
      assert.equal(done, false, `stream ended after ${offset} bytes`);
      for (let i = 0; i < value!.byteLength; i++) {
        if (value![i] !== expected[offset + i]) {
          assert.fail(`byte ${offset + i} differs`);
        }
      }
      offset += value!.byteLength;
    }
    assert.equal(offset, expected.byteLength, "more bytes than were sent");
  } finally {
    reader.releaseLock();
  }
}

/** Writes `data` in chunks of `sizes`; then closes the writer, or waits for the last write. */
export async function writeChunks(
  writable: WritableStream<Uint8Array>,
  data: Uint8Array,
  sizes: number[],
  close: boolean,
): Promise<void> {
  const writer = writable.getWriter();
  let offset = 0;
  let last: Promise<void> = Promise.resolve();
  for (const size of sizes) {
    await writer.ready;
    last = writer.write(data.subarray(offset, offset + size));
    offset += size;
  }
  if (close) await writer.close();
  else await last;
  writer.releaseLock();
}

/** Reads to the end of the stream (or its error); resolves to the bytes read. */
export async function drain(
  readable: ReadableStream<Uint8Array>,
): Promise<number> {
  const reader = readable.getReader();
  let bytes = 0;
  for (;;) {
    const result = await reader.read().catch(() => ({ done: true as const }));
    if (result.done) return bytes;
    bytes += result.value.byteLength;
  }
}
