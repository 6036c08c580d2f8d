/**
 * Frame encoder: writes frames into a caller's buffer, byte for byte as
 * PROTOCOL.md §3 lays them out. Pure and synchronous.
 *
 * @module
 */

import {
  FLAG_TIMESTAMP,
  type Frame,
  FrameKind,
  LENGTH_PREFIX_SIZE,
} from "./frame.ts";
import { ALLOWED_FLAGS, kindHeaderSize } from "./_frame_layout.ts";
import { topicBytes } from "./_topic_bytes.ts";

const scratch = new DataView(new ArrayBuffer(8));

/**
 * Counts the bytes `frame` takes on the wire, length prefix included.
 *
 * Fields the frame's kind does not carry (`id` of a `Message`, `topic` of a
 * `Request`, …) are not encoded and do not count.
 *
 * @param frame The frame to measure.
 * @returns Its encoded size in bytes.
 * @throws {RangeError} When the kind is unknown, a flag is not allowed for the
 * kind, the id is not a u32, or the topic is longer than 65535 UTF-8 bytes.
 *
 * @example Sizing a request and a publish
 * ```ts
 * import { encodedFrameSize, FLAG_TIMESTAMP, FrameKind } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const payload = new Uint8Array(5);
 * const request = { kind: FrameKind.Request, flags: 0, id: 7, topic: "", timestamp: 0, payload };
 * assert.equal(encodedFrameSize(request), 4 + 6 + 5);
 * const publish = { ...request, kind: FrameKind.Publish, flags: FLAG_TIMESTAMP, topic: "a.b" };
 * assert.equal(encodedFrameSize(publish), 4 + 8 + 3 + 8 + 5);
 * ```
 */
export function encodedFrameSize(frame: Frame): number {
  return LENGTH_PREFIX_SIZE + headerSize(frame) + frame.payload.length;
}

/**
 * Encodes `frame` into `target` at `offset`.
 *
 * The caller makes room first with {@linkcode encodedFrameSize}. Topics are
 * turned into UTF-8 once and cached, since publishers reuse a few topics.
 *
 * @param frame The frame to write.
 * @param target The buffer to write into.
 * @param offset Where the frame starts in `target`.
 * @returns The offset just past the frame.
 * @throws {RangeError} When the frame is invalid (see
 * {@linkcode encodedFrameSize}) or does not fit in `target`.
 *
 * @example Encoding a request
 * ```ts
 * import { encodeFrame, encodedFrameSize, FrameKind } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const frame = {
 *   kind: FrameKind.Request, flags: 0, id: 7, topic: "", timestamp: 0,
 *   payload: new TextEncoder().encode("hello"),
 * };
 * const bytes = new Uint8Array(encodedFrameSize(frame));
 * assert.equal(encodeFrame(frame, bytes, 0), bytes.length);
 * assert.deepEqual(
 *   bytes,
 *   Uint8Array.of(0, 0, 0, 11, 0x01, 0, 0, 0, 0, 7, 0x68, 0x65, 0x6c, 0x6c, 0x6f),
 * );
 * ```
 */
export function encodeFrame(
  frame: Frame,
  target: Uint8Array,
  offset: number,
): number {
  const payload = frame.payload;
  const length = headerSize(frame) + payload.length;
  const end = offset + LENGTH_PREFIX_SIZE + length;
  if (offset < 0 || end > target.length) {
    throw new RangeError(
      `Cannot encode frame: ${
        end - offset
      } bytes do not fit at offset ${offset} of a ${target.length}-byte buffer`,
    );
  }
  copyBytes(payload, target, writeHeader(frame, target, offset, length));
  return end;
}

/**
 * Encodes everything of `frame` but its payload (length prefix, kind, flags
 * and header) into `target` at `offset`; the payload's bytes must follow
 * on the wire.
 *
 * @param frame The frame.
 * @param target The buffer to write into.
 * @param offset Where the length prefix goes.
 * @returns The offset just past the header, where the payload would start.
 * @throws {RangeError} When the frame is invalid or its header does not fit.
 */
export function encodeFrameHeader(
  frame: Frame,
  target: Uint8Array,
  offset: number,
): number {
  const header = headerSize(frame);
  const end = offset + LENGTH_PREFIX_SIZE + header;
  if (offset < 0 || end > target.length) {
    throw new RangeError(
      `Cannot encode frame header: ${
        end - offset
      } bytes do not fit at offset ${offset} of a ${target.length}-byte buffer`,
    );
  }
  return writeHeader(frame, target, offset, header + frame.payload.length);
}

function writeHeader(
  frame: Frame,
  target: Uint8Array,
  offset: number,
  length: number,
): number {
  let at = writeU32(target, offset, length);
  target[at++] = frame.kind;
  target[at++] = frame.flags;
  if (frame.kind === FrameKind.Publish) {
    at = writePublishHeader(frame, target, at);
  } else if (kindHeaderSize(frame.kind) > 2) {
    at = writeU32(target, at, frame.id);
  }
  return at;
}

/** Bytes after the length prefix that come before the payload. */
function headerSize(frame: Frame): number {
  const kind = frame.kind;
  const base = kindHeaderSize(kind);
  if (base === 0) {
    throw new RangeError(`Cannot encode frame: unknown kind ${String(kind)}`);
  }
  const flags = frame.flags;
  if ((flags >>> 0) !== flags || flags > ALLOWED_FLAGS) {
    throw new RangeError(
      `Cannot encode frame: flags ${String(flags)} use reserved bits`,
    );
  }
  if (base > 2 && (frame.id >>> 0) !== frame.id) {
    throw new RangeError(
      `Cannot encode frame: id ${String(frame.id)} is not a u32`,
    );
  }
  if (kind !== FrameKind.Publish) {
    if ((flags & FLAG_TIMESTAMP) !== 0) {
      throw new RangeError(
        "Cannot encode frame: FLAG_TIMESTAMP is only allowed on Publish",
      );
    }
    return base;
  }
  const stamp = (flags & FLAG_TIMESTAMP) === 0 ? 0 : 8;
  return base + topicBytes(frame.topic).length + stamp;
}

/** Writes seq, topic length, topic and the optional timestamp. */
function writePublishHeader(
  frame: Frame,
  target: Uint8Array,
  at: number,
): number {
  at = writeU32(target, at, frame.id);
  const topic = topicBytes(frame.topic);
  target[at++] = topic.length >>> 8;
  target[at++] = topic.length & 0xff;
  copyBytes(topic, target, at);
  at += topic.length;
  if ((frame.flags & FLAG_TIMESTAMP) !== 0) {
    scratch.setFloat64(0, frame.timestamp);
    for (let i = 0; i < 8; i++) target[at + i] = scratch.getUint8(i);
    at += 8;
  }
  return at;
}

function writeU32(target: Uint8Array, at: number, value: number): number {
  target[at] = value >>> 24;
  target[at + 1] = (value >>> 16) & 0xff;
  target[at + 2] = (value >>> 8) & 0xff;
  target[at + 3] = value & 0xff;
  return at + 4;
}

/** Copies `source` to `target` at `at`; a loop beats `set()` for tiny inputs. */
function copyBytes(source: Uint8Array, target: Uint8Array, at: number): void {
  const n = source.length;
  if (n > 16) {
    target.set(source, at);
    return;
  }
  for (let i = 0; i < n; i++) target[at + i] = source[i]!;
}
