/**
 * Frame parser: turns the byte chunks of one connection into frames.
 * Pure and synchronous; the stream and peer layers drive it.
 *
 * @module
 */

import { ProtocolError } from "../errors.ts";
import {
  DEFAULT_MAX_FRAME_SIZE,
  type Frame,
  LENGTH_PREFIX_SIZE,
} from "./frame.ts";
import { BARE_HEADER_SIZE } from "./_frame_layout.ts";
import { checkKind, FrameBodyDecoder } from "./_frame_body_decoder.ts";

/** Options of {@linkcode FrameParser}. */
export interface FrameParserOptions {
  /**
   * Largest frame accepted, in bytes after the length prefix. A longer
   * declared length is a `ProtocolError` before anything is allocated.
   *
   * @default {DEFAULT_MAX_FRAME_SIZE} (16 MiB)
   */
  maxFrameSize?: number;
}

/**
 * Parses the inbound byte stream of one connection into frames.
 *
 * - `push()` returns every frame completed by the chunk, in order.
 * - A frame that lies inside one chunk is returned with its `payload` as a
 *   view into that chunk: nothing is copied. So is a frame that spans
 *   chunks lying back to back in one `ArrayBuffer` (a transport reading into
 *   the rest of the same slab). A frame that spans other chunks is
 *   assembled into one fresh buffer of exactly its length.
 * - A declared length is checked against `maxFrameSize` as soon as its four
 *   bytes are in, and the frame's kind before its buffer is allocated, so
 *   memory held never exceeds `maxFrameSize` plus a few bytes.
 * - Topics are decoded through a small per-parser cache: the same topic
 *   bytes give the same string without running a `TextDecoder`.
 * - After a `ProtocolError` the parser stays failed: every later `push()` or
 *   `finish()` throws the same error, since the stream cannot be re-synced.
 *   `reset()` starts a new stream.
 *
 * @example Parsing two frames cut across three chunks
 * ```ts
 * import { encodeFrame, encodedFrameSize, FrameKind, FrameParser } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const frame = {
 *   kind: FrameKind.Message, flags: 0, id: 0, topic: "", timestamp: 0,
 *   payload: Uint8Array.of(1, 2, 3),
 * };
 * const size = encodedFrameSize(frame);
 * const bytes = new Uint8Array(2 * size);
 * encodeFrame(frame, bytes, encodeFrame(frame, bytes, 0));
 *
 * const parser = new FrameParser();
 * assert.deepEqual(parser.push(bytes.subarray(0, 3)), []);
 * assert.deepEqual(parser.push(bytes.subarray(3, size + 1)), [frame]);
 * assert.deepEqual(parser.push(bytes.subarray(size + 1)), [frame]);
 * parser.finish();
 * ```
 */
export class FrameParser {
  #maxFrameSize: number;
  #bodies = new FrameBodyDecoder();
  /** Stream offset of the next pushed byte. */
  #offset = 0;
  /** A frame is partly buffered. */
  #partial = false;
  /** Stream offset of the partial frame's length prefix. */
  #frameStart = 0;
  /** Bytes of the partial frame's length prefix seen so far (0-4). */
  #prefixHave = 0;
  /** The partial frame's length, built up byte by byte. */
  #length = 0;
  /**
   * The partial frame's bytes, still in the chunk they came in, while no
   * other chunk has been pushed: joined to the next chunk without a copy
   * when that one follows it in the same buffer.
   */
  #held: Uint8Array | undefined;
  /** The partial frame's body, allocated once its kind byte is checked. */
  #body: Uint8Array | undefined;
  #filled = 0;
  #failure: ProtocolError | undefined;

  /**
   * Makes a parser for one stream.
   *
   * @param options `maxFrameSize`.
   * @throws {RangeError} When `maxFrameSize` is not an integer in 1..2^32-1.
   */
  constructor(options: FrameParserOptions = {}) {
    const max = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
    if (!Number.isInteger(max) || max < 1 || max > 0xffffffff) {
      throw new RangeError(
        `Cannot create frame parser: maxFrameSize ${max} is not an integer in 1..4294967295`,
      );
    }
    this.#maxFrameSize = max;
  }

