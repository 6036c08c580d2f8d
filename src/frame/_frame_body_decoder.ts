/**
 * Decodes the body of one complete frame (kind byte to end of payload).
 * The parser finds frame boundaries; this checks and reads what is inside.
 *
 * @module
 */

import { ProtocolError } from "../errors.ts";
import {
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

/** Offset of the topic length field from the length prefix of a Publish. */
const TOPIC_LENGTH_OFFSET = LENGTH_PREFIX_SIZE + BARE_HEADER_SIZE + 4;

/**
 * Rejects an unknown kind, or a length too short for the kind's header.
 *
 * @param kind The kind byte.
 * @param length The frame's declared length.
 * @param at Stream offset of the frame's length prefix.
 * @throws {ProtocolError} On either fault.
 */
export function checkKind(kind: number, length: number, at: number): void {
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

/** Reads frame bodies, with a topic cache that lives as long as the stream. */
export class FrameBodyDecoder {
  #topics = new TopicCache();
  /** The chunk last decoded from, with its buffer and offset read once. */
  #bytes: Uint8Array | undefined;
  #buffer: ArrayBufferLike = EMPTY_BUFFER;
  #offset = 0;

  /**
   * Decodes the `length` bytes at `start` (kind onwards) of a frame whose
   * length prefix is at stream offset `at`. Payload and topic are read in
   * place; the payload is a view into `bytes`.
   *
   * @param bytes Holds the frame.
   * @param view A `DataView` that indexes like `bytes`.
   * @param start Index of the kind byte.
   * @param length The frame's declared length.
   * @param at Stream offset of the length prefix, for errors.
   * @returns The frame.
   * @throws {ProtocolError} When the body breaks the protocol.
   */
  decode(
    bytes: Uint8Array,
    view: DataView,
    start: number,
    length: number,
    at: number,
  ): Frame {
    const kind = bytes[start]!;
    const flags = bytes[start + 1]!;
    const header = kindHeaderSize(kind);
    // Unknown kind, or too short for its header.
    if (header === 0 || length < header) checkKind(kind, length, at);
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
        this.#viewOf(bytes, start + header, end),
      );
    }
    // Every other kind: a u32 id.
    const id = view.getUint32(start + BARE_HEADER_SIZE);
    return frameOf(
      kind,
      flags,
      id,
      "",
      0,
      this.#viewOf(bytes, start + header, end),
    );
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
        { offset: at + TOPIC_LENGTH_OFFSET },
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
    const payload = this.#viewOf(bytes, payloadStart, end);
    return frameOf(FrameKind.Publish, flags, seq, topic, timestamp, payload);
  }

  /**
   * `bytes.subarray(start, end)`, built directly on the buffer: this skips
   * the species lookup of `subarray` and costs about half as much in V8.
   * The buffer and offset are read once per chunk: their getters cost as
   * much again in JavaScriptCore.
   */
  #viewOf(bytes: Uint8Array, start: number, end: number): Uint8Array {
    if (bytes !== this.#bytes) {
      this.#bytes = bytes;
      this.#buffer = bytes.buffer;
      this.#offset = bytes.byteOffset;
    }
    return new Uint8Array(this.#buffer, this.#offset + start, end - start);
  }
}

const EMPTY_BUFFER = new ArrayBuffer(0);

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
