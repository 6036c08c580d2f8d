/**
 * The errors a peer's `closed` resolves with when the connection fails.
 *
 * @module
 */

import { ConnectionError } from "../errors.ts";

/**
 * The stream ended without a Close frame.
 *
 * @param remote The peer's address.
 * @returns A `ConnectionError` with code `"reset"`.
 */
export function endedError(remote: string): ConnectionError {
  return new ConnectionError(
    `Connection to ${remote} ended without a Close frame`,
    { code: "reset" },
  );
}

/**
 * A read or a write failed.
 *
 * @param action What failed.
 * @param remote The peer's address.
 * @param cause The transport's error.
 * @returns A `ConnectionError` with code `"reset"`.
 */
export function brokenError(
  action: "read from" | "write to",
  remote: string,
  cause: unknown,
): ConnectionError {
  return new ConnectionError(
    `Cannot ${action} ${remote}: connection broken`,
    { code: "reset", cause },
  );
}

/**
 * Nothing arrived for the heartbeat timeout.
 *
 * @param remote The peer's address.
 * @param ms How long it was silent.
 * @returns A `ConnectionError` with code `"timeout"`.
 */
export function silentError(remote: string, ms: number): ConnectionError {
  return new ConnectionError(
    `Connection to ${remote} timed out: nothing received for ${
      Math.round(ms)
    } ms`,
    { code: "timeout" },
  );
}
