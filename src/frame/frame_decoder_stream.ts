/**
 * The frame parser as a `TransformStream` stage.
 *
 * @module
 */

import type { Frame } from "./frame.ts";
import { FrameParser, type FrameParserOptions } from "./decode_frame.ts";

/**
 * Turns a byte stream into batches of frames: one array per incoming chunk
 * that completed at least one frame, never an empty array.
 *
 * - Payloads are views into the incoming chunks where possible (see
 *   {@linkcode FrameParser}).
 * - Bad bytes error the stream with a `ProtocolError`; so do bytes of an
 *   incomplete frame left when the input ends.
 *
 * @example Decoding frames from a byte stream
 * ```ts
 * import { encodeFrame, encodedFrameSize, FrameDecoderStream, FrameKind } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const frame = {
 *   kind: FrameKind.Request, flags: 0, id: 1, topic: "", timestamp: 0,
 *   payload: Uint8Array.of(42),
 * };
 * const bytes = new Uint8Array(encodedFrameSize(frame));
 * encodeFrame(frame, bytes, 0);
 * const batches = await Array.fromAsync(
 *   ReadableStream.from([bytes.subarray(0, 5), bytes.subarray(5)])
 *     .pipeThrough(new FrameDecoderStream()),
 * );
 * assert.deepEqual(batches, [[frame]]);
 * ```
 */
export class FrameDecoderStream extends TransformStream<Uint8Array, Frame[]> {
  /**
   * Makes a decoder stage.
   *
   * @param options `maxFrameSize` (see {@linkcode FrameParserOptions}).
   * @throws {RangeError} When `maxFrameSize` is out of range.
   */
  constructor(options: FrameParserOptions = {}) {
    const parser = new FrameParser(options);
    super({
      transform(chunk, controller) {
        const frames = parser.push(chunk);
        if (frames.length > 0) controller.enqueue(frames);
      },
      flush() {
        parser.finish();
      },
    });
  }
}
