/**
 * What every socket has: bind, connect, close, events and counters. Each
 * pattern (`ReqSocket`, `RepSocket`, `PubSocket`, `SubSocket`) extends it
 * with its routing policy.
 *
 * @module
 */

import type { Peer } from "../peer/peer.ts";
import type { SocketType } from "../wire/socket_type.ts";
import { SocketCore, type SocketState } from "./_socket_core.ts";
import { SocketEventTarget } from "./socket_events.ts";
import type { SocketOptions } from "./socket_options.ts";

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
  /** Shared machinery: transports, listeners, diallers, peers. */
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

  /** A handshaken peer joins. */
  protected abstract onPeer(peer: Peer, endpoint: string): void;
  /** A peer has gone. */
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
