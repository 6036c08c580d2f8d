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
  return mustCopy(bytes, payload, zeroCopy) ? bytes.slice() : bytes;
}

/**
 * Whether {@linkcode sendable} would copy: for a sender that copies only
 * once it knows the bytes will be sent at all.
 *
 * @param bytes What the codec returned.
 * @param payload What the caller passed.
 * @param zeroCopy The socket's `zeroCopy` option.
 * @returns `true` when `bytes` are the caller's own large array.
 */
export function mustCopy(
  bytes: Uint8Array,
  payload: unknown,
  zeroCopy: boolean,
): boolean {
  return !zeroCopy && bytes === payload && bytes.length >= BY_REFERENCE_BYTES;
}
