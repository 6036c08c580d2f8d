/**
 * The payload codec contract: how a socket turns typed values into the bytes
 * of a message payload and back.
 *
 * @module
 */

/**
 * Turns values of type `T` into payload bytes and back. A socket uses one
 * through its `codec` option; {@linkcode bytesCodec} (raw bytes) is the
 * default, {@linkcode textCodec} and {@linkcode msgpackCodec} are built in.
 *
 * - `encode` runs synchronously on the sender and must return bytes the
 *   codec will not reuse: the socket may write them later.
 * - `decode` may return views into `bytes` (the receiver owns them).
 * - A value the codec cannot represent is a `TypeError` from `encode`;
 *   bytes that do not decode are a {@linkcode CodecError} from `decode`,
 *   which fails that one message, never the connection.
 *
 * @typeParam T The type of the values.
 *
 * @example A JSON codec of one's own
 * ```ts
 * import { type Codec, CodecError } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const jsonCodec: Codec<unknown> = {
 *   encode: (value) => new TextEncoder().encode(JSON.stringify(value)),
 *   decode(bytes) {
 *     try {
 *       return JSON.parse(new TextDecoder().decode(bytes));
 *     } catch (cause) {
 *       throw new CodecError("Cannot decode payload as JSON", { codec: "json", cause });
 *     }
 *   },
 * };
 * assert.deepEqual(jsonCodec.decode(jsonCodec.encode({ a: [1, 2] })), { a: [1, 2] });
 * ```
 */
export interface Codec<T> {
  /**
   * Encodes a value.
   *
   * @param value The value to send.
   * @returns Its bytes, which the codec will not touch again.
   * @throws {TypeError} When the codec cannot represent `value`.
   */
  encode(value: T): Uint8Array;
  /**
   * Decodes a payload.
   *
   * @param bytes A received payload.
   * @returns The value it holds.
   * @throws {CodecError} When `bytes` do not hold a value of this codec.
   */
  decode(bytes: Uint8Array): T;
}
