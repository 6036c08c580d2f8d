/**
 * The opening handshake of every connection (PROTOCOL.md §2).
 *
 * @module
 */

import type { WireReader, WireWriter } from "../transport/_wire_ends.ts";
import type { Connection } from "../transport/transport.ts";
import {
  DEFAULT_MAX_PROPERTIES_SIZE,
  encodeGreeting,
  GREETING_HEADER_SIZE,
} from "./_handshake_codec.ts";
import { HandshakeSession } from "./_handshake_session.ts";
import { isSocketType, type SocketType } from "./socket_type.ts";

/**
 * Decides whether the accepting side lets a peer in, from the properties the
 * peer sent: `true` accepts; `false` or a string (the reason, sent to the
 * peer) refuses. A hook that throws refuses too.
 */
export type Authenticate = (
  peerProperties: Record<string, unknown>,
) => boolean | string | Promise<boolean | string>;

/** Options of {@linkcode handshake}. */
export interface HandshakeOptions {
  /** This side's socket type. */
  socketType: SocketType;
  /** Whether this side dialled (`"connect"`) or accepted the connection. */
  role: "connect" | "accept";
  /** Sent to the peer as a MessagePack map. @default {} */
  properties?: Record<string, unknown>;
  /** Bound on the whole handshake, in ms. @default 5000 */
  timeout?: number;
  /** Largest properties map accepted from the peer, in bytes. @default 65536 */
  maxPropertiesSize?: number;
  /** Runs on the accepting side only, once the peer's greeting checks out. */
  authenticate?: Authenticate;
  /** Cancels the handshake; it then rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** A connection that completed the handshake. */
export interface HandshakeResult {
  /** The peer's socket type. */
  peerType: SocketType;
  /** The properties the peer sent. */
  peerProperties: Record<string, unknown>;
  /** The connection's reader, still locked: frames come next. */
  reader: WireReader;
  /** The connection's writer, still locked. */
  writer: WireWriter;
  /** Bytes that arrived after the peer's status: the start of its frames. */
  rest: Uint8Array;
}

/**
 * Runs the handshake on a fresh connection: sends this side's greeting,
 * checks the peer's, runs `authenticate` on the accepting side, and trades
 * READY or REJECT.
 *
 * - On success the connection's reader and writer stay locked and are handed
 *   over with any bytes already read past the handshake.
 * - On failure the connection is closed. When this side refused the peer, it
 *   first sends REJECT with the reason and waits briefly for the peer to hang
 *   up, so the peer learns why; a peer's REJECT fails this side with the
 *   peer's reason and message, so both ends report the same cause.
 * - One timer covers the whole exchange, the authentication hook included.
 *
 * @param conn A connection nothing has read from or written to.
 * @param options Socket type, role, properties, limits, hook and signal.
 * @returns The peer's type and properties, the locked reader and writer, and
 * the bytes after the handshake.
 * @throws {HandshakeError} On bad magic or version, malformed greeting,
 * incompatible socket types, refused authentication, timeout, or the
 * connection closing half-way.
 * @throws {RangeError} When an option is out of range or the properties
 * exceed `maxPropertiesSize`.
 * @throws {unknown} `options.signal.reason` when the signal aborts.
 *
 * @example A req and a rep shake hands
 * ```ts
 * import { connectionPair, SocketType } from "@msg-ts/msg";
 * import { handshake } from "./handshake.ts";
 * import assert from "node:assert/strict";
 *
 * const [a, b] = connectionPair();
 * const [req, rep] = await Promise.all([
 *   handshake(a, { socketType: SocketType.Req, role: "connect", properties: { name: "req" } }),
 *   handshake(b, { socketType: SocketType.Rep, role: "accept" }),
 * ]);
 * assert.equal(req.peerType, SocketType.Rep);
 * assert.deepEqual(rep.peerProperties, { name: "req" });
 * await a.close();
 * await b.close();
 * ```
 *
 * @example A sub cannot dial a rep
 * ```ts
 * import { connectionPair, HandshakeError, SocketType } from "@msg-ts/msg";
 * import { handshake } from "./handshake.ts";
 * import assert from "node:assert/strict";
 *
 * const [a, b] = connectionPair();
 * const results = await Promise.allSettled([
 *   handshake(a, { socketType: SocketType.Sub, role: "connect" }),
 *   handshake(b, { socketType: SocketType.Rep, role: "accept" }),
 * ]);
 * for (const result of results) {
 *   assert.equal(result.status, "rejected");
 *   const error = (result as PromiseRejectedResult).reason;
 *   assert.ok(error instanceof HandshakeError);
 *   assert.equal(error.message, "Cannot connect sub to rep: incompatible socket types");
 * }
 * ```
 */
export async function handshake(
  conn: Connection,
  options: HandshakeOptions,
): Promise<HandshakeResult> {
  let greeting: Uint8Array;
  try {
    greeting = prepareGreeting(options);
  } catch (error) {
    await conn.close().catch(() => {});
    throw error;
  }
  return await new HandshakeSession(conn, options, greeting).run();
}

function prepareGreeting(options: HandshakeOptions): Uint8Array {
  if (!isSocketType(options.socketType)) {
    throw new RangeError(
      `Cannot start handshake: unknown socket type ${options.socketType}`,
    );
  }
  const timeout = options.timeout ?? 5000;
  if (!(timeout >= 0) || timeout > 2 ** 31 - 1) {
    throw new RangeError(
      `Cannot start handshake: timeout ${timeout} is not a number of ms`,
    );
  }
  const max = options.maxPropertiesSize ?? DEFAULT_MAX_PROPERTIES_SIZE;
  if (!Number.isInteger(max) || max < 1 || max > 0xffffffff) {
    throw new RangeError(
      `Cannot start handshake: maxPropertiesSize ${max} is not an integer in 1..4294967295`,
    );
  }
  const greeting = encodeGreeting(options.socketType, options.properties ?? {});
  if (greeting.length - GREETING_HEADER_SIZE > max) {
    throw new RangeError(
      `Cannot start handshake: properties take ${
        greeting.length - GREETING_HEADER_SIZE
      } bytes, more than ${max}`,
    );
  }
  return greeting;
}