  /** Bytes of an incomplete frame held until more arrive. */
  get bufferedBytes(): number {
    if (!this.#partial) return 0;
    return (this.#held?.length ?? 0) + this.#prefixHave + this.#filled;
  }

  /**
   * Feeds the next chunk of the stream.
   *
   * @param chunk Bytes as the transport delivered them; they must not be
   * modified afterwards, since payloads may be views into them.
   * @returns The frames this chunk completed, possibly none.
   * @throws {ProtocolError} When the bytes break the protocol; `offset` is
   * the stream offset of the faulty field.
   */
  push(chunk: Uint8Array): Frame[] {
    if (this.#failure !== undefined) throw this.#failure;
    try {
      const frames: Frame[] = [];
      const base = this.#offset;
      this.#offset = base + chunk.length;
      let pos = 0;
      if (this.#partial) {
        const held = this.#held;
        if (held !== undefined) {
          this.#held = undefined;
          if (
            held.buffer === chunk.buffer &&
            held.byteOffset + held.length === chunk.byteOffset
          ) {
            this.#partial = false;
            const joined = new Uint8Array(
              chunk.buffer,
              held.byteOffset,
              held.length + chunk.length,
            );
            this.#scan(joined, 0, this.#frameStart, frames);
            return frames;
          }
          this.#resume(held, 0, frames);
        }
        pos = this.#resume(chunk, 0, frames);
        if (this.#partial) return frames;
      }
      this.#scan(chunk, pos, base, frames);
      return frames;
    } catch (error) {
      this.#failure = error as ProtocolError;
      throw error;
    }
  }

  /**
   * Declares the end of the stream.
   *
   * @throws {ProtocolError} When an incomplete frame is left over, or the
   * parser has failed before.
   */
  finish(): void {
    if (this.#failure !== undefined) throw this.#failure;
    if (!this.#partial) return;
    this.#failure = new ProtocolError(
      `Cannot finish decoding: ${this.bufferedBytes} bytes of an incomplete frame left over`,
      { offset: this.#frameStart },
    );
    throw this.#failure;
  }

  /** Forgets all state, failure included, to parse a new stream from offset 0. */
  reset(): void {
    this.#offset = 0;
    this.#failure = undefined;
    this.#clearPartial();
  }

  /** Decodes every whole frame of `chunk` from `pos`, then keeps the tail. */
  #scan(chunk: Uint8Array, pos: number, base: number, frames: Frame[]): void {
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const end = chunk.length;
    while (end - pos >= LENGTH_PREFIX_SIZE) {
      const length = view.getUint32(pos);
      // Out of bounds: throws.
      if (length > this.#maxFrameSize || length < BARE_HEADER_SIZE) {
        this.#checkLength(length, base + pos);
      }
      // The frame runs past this chunk: buffer it.
      if (end - pos - LENGTH_PREFIX_SIZE < length) break;
      frames.push(
        this.#bodies.decode(
          chunk,
          view,
          pos + LENGTH_PREFIX_SIZE,
          length,
          base + pos,
        ),
      );
      pos += LENGTH_PREFIX_SIZE + length;
    }
    if (pos === end) return;
    this.#partial = true;
    this.#frameStart = base + pos;
    if (end - pos > LENGTH_PREFIX_SIZE) {
      checkKind(
        chunk[pos + LENGTH_PREFIX_SIZE]!,
        view.getUint32(pos),
        base + pos,
      );
    }
    this.#held = chunk.subarray(pos);
  }

  /** Adds bytes from `pos` to the partial frame; returns where it stopped. */
  #resume(chunk: Uint8Array, pos: number, frames: Frame[]): number {
    const end = chunk.length;
    if (this.#prefixHave < LENGTH_PREFIX_SIZE) {
      while (this.#prefixHave < LENGTH_PREFIX_SIZE && pos < end) {
        this.#length = this.#length * 256 + chunk[pos++]!;
        this.#prefixHave++;
      }
      if (this.#prefixHave < LENGTH_PREFIX_SIZE) return pos;
      this.#checkLength(this.#length, this.#frameStart);
    }
    if (this.#body === undefined) {
      if (pos === end) return pos;
      checkKind(chunk[pos]!, this.#length, this.#frameStart);
      this.#body = new Uint8Array(this.#length);
    }
    const take = Math.min(this.#length - this.#filled, end - pos);
    this.#body.set(chunk.subarray(pos, pos + take), this.#filled);
    this.#filled += take;
    pos += take;
    if (this.#filled === this.#length) {
      const body = this.#body;
      const start = this.#frameStart;
      this.#clearPartial();
      frames.push(
        this.#bodies.decode(
          body,
          new DataView(body.buffer),
          0,
          body.length,
          start,
        ),
      );
    }
    return pos;
  }

  #clearPartial(): void {
    this.#partial = false;
    this.#held = undefined;
    this.#prefixHave = 0;
    this.#length = 0;
    this.#body = undefined;
    this.#filled = 0;
  }

  #checkLength(length: number, at: number): void {
    if (length > this.#maxFrameSize) {
      throw new ProtocolError(
        `Cannot decode frame: length ${length} exceeds maximum ${this.#maxFrameSize}`,
        { offset: at },
      );
    }
    if (length < BARE_HEADER_SIZE) {
      throw new ProtocolError(
        `Cannot decode frame: length ${length} is shorter than kind and flags`,
        { offset: at },
      );
    }
  }
}
