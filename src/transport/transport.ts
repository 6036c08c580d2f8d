/**
 * The transport contract: what every transport (in-process, TCP, IPC, TLS,
 * or a user's own) gives the rest of msg-ts.
 *
 * A connection is a `ReadableStream`/`WritableStream` pair of bytes with real
 * backpressure: the writable's queue is measured in bytes, and `writer.ready`
 * waits while the peer does not read.
 *
 * @module
 */

import type { Endpoint } from "./endpoint.ts";

/**
 * One open byte stream to a peer.
 *
 * - Chunks read from `readable` belong to the reader: a transport never
 *   reuses a chunk it has enqueued, so views into it stay valid.
 * - `writable` applies backpressure in bytes (`writer.desiredSize`,
 *   `writer.ready`).
 * - `close()` ends both directions and resolves once the connection is closed;
 *   `closed` resolves (never rejects) when it has ended for any reason.
 *
 * @example Echo over an in-process connection
 * ```ts
 * import { inproc, parseEndpoint } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const transport = inproc();
 * const listener = await transport.listen(parseEndpoint("inproc://doc-connection"));
 * const client = await transport.connect(parseEndpoint("inproc://doc-connection"));
 * const server = (await listener[Symbol.asyncIterator]().next()).value!;
 * const writer = client.writable.getWriter();
 * await writer.write(new Uint8Array([1, 2, 3]));
 * const reader = server.readable.getReader();
 * assert.deepEqual((await reader.read()).value, new Uint8Array([1, 2, 3]));
 * reader.releaseLock();
 * writer.releaseLock();
 * await client.close();
 * await server.close();
 * await listener.close();
 * ```
 */
export interface Connection {
  /** Bytes from the peer. Ends when the peer closes or the connection breaks. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Bytes to the peer, with backpressure counted in bytes. */
  readonly writable: WritableStream<Uint8Array>;
  /** This side's address, as an endpoint URL where it has one. */
  readonly localAddress: string;
  /** The peer's address, as an endpoint URL where it has one. */
  readonly remoteAddress: string;
  /** Resolves once the connection has ended, for any reason. Never rejects. */
  readonly closed: Promise<void>;
  /** Closes both directions. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Accepts inbound connections on one endpoint. Iterating yields each new
 * connection; iteration ends when the listener is closed.
 *
 * @example Binding to port 0 resolves the real endpoint
 * ```ts
 * import { inproc, parseEndpoint } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const listener = await inproc().listen(parseEndpoint("inproc://doc-listener"));
 * assert.equal(listener.endpoint, "inproc://doc-listener");
 * await listener.close();
 * ```
 */
export interface Listener extends AsyncIterable<Connection> {
  /** The endpoint actually bound, with port 0 resolved to the real port. */
  readonly endpoint: string;
  /** Stops accepting; connections already accepted stay open. Idempotent. */
  close(): Promise<void>;
}

/** Options for {@linkcode Transport.connect}. */
export interface ConnectOptions {
  /** Aborts a connection attempt in progress. */
  signal?: AbortSignal;
}

/**
 * A way to reach peers for one URL scheme. Sockets take a list of transports
 * and pick one by the endpoint's scheme.
 *
 * @example A transport for the `inproc` scheme
 * ```ts
 * import { inproc } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * assert.equal(inproc().scheme, "inproc");
 * ```
 */
export interface Transport {
  /** The URL scheme this transport serves: `"tcp"`, `"ipc"`, `"inproc"`, `"tls"`, … */
  readonly scheme: string;
  /**
   * Opens a connection.
   *
   * @throws {ConnectionError} When the peer cannot be reached.
   */
  connect(endpoint: Endpoint, options?: ConnectOptions): Promise<Connection>;
  /**
   * Starts listening.
   *
   * @throws {ConnectionError} When the address is in use or cannot be bound.
   */
  listen(endpoint: Endpoint): Promise<Listener>;
}
