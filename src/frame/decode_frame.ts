/**
 * Frame parser: turns the byte chunks of one connection into frames.
 * Pure and synchronous; the stream and peer layers drive it.
 *
 * @module
 */

import { ProtocolError } from "../errors.ts";
import {
  DEFAULT_MAX_FRAME_SIZE,
  FLAG_TIMESTAMP,
  type Frame,
  FrameKind,
  LENGTH_PREFIX_SIZE,
} from "./frame.ts";
import {
  ALLOWED_FLAGS,
  BARE_HEADER_SIZE,
  kindHeaderSize,
  kindName,
  PUBLISH_HEADER_SIZE,
} from "./_frame_layout.ts";
import { TopicCache } from "./_topic_cache.ts";

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
 *   view into that chunk: nothing is copied. A frame that spans chunks is
 *   assembled into one fresh buffer of exactly its length.
 * - A declared length is checked against `maxFrameSize` as soon as its four
 *   bytes are in, and the frame's kind before its buffer is allocated, so
 *   memory held never exceeds `maxFrameSize` plus a few bytes.
 * - Topics are decoded through a small per-parser cache.
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
  #topics = new TopicCache();
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
    return this.#prefixHave + this.#filled;
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
      this.#checkLength(length, base + pos);
      // The frame runs past this chunk: buffer it.
      if (end - pos - LENGTH_PREFIX_SIZE < length) break;
      frames.push(
        this.#decode(chunk, view, pos + LENGTH_PREFIX_SIZE, length, base + pos),
      );
      pos += LENGTH_PREFIX_SIZE + length;
    }
    if (pos === end) return;
    this.#partial = true;
    this.#frameStart = base + pos;
    this.#resume(chunk, pos, frames);
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
      this.#checkKind(chunk[pos]!, this.#length, this.#frameStart);
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
        this.#decode(body, new DataView(body.buffer), 0, body.length, start),
      );
    }
    return pos;
  }

  #clearPartial(): void {
    this.#partial = false;
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

  /** Rejects an unknown kind, or a length too short for the kind's header. */
  #checkKind(kind: number, length: number, at: number): void {
    const header = kindHeaderSize(kind);
    if (header === 0) {
      throw new ProtocolError(
        `Cannot decode frame: unknown kind 0x${
          kind.toString(16).padStart(2, "0")
        }`,
        { offset: at + LENGTH_PREFIX_SIZE },
      );
    }
    if (length < header) {
      throw new ProtocolError(
        `Cannot decode frame: length ${length} is shorter than the ${header}-byte ${
          kindName(kind)
        } header`,
        { offset: at },
      );
    }
  }

  /**
   * Decodes the `length` bytes at `start` (kind onwards) of a frame whose
   * prefix is at stream offset `at`. `view` indexes like `bytes`.
   */
  #decode(
    bytes: Uint8Array,
    view: DataView,
    start: number,
    length: number,
    at: number,
  ): Frame {
    const kind = bytes[start]!;
    const flags = bytes[start + 1]!;
    this.#checkKind(kind, length, at);
    const header = kindHeaderSize(kind);
    const end = start + length;
    // Reserved flag bits, or a timestamp flag outside Publish.
    if (
      flags > ALLOWED_FLAGS ||
      ((flags & FLAG_TIMESTAMP) !== 0 && kind !== FrameKind.Publish)
    ) {
      throw new ProtocolError(
        `Cannot decode frame: flags 0x${
          flags.toString(16)
        } are not allowed on ${kindName(kind)}`,
        { offset: at + LENGTH_PREFIX_SIZE + 1 },
      );
    }
    // Publish: seq, topic, optional timestamp.
    if (kind === FrameKind.Publish) {
      return this.#decodePublish(bytes, view, start, end, at);
    }
    // Message and Close: no id.
    if (header === BARE_HEADER_SIZE) {
      return frameOf(
        kind,
        flags,
        0,
        "",
        0,
        bytes.subarray(start + header, end),
      );
    }
    // Every other kind: a u32 id.
    const id = view.getUint32(start + BARE_HEADER_SIZE);
    return frameOf(kind, flags, id, "", 0, bytes.subarray(start + header, end));
  }

  #decodePublish(
    bytes: Uint8Array,
    view: DataView,
    start: number,
    end: number,
    at: number,
  ): Frame {
    const flags = bytes[start + 1]!;
    const seq = view.getUint32(start + BARE_HEADER_SIZE);
    const topicLength = view.getUint16(start + BARE_HEADER_SIZE + 4);
    const topicStart = start + PUBLISH_HEADER_SIZE;
    const stamped = (flags & FLAG_TIMESTAMP) !== 0;
    const payloadStart = topicStart + topicLength + (stamped ? 8 : 0);
    if (payloadStart > end) {
      throw new ProtocolError(
        `Cannot decode frame: topic of ${topicLength} bytes overruns a ${
          end - start
        }-byte Publish frame`,
        { offset: at + LENGTH_PREFIX_SIZE + BARE_HEADER_SIZE + 4 },
      );
    }
    let topic: string;
    try {
      topic = this.#topics.decode(bytes, topicStart, topicLength);
    } catch (cause) {
      throw new ProtocolError("Cannot decode frame: topic is not valid UTF-8", {
        offset: at + LENGTH_PREFIX_SIZE + PUBLISH_HEADER_SIZE,
        cause,
      });
    }
    const timestamp = stamped ? view.getFloat64(topicStart + topicLength) : 0;
    const payload = bytes.subarray(payloadStart, end);
    return frameOf(FrameKind.Publish, flags, seq, topic, timestamp, payload);
  }
}

/** Builds a frame; one literal shape keeps property access monomorphic. */
function frameOf(
  kind: number,
  flags: number,
  id: number,
  topic: string,
  timestamp: number,
  payload: Uint8Array,
): Frame {
  return { kind: kind as FrameKind, flags, id, topic, timestamp, payload };
}
