/**
 * The MessagePack codec for structured payloads.
 *
 * @module
 */

import { Decoder, Encoder } from "@msgpack/msgpack";
import { CodecError } from "../errors.ts";
import type { Codec } from "./codec.ts";

// One of each, reused: making them costs more than encoding a small object.
// Both guard against re-entrant use themselves.
const ENCODER = new Encoder();
const DECODER = new Decoder();

/**
 * Payloads are structured values, sent as MessagePack (the `@msgpack/msgpack`
 * library with its defaults).
 *
 * - Round-trips `null`, booleans, numbers, strings, arrays, plain objects,
 *   `Uint8Array` and `Date`. `undefined` arrives as `null` and `-0` as `0`;
 *   other typed arrays arrive as `Uint8Array` of their bytes; a `Map` or
 *   `Set` as an empty object (convert them first). A `bigint`, a function or
 *   a symbol is a `TypeError` from `encode`.
 * - `decode` throws only {@linkcode CodecError}, whatever the bytes, and
 *   refuses an object key `__proto__`. Binary values are views into `bytes`.
 * - Typed use: `msgpackCodec as Codec<Price>` — the codec checks the
 *   encoding, not the shape; validate decoded values you do not trust.
 *
 * @example Objects in and out
 * ```ts
 * import { CodecError, msgpackCodec } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const value = { symbol: "btc", price: 97000.5, tags: ["spot"] };
 * assert.deepEqual(msgpackCodec.decode(msgpackCodec.encode(value)), value);
 * assert.throws(() => msgpackCodec.decode(new Uint8Array([0x92, 0x01])), CodecError);
 * ```
 */
export const msgpackCodec: Codec<unknown> = Object.freeze({
  encode(value: unknown): Uint8Array {
    try {
      return ENCODER.encode(value);
    } catch (cause) {
      throw new TypeError(
        `Cannot encode payload as MessagePack: ${messageOf(cause)}`,
        { cause },
      );
    }
  },
  decode(bytes: Uint8Array): unknown {
    try {
      return DECODER.decode(bytes);
    } catch (cause) {
      throw new CodecError(
        `Cannot decode payload as MessagePack: ${messageOf(cause)}`,
        { codec: "msgpack", cause },
      );
    }
  },
});

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
