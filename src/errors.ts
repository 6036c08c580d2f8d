/**
 * Every error class msg-ts throws or rejects with.
 *
 * Bad arguments are built-in `TypeError`/`RangeError`; the classes here are
 * domain states a caller may want to catch. Each sets `name` and accepts
 * `ErrorOptions`, so the native error stays reachable as `cause`.
 *
 * @module
 */

/**
 * A peer sent bytes that break the wire protocol. Only the connection that
 * carried them is closed; other peers carry on.
 *
 * @example Catching a protocol error
 * ```ts
 * import { ProtocolError } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const error = new ProtocolError("Cannot decode frame: length 4294967295 exceeds 16777216", { offset: 0 });
 * assert.equal(error.name, "ProtocolError");
 * assert.equal(error.offset, 0);
 * ```
 */
export class ProtocolError extends Error {
  /** Byte offset in the connection's inbound stream where the fault was found, when known. */
  readonly offset: number | undefined;

  /**
   * Makes a protocol error.
   *
   * @param message What was wrong, in sentence case.
   * @param options `offset` of the faulty byte and the usual `cause`.
   */
  constructor(
    message: string,
    options: ErrorOptions & { offset?: number } = {},
  ) {
    super(message, options);
    this.name = "ProtocolError";
    this.offset = options.offset;
  }
}

/**
 * The opening handshake of a connection failed: wrong magic, unsupported
 * version, incompatible socket types, refused authentication, or timeout.
 *
 * @example Reading why a handshake failed
 * ```ts
 * import { HandshakeError } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const error = new HandshakeError("Cannot connect sub to rep: incompatible socket types", { reason: "socket-type" });
 * assert.equal(error.reason, "socket-type");
 * ```
 */
export class HandshakeError extends Error {
  /** Machine-readable cause of the failure. */
  readonly reason: HandshakeFailure;

  /**
   * Makes a handshake error.
   *
   * @param message What failed, in sentence case.
   * @param options `reason` and the usual `cause`.
   */
  constructor(
    message: string,
    options: ErrorOptions & { reason: HandshakeFailure },
  ) {
    super(message, options);
    this.name = "HandshakeError";
    this.reason = options.reason;
  }
}

/**
 * Why a handshake failed.
 *
 * - `magic`: the peer does not speak msg-ts.
 * - `version`: no protocol version in common.
 * - `socket-type`: the two socket types cannot talk (a sub to a rep).
 * - `auth`: the peer refused our credentials, or we refused theirs.
 * - `timeout`: the peer did not finish in time.
 * - `closed`: the connection ended half-way.
 * - `malformed`: the handshake bytes could not be decoded.
 */
export type HandshakeFailure =
  | "magic"
  | "version"
  | "socket-type"
  | "auth"
  | "timeout"
  | "closed"
  | "malformed";

/**
 * A transport could not connect, listen, or keep a connection: refused,
 * reset, address in use. The native error is the `cause`.
 *
 * @example Inspecting a connection error
 * ```ts
 * import { ConnectionError } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const error = new ConnectionError("Cannot connect to tcp://127.0.0.1:1: refused", { code: "refused" });
 * assert.equal(error.code, "refused");
 * ```
 */
export class ConnectionError extends Error {
  /** Machine-readable kind of failure. */
  readonly code: ConnectionFailure;

  /**
   * Makes a connection error.
   *
   * @param message What failed, naming the endpoint.
   * @param options `code` and the native error as `cause`.
   */
  constructor(
    message: string,
    options: ErrorOptions & { code: ConnectionFailure },
  ) {
    super(message, options);
    this.name = "ConnectionError";
    this.code = options.code;
  }
}

/**
 * Kinds of connection failure.
 *
 * - `refused`: nobody listens there.
 * - `reset`: the peer went away mid-stream.
 * - `addr-in-use`: the address is taken by a live listener.
 * - `not-found`: the path or in-process name does not exist.
 * - `closed`: the connection or listener was closed.
 * - `tls`: certificate or TLS negotiation failure.
 * - `timeout`: the peer fell silent (heartbeat) or did not answer in time.
 * - `other`: anything else; see `cause`.
 */
