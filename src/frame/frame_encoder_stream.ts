/**
 * The frame encoder as a `TransformStream` stage.
 *
 * @module
 */

import type { Frame } from "./frame.ts";
import { encodedFrameSize, encodeFrame } from "./encode_frame.ts";

/**
 * Turns batches of frames into bytes: one chunk per non-empty batch, holding
 * every frame of the batch back to back, freshly allocated (readers own it).
 * An empty batch produces nothing.
 *
 * An invalid frame errors the stream with the encoder's `RangeError`.
 *
 * @example Encoding then decoding a batch
 * ```ts
 * import { FrameDecoderStream, FrameEncoderStream, FrameKind } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const batch = [1, 2, 3].map((id) => ({
 *   kind: FrameKind.Ack, flags: 0, id, topic: "", timestamp: 0, payload: new Uint8Array(0),
 * }));
 * const chunks = await Array.fromAsync(
 *   ReadableStream.from([batch]).pipeThrough(new FrameEncoderStream()),
 * );
 * assert.equal(chunks.length, 1);
 * const decoded = await Array.fromAsync(
 *   ReadableStream.from(chunks).pipeThrough(new FrameDecoderStream()),
 * );
 * assert.deepEqual(decoded, [batch]);
 * ```
 */
export class FrameEncoderStream extends TransformStream<Frame[], Uint8Array> {
  /** Makes an encoder stage. */
  constructor() {
    super({
      transform(frames, controller) {
        if (frames.length === 0) return;
        let size = 0;
        for (const frame of frames) size += encodedFrameSize(frame);
        const bytes = new Uint8Array(size);
        let offset = 0;
        for (const frame of frames) offset = encodeFrame(frame, bytes, offset);
        controller.enqueue(bytes);
      },
    });
  }
}
