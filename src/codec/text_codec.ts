/**
 * The UTF-8 text codec.
 *
 * @module
 */

import { CodecError } from "../errors.ts";
import { describe } from "./_describe.ts";
import type { Codec } from "./codec.ts";

const ENCODER = new TextEncoder();
// fatal: invalid UTF-8 is an error, not U+FFFD; ignoreBOM: a leading U+FEFF
// is part of the text and round-trips.
const DECODER = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Payloads are strings, sent as UTF-8.
 *
 * - Every well-formed string round-trips, a leading byte-order mark
 *   included. A lone surrogate half is sent as U+FFFD, as `TextEncoder` does.
 * - Bytes that are not valid UTF-8 are a {@linkcode CodecError} rather than
 *   replacement characters.
 *
 * @example Text in and out
 * ```ts
 * import { CodecError, textCodec } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(textCodec.encode("hé"), new Uint8Array([0x68, 0xc3, 0xa9]));
 * assert.equal(textCodec.decode(textCodec.encode("hé")), "hé");
 * assert.throws(() => textCodec.decode(new Uint8Array([0xff])), CodecError);
 * ```
 */
export const textCodec: Codec<string> = Object.freeze({
  encode(value: string): Uint8Array {
    if (typeof value !== "string") {
      throw new TypeError(
        `Cannot encode payload as text: expected a string, got ${
          describe(value)
        }`,
      );
    }
    return ENCODER.encode(value);
  },
  decode(bytes: Uint8Array): string {
    try {
      return DECODER.decode(bytes);
    } catch (cause) {
      throw new CodecError("Cannot decode payload as text: invalid UTF-8", {
        codec: "text",
        cause,
      });
    }
  },
});
