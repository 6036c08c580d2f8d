/**
 * What every socket has: bind, connect, close, events and counters. Each
 * pattern (`ReqSocket`, `RepSocket`, `PubSocket`, `SubSocket`) extends it
 * with its routing policy.
 *
 * @module
 */

import type { Peer } from "../peer/peer.ts";
import type { SocketType } from "../wire/socket_type.ts";
import { SocketCore } from "./_socket_core.ts";
import { SocketEventTarget } from "./socket_events.ts";
import type { SocketOptions } from "./socket_options.ts";

/** A socket's lifecycle: `"open"`, then `"closing"` once `close()` starts, then `"closed"`. */
export type SocketState = "open" | "closing" | "closed";

/** Connection counters in every socket's `stats`. */
export interface ConnectionStats {
  /** `"open"`, `"closing"` or `"closed"`. */
  state: SocketState;
  /** Handshaken connections right now. */
  peers: number;
  /** Connections made (dialled or accepted), reconnections excluded. */
  connects: number;
  /** Connections a dialler made again after losing one. */
  reconnects: number;
  /** Connections that ended. */
  disconnects: number;
  /** Inbound connections refused (over `maxConnections`, or failed handshake). */
  refused: number;
  /**
   * Frames (messages, replies, control frames) that `close()` gave up on
   * when `linger` ran out (or was 0): the transport had not taken them, so
   * they were dropped, except that the part of a write already under way
   * may have gone out.
   */
  unsent: number;
}

/**
 * Where a dialled endpoint stands:
 * - `"connecting"`: a dial or handshake is under way;
 * - `"connected"`: a handshaken connection is up;
 * - `"disconnected"`: no connection; the dialler waits out a backoff delay
 *   before the next dial;
 * - `"failed"`: the dialler gave up for good (`reconnect.maxRetries`
 *   exhausted, or the peer refused the handshake: wrong socket type, auth);
 *   `lastError` says why, and `connect()` again starts afresh.
 */
export type ConnectionState =
  | "connecting"
  | "connected"
  | "disconnected"
  | "failed";

/** One endpoint passed to `connect()`, as `Socket.connections()` reports it. */
export interface ConnectionInfo {
  /** The endpoint, normalised. */
  endpoint: string;
  /** Where it stands. */
  state: ConnectionState;
  /** Dials that failed since the last connection was made (or since `connect()`); 0 once connected. */
  attempts: number;
  /** Times the dialler connected again after losing its connection. */
  reconnects: number;
  /** Id of the connection, while connected. */
  peerId?: number;
  /** The last failure: why the last dial failed or why the last connection ended. Kept after a reconnect. */
  lastError?: Error;
}

/**
 * The base of every socket.
 *
 * - `bind()` and `connect()` may be called for several endpoints, over
 *   different transports, at once.
 * - `connect()` keeps dialling with backoff until the peer is there (late
 *   bind), then reconnects by itself for the socket's lifetime.
 * - `close()` is graceful: it stops accepting, flushes what is queued for up
 *   to `linger` ms, closes every connection and listener, and leaves no timer.
 * - `connections()` tells where each dialled endpoint stands; the events
 *   `connect`, `disconnect` (with its `cause`) and `reconnect` (with the
 *   previous connection's `cause`, the `attempts` and the `downtime`) tell
 *   when that changes.
 *
 * ## Durability
 *
 * What a connection loss (peer killed, network cut, peer silent past
 * `heartbeatTimeout`) does to traffic:
 *
 * - The dialler reconnects by itself, forever unless `reconnect.maxRetries`
 *   is set, after delays drawn below a capped, growing ceiling (full jitter;
 *   by default 100 ms doubling up to 5 s). A peer that vanished without a
 *   word is found dead within `heartbeatTimeout` (15 s by default).
 * - Nothing is buffered for a connection that is gone, and nothing is
 *   replayed after a reconnect except subscriptions: frames still queued
 *   on the lost connection, and bytes the network had not delivered, are
 *   lost.
 * - `SubSocket` sends all its subscriptions again on every new connection,
 *   however many there are. Messages published while it had no connection,
 *   or before the publisher had its subscriptions back, never reach it.
 *   Sequence numbers restart at 1 on each connection, so `stats.gaps` only
 *   counts what a publisher dropped on a live connection (its `hwm`); the
 *   loss across a reconnect shows as the `reconnect` event (with its
 *   `downtime`) and as a new `peerId` on the messages.
 * - `PubSocket` never queues for a subscriber that left; `stats` counts
 *   `published` against `delivered` and `dropped`.
 * - `ReqSocket`: a request in flight on the lost connection fails at once
 *   with `PeerLostError` (counted in `stats.peerLost`), or, with
 *   `retry: true` (for idempotent requests), is sent again on the next
 *   connection (`stats.retried`). A request made while disconnected waits
 *   for a connection within its own timeout, which runs from the call.
 * - `RepSocket`: `respond()` to a peer that has gone rejects with
 *   `PeerLostError` (`stats.peerLost`).
 * - `close()` waits up to `linger` ms for queued messages to go out; with
 *   `linger: 0` they are dropped. Operations still pending reject with
 *   `SocketClosedError` and iteration ends.
 *
 * @example Binding to a free port
 * ```ts
 * import { RepSocket } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * await using rep = new RepSocket();
 * const endpoint = await rep.bind("tcp://127.0.0.1:0");
 * assert.match(endpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/);
 * ```
 */
