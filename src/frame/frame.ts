/**
 * Frame types and constants of the msg-ts wire protocol (see PROTOCOL.md).
 *
 * After the handshake every message on a connection is one frame:
 *
 * ```text
 * u32 BE  length   bytes that follow this field (kind .. end of payload)
 * u8      kind     FrameKind
 * u8      flags    bits 0-2 compression id, bit 3 FLAG_TIMESTAMP
 * …       fields   depend on kind (see PROTOCOL.md)
 * …       payload  the rest
 * ```
 *
 * @module
 */

/** Frame kinds. Values are the wire byte. */
export const FrameKind = {
  /** A request: `u32 id`, payload. */
  Request: 0x01,
  /** A reply to request `id`: `u32 id`, payload. */
  Reply: 0x02,
  /** A published message: `u32 seq`, `u16 topic length`, topic, [`f64 timestamp`], payload. */
  Publish: 0x03,
  /** Subscribe to a pattern: `u32 id`, payload = pattern (UTF-8). Answered by `Ack`. */
  Subscribe: 0x04,
  /** Unsubscribe a pattern: `u32 id`, payload = pattern (UTF-8). Answered by `Ack`. */
  Unsubscribe: 0x05,
  /** Acknowledges control frame `id`: `u32 id`. */
  Ack: 0x06,
  /** Liveness probe: `u32 id`. Answered by `Pong` with the same id. */
  Ping: 0x07,
  /** Answer to `Ping`: `u32 id`. */
  Pong: 0x08,
  /** Orderly goodbye: payload = reason (UTF-8). The sender closes next. */
  Close: 0x09,
  /** A plain message for patterns without ids or topics: payload. */
  Message: 0x0a,
} as const;

/** A frame kind byte. */
export type FrameKind = typeof FrameKind[keyof typeof FrameKind];

/** Flag bits 0-2: compression id of the payload (0 = none). */
export const FLAG_COMPRESSION_MASK = 0x07;
/** Flag bit 3: a `Publish` frame carries an `f64` timestamp (ms since the epoch). */
export const FLAG_TIMESTAMP = 0x08;

/** Bytes of the length prefix. */
export const LENGTH_PREFIX_SIZE = 4;

/** Default largest frame accepted, in bytes after the length prefix: 16 MiB. */
export const DEFAULT_MAX_FRAME_SIZE = 16 * 1024 * 1024;

/**
 * One decoded frame. Fields a kind does not use are `0` or `""`.
 *
 * `payload` is a view into the bytes the transport delivered (never copied on
 * decode); it stays valid because transports never reuse a chunk they hand out.
 */
export interface Frame {
  /** What this frame is. */
  kind: FrameKind;
  /** Flag bits: compression id and `FLAG_TIMESTAMP`. */
  flags: number;
  /** Request id (`Request`/`Reply`), sequence number (`Publish`), or control id. */
  id: number;
  /** Topic of a `Publish` frame; `""` otherwise. */
  topic: string;
  /** Publish time in ms since the epoch when `FLAG_TIMESTAMP` is set; `0` otherwise. */
  timestamp: number;
  /** Message bytes. */
  payload: Uint8Array;
}
