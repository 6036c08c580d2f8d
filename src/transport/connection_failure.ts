/**
 * Turns a runtime's native network error into a {@linkcode ConnectionError},
 * reading the error's `code` (`"ECONNREFUSED"`: Node, Bun and Deno all set
 * it) and else its `name` (`"ConnectionRefused"`: Deno).
 *
 * @module
 */

import { ConnectionError, type ConnectionFailure } from "../errors.ts";
import type { Endpoint } from "./endpoint.ts";

const BY_CODE: Readonly<Record<string, ConnectionFailure>> = {
  ECONNREFUSED: "refused",
  ECONNRESET: "reset",
  EPIPE: "reset",
  ECONNABORTED: "reset",
  ENOTCONN: "reset",
  EADDRINUSE: "addr-in-use",
  ENOENT: "not-found",
  ENOTFOUND: "not-found",
  ETIMEDOUT: "timeout",
  ERR_SOCKET_CLOSED: "closed",
  ERR_STREAM_DESTROYED: "closed",
};

const BY_NAME: Readonly<Record<string, ConnectionFailure>> = {
  ConnectionRefused: "refused",
  ConnectionReset: "reset",
  ConnectionAborted: "reset",
  BrokenPipe: "reset",
  NotConnected: "reset",
  UnexpectedEof: "reset",
  AddrInUse: "addr-in-use",
  NotFound: "not-found",
  TimedOut: "timeout",
  BadResource: "closed",
  Interrupted: "closed",
};

const TLS_CODE = /^(ERR_SSL|ERR_TLS|UNABLE_TO_|CERT_|DEPTH_ZERO|SELF_SIGNED)/;

const WORDS: Readonly<Record<ConnectionFailure, string>> = {
  "refused": "connection refused",
  "reset": "connection reset",
  "addr-in-use": "address in use",
  "not-found": "not found",
  "closed": "connection closed",
  "tls": "TLS failure",
  "timeout": "timed out",
  "other": "failed",
};

/**
 * Classifies a native network error.
 *
 * @param error What the runtime threw.
 * @returns The kind of failure; `"other"` when the error is not recognised.
 *
 * @example Node-style codes and Deno-style names
 * ```ts
 * import { connectionFailure } from "./connection_failure.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(connectionFailure(Object.assign(new Error("x"), { code: "EADDRINUSE" })), "addr-in-use");
 * const denoStyle = new Error("Connection refused (os error 111)");
 * denoStyle.name = "ConnectionRefused";
 * assert.equal(connectionFailure(denoStyle), "refused");
 * assert.equal(connectionFailure("what"), "other");
 * ```
 */
export function connectionFailure(error: unknown): ConnectionFailure {
  if (error instanceof ConnectionError) return error.code;
  if (typeof error !== "object" || error === null) return "other";
  const { code, name } = error as { code?: unknown; name?: unknown };
  if (typeof code === "string") {
    const known = BY_CODE[code];
    if (known !== undefined) return known;
    if (TLS_CODE.test(code)) return "tls";
  }
  if (typeof name === "string") return BY_NAME[name] ?? "other";
  return "other";
}

/**
 * Wraps a native error in a `ConnectionError` whose message names the action
 * and the endpoint, keeping the native error as `cause`. A `ConnectionError`
 * passes through unchanged.
 *
 * @param error What the runtime threw.
 * @param action What was being done, naming the endpoint: `"Cannot connect to tcp://127.0.0.1:1"`.
 * @param fallback The code to use when the error is not recognised. @default "other"
 * @returns The connection error.
 *
 * @example Wrapping a refused connection
 * ```ts
 * import { toConnectionError } from "./connection_failure.ts";
 * import assert from "node:assert/strict";
 *
 * const native = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
 * const error = toConnectionError(native, "Cannot connect to tcp://127.0.0.1:1");
 * assert.equal(error.code, "refused");
 * assert.equal(error.message, "Cannot connect to tcp://127.0.0.1:1: connection refused");
 * assert.equal(error.cause, native);
 * ```
 */
export function toConnectionError(
  error: unknown,
  action: string,
  fallback: ConnectionFailure = "other",
): ConnectionError {
  if (error instanceof ConnectionError) return error;
  const found = connectionFailure(error);
  const code = found === "other" ? fallback : found;
  const detail = code === "other" || code === "tls" ? nativeMessage(error) : "";
  return new ConnectionError(
    `${action}: ${WORDS[code]}${detail === "" ? "" : ` (${detail})`}`,
    { code, cause: error },
  );
}

function nativeMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Wraps the error of a failed connect. As {@linkcode toConnectionError}, except
 * that a missing `ipc` socket file is "refused", as a TCP port nobody listens
 * on is: either way, nobody listens there.
 *
 * @param error What the runtime threw.
 * @param endpoint The endpoint connected to.
 * @param fallback The code when the error is not recognised (`"tls"` during a TLS handshake). @default "other"
 * @returns The connection error.
 *
 * @example A missing socket file is refused
 * ```ts
 * import { connectFailure } from "./connection_failure.ts";
 * import { parseEndpoint } from "./endpoint.ts";
 * import assert from "node:assert/strict";
 *
 * const native = Object.assign(new Error("no such file"), { code: "ENOENT" });
 * const error = connectFailure(native, parseEndpoint("ipc:///tmp/nobody.sock"));
 * assert.equal(error.code, "refused");
 * assert.equal(error.cause, native);
 * ```
 */
export function connectFailure(
  error: unknown,
  endpoint: Endpoint,
  fallback: ConnectionFailure = "other",
): ConnectionError {
  const action = `Cannot connect to ${endpoint.url}`;
  const failure = toConnectionError(error, action, fallback);
  if (failure.code !== "not-found" || endpoint.scheme !== "ipc") return failure;
  return new ConnectionError(`${action}: connection refused, no socket file`, {
    code: "refused",
    cause: error,
  });
}