export abstract class Socket extends SocketEventTarget
  implements AsyncDisposable {
  /**
   * Shared machinery: transports, listeners, diallers, peers. For the
   * socket patterns of this package only.
   *
   * @internal
   */
  protected readonly core: SocketCore;
  /** Ms `close()` keeps flushing. */
  protected readonly linger: number;

  /**
   * Makes the socket.
   *
   * @param type The socket type announced in handshakes.
   * @param options Shared socket options.
   */
  constructor(type: SocketType, options: SocketOptions) {
    super();
    this.linger = options.linger ?? 1000;
    this.core = new SocketCore(type, options, {
      onPeer: (peer, endpoint) => this.onPeer(peer, endpoint),
      onPeerClosed: (peer, cause) => this.onPeerClosed(peer, cause),
      emit: (type, detail) => this.emit(type, detail),
    });
  }

  /**
   * A handshaken peer joins.
   *
   * @internal
   */
  protected abstract onPeer(peer: Peer, endpoint: string): void;
  /**
   * A peer has gone.
   *
   * @internal
   */
  protected abstract onPeerClosed(peer: Peer, cause: Error | undefined): void;
  /** Rejects what waits on the socket and ends its readers; runs at the start of `close()`. */
  protected abstract onClose(): void;

  /**
   * Binds an endpoint and accepts connections on it.
   *
   * @param endpoint `tcp://host:port` (port 0 picks one), `ipc:///path`, `inproc://name`, `tls://host:port`.
   * @returns The endpoint actually bound, with the port resolved.
   * @throws {TypeError} When the endpoint is malformed or has no transport.
   * @throws {ConnectionError} When the address is in use.
   * @throws {SocketClosedError} When the socket is closed.
   */
  bind(endpoint: string): Promise<string> {
    return this.core.bind(endpoint);
  }

  /**
   * Stops accepting on a bound endpoint. Connections already accepted stay.
   *
   * @param endpoint The endpoint `bind()` returned.
   * @throws {TypeError} When it is not bound.
   */
  unbind(endpoint: string): Promise<void> {
    return this.core.unbind(endpoint);
  }

  /**
   * Connects to an endpoint, dialling with backoff until the peer is there.
   *
   * @param endpoint Where a peer is (or will be) bound.
   * @param options `signal` aborts the wait for the first connection.
   * @returns Resolves once the first connection is handshaken.
   * @throws {TypeError} When the endpoint is malformed or has no transport.
   * @throws {HandshakeError} When the peer refuses (wrong socket type, auth).
   */
  connect(
    endpoint: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    return this.core.connect(endpoint, options);
  }

  /**
   * Stops dialling an endpoint and closes its connection.
   *
   * @param endpoint An endpoint passed to `connect()`.
   * @throws {TypeError} When it is not connected.
   */
  disconnect(endpoint: string): Promise<void> {
    return this.core.disconnect(endpoint);
  }

  /**
   * Where each endpoint passed to `connect()` stands, in the order of the
   * calls: connected or not, failed dials, last error. A snapshot; the
   * `connect`, `disconnect` and `reconnect` events tell when it changes.
   *
   * @returns One entry per dialled endpoint (bound endpoints have none).
   *
   * @example One entry per `connect()`
   * ```ts
   * import { RepSocket, ReqSocket } from "@msg-ts/msg";
   * import assert from "node:assert/strict";
   *
   * await using rep = new RepSocket();
   * await rep.bind("inproc://doc-connections");
   * await using req = new ReqSocket();
   * await req.connect("inproc://doc-connections");
   * const [info] = req.connections();
   * assert.equal(info?.endpoint, "inproc://doc-connections");
   * assert.equal(info?.state, "connected");
   * assert.equal(info?.attempts, 0);
   * await req.disconnect("inproc://doc-connections");
   * assert.deepEqual(req.connections(), []);
   * ```
   */
  connections(): ConnectionInfo[] {
    return this.core.connections();
  }

  /** Connection counters, as a plain snapshot. */
  protected connectionStats(): ConnectionStats {
    const c = this.core.counters;
    return {
      state: this.core.state,
      peers: this.core.peers.size,
      connects: c.connects,
      reconnects: c.reconnects,
      disconnects: c.disconnects,
      refused: c.refused,
      unsent: c.unsent,
    };
  }

  /**
   * Closes the socket gracefully: pending operations reject with
   * `SocketClosedError`, iteration ends, queued messages are flushed for up
   * to `linger` ms, every connection and listener closes. Idempotent.
   */
  async close(): Promise<void> {
    if (this.core.state === "open") this.onClose();
    await this.core.close(this.linger);
  }

  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
