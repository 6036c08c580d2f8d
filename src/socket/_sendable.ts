/**
 * The copy rule for outgoing payloads.
 *
 * @module
 */

import { BY_REFERENCE_BYTES } from "../peer/frame_writer.ts";

/**
 * The bytes to send for `payload`, which the codec encoded as `bytes`.
 * Peers write payloads of `BY_REFERENCE_BYTES` or more from the array they
 * are given, after the call returns; when that array is the caller's own
 * (the bytes codec hands it through), it is copied once here, unless the
 * socket was told the caller leaves it alone (`zeroCopy`).
 *
 * @param bytes What the codec returned.
 * @param payload What the caller passed.
 * @param zeroCopy The socket's `zeroCopy` option.
 * @returns `bytes`, or a copy of them.
 */
export function sendable(
  bytes: Uint8Array,
  payload: unknown,
  zeroCopy: boolean,
): Uint8Array {
  if (zeroCopy || bytes !== payload || bytes.length < BY_REFERENCE_BYTES) {
    return bytes;
  }
  return bytes.slice();
}
