/**
 * The identity codec for raw byte payloads.
 *
 * @module
 */

import { describe } from "./_describe.ts";
import type { Codec } from "./codec.ts";

/**
 * The default codec: payloads are `Uint8Array`s, passed through without a
 * copy in either direction.
 *
 * @example Bytes in, the same bytes out
 * ```ts
 * import { bytesCodec } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const bytes = new Uint8Array([1, 2, 3]);
 * assert.equal(bytesCodec.encode(bytes), bytes);
 * assert.equal(bytesCodec.decode(bytes), bytes);
 * assert.throws(() => bytesCodec.encode("hi" as unknown as Uint8Array), TypeError);
 * ```
 */
export const bytesCodec: Codec<Uint8Array> = Object.freeze({
  encode(value: Uint8Array): Uint8Array {
    if (!(value instanceof Uint8Array)) {
      throw new TypeError(
        `Cannot encode payload: expected a Uint8Array, got ${describe(value)}`,
      );
    }
    return value;
  },
  decode(bytes: Uint8Array): Uint8Array {
    return bytes;
  },
});