export type ConnectionFailure =
  | "refused"
  | "reset"
  | "addr-in-use"
  | "not-found"
  | "closed"
  | "tls"
  | "timeout"
  | "other";

/**
 * An operation was attempted on, or was cut short by, a closed socket. When a
 * message could not be sent, it rides along as `value` so nothing is lost
 * silently.
 *
 * @example Recovering the unsent message
 * ```ts
 * import { SocketClosedError } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const error = new SocketClosedError('Cannot publish on closed socket: state is "closed"', { value: "hi" });
 * assert.equal(error.value, "hi");
 * ```
 */
export class SocketClosedError extends Error {
  /** The message that was not sent, if any. */
  readonly value: unknown;

  /**
   * Makes a socket-closed error.
   *
   * @param message What could not be done.
   * @param options The unsent `value` and the usual `cause`.
   */
  constructor(
    message: string,
    options: ErrorOptions & { value?: unknown } = {},
  ) {
    super(message, options);
    this.name = "SocketClosedError";
    this.value = options.value;
  }
}

/**
 * A request's peer went away before it answered. The request may have been
 * processed or not; retry only idempotent requests.
 *
 * @example Telling a lost peer from a timeout
 * ```ts
 * import { PeerLostError } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const error = new PeerLostError("Cannot complete request: connection to tcp://127.0.0.1:5555 closed");
 * assert.equal(error.name, "PeerLostError");
 * ```
 */
export class PeerLostError extends Error {
  /**
   * Makes a peer-lost error.
   *
   * @param message What was lost, naming the peer.
   * @param options The usual `cause`.
   */
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, options);
    this.name = "PeerLostError";
  }
}

/**
 * A bounded queue is full and the caller asked not to wait (`failFast`).
 *
 * @example Telling a full queue apart
 * ```ts
 * import { HighWaterMarkError } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const error = new HighWaterMarkError("Cannot send request: 8192 requests pending", { value: "hi" });
 * assert.equal(error.value, "hi");
 * ```
 */
export class HighWaterMarkError extends Error {
  /** The message that was not sent. */
  readonly value: unknown;

  /**
   * Makes a high-water-mark error.
   *
   * @param message Which bound was reached.
   * @param options The unsent `value` and the usual `cause`.
   */
  constructor(
    message: string,
    options: ErrorOptions & { value?: unknown } = {},
  ) {
    super(message, options);
    this.name = "HighWaterMarkError";
    this.value = options.value;
  }
}

/**
 * Makes the rejection used for timeouts: a `DOMException` named
 * `"TimeoutError"`, the same thing `AbortSignal.timeout()` gives, so callers
 * test `error.name === "TimeoutError"` whatever produced it.
 *
 * @param message What timed out.
 * @returns A `DOMException` whose name is `"TimeoutError"`.
 *
 * @example Recognising a timeout
 * ```ts
 * import { timeoutError } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * assert.equal(timeoutError("Request timed out after 5000 ms").name, "TimeoutError");
 * ```
 */
export function timeoutError(message: string): DOMException {
  return new DOMException(message, "TimeoutError");
}

// -- codec --

/**
 * A payload codec could not decode bytes into a value: not valid MessagePack,
 * not valid UTF-8, trailing bytes. The codec's own error is the `cause`. It
 * concerns one message only: the connection that carried it stays open.
 *
 * @example Catching a payload that does not decode
 * ```ts
 * import { CodecError, msgpackCodec } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => msgpackCodec.decode(new Uint8Array([0xc1])), (error) =>
 *   error instanceof CodecError && error.codec === "msgpack");
 * ```
 */
export class CodecError extends Error {
  /** Name of the codec that failed: `"msgpack"`, `"text"`, or a user codec's. */
  readonly codec: string;

  /**
   * Makes a codec error.
   *
   * @param message What could not be decoded, in sentence case.
   * @param options The `codec` name and the codec's own error as `cause`.
   */
  constructor(message: string, options: ErrorOptions & { codec: string }) {
    super(message, options);
    this.name = "CodecError";
    this.codec = options.codec;
  }
}
