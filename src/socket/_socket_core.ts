/**
 * The machinery every socket shares: transports by scheme, listeners and
 * their accept loops, diallers, the set of handshaken peers, and close.
 * A socket pattern (req, rep, pub, sub) adds only its routing policy.
 *
 * @module
 */

import { SocketClosedError } from "../errors.ts";
import { Backoff } from "../peer/backoff.ts";
import { openPeer, type Peer } from "../peer/peer.ts";
import { parseEndpoint } from "../transport/endpoint.ts";
import type {
  Connection,
  Listener,
  Transport,
} from "../transport/transport.ts";
import type { SocketType } from "../wire/socket_type.ts";
import { waitAtMost } from "../wire/_wait_at_most.ts";
import { Dialer, type Resumed } from "./_dialer.ts";
import { sleep } from "./_sleep.ts";
import type { ConnectionInfo, SocketState } from "./socket.ts";
import type { SocketOptions } from "./socket_options.ts";
import type { SocketEventMap } from "./socket_events.ts";

/** What the core calls back into the socket pattern. */
export interface CoreHooks {
  /** A handshaken peer joins; `start()` follows right after. */
  onPeer(peer: Peer, endpoint: string): void;
  /** A peer has gone; `cause` is undefined after an orderly close. */
  onPeerClosed(peer: Peer, cause: Error | undefined): void;
  /** Emits a socket event. */
  emit<K extends keyof SocketEventMap>(
    type: K,
    detail: SocketEventMap[K],
  ): void;
}

/** Connection counters every socket reports. */
export interface CoreCounters {
  connects: number;
  reconnects: number;
  disconnects: number;
  refused: number;
  unsent: number;
}

let runtimeTransportsPromise: Promise<readonly Transport[]> | undefined;

function loadRuntimeTransports(): Promise<readonly Transport[]> {
  runtimeTransportsPromise ??= import("../../runtimes/auto.ts").then((m) =>
    m.runtimeTransports()
  );
  return runtimeTransportsPromise;
}

/** Shared socket machinery. */
export class SocketCore {
  readonly counters: CoreCounters = {
    connects: 0,
    reconnects: 0,
    disconnects: 0,
    refused: 0,
    unsent: 0,
  };
  readonly #type: SocketType;
  readonly #options: SocketOptions;
  readonly #hooks: CoreHooks;
  readonly #listeners = new Map<string, Listener>();
  readonly #acceptLoops = new Set<Promise<void>>();
  readonly #dialers = new Map<string, Dialer>();
  readonly #peers = new Set<Peer>();
  readonly #endpoints = new Map<Peer, string>();
  readonly #handshaking = new Set<Connection>();
  readonly #abort = new AbortController();
  #state: SocketState = "open";
  #closing: Promise<void> | undefined;

  constructor(type: SocketType, options: SocketOptions, hooks: CoreHooks) {
    this.#type = type;
    this.#options = options;
    this.#hooks = hooks;
  }

  /** Lifecycle state. */
  get state(): SocketState {
    return this.#state;
  }

  /** Handshaken peers, in order of arrival. */
  get peers(): ReadonlySet<Peer> {
    return this.#peers;
  }

  /** The endpoint a peer came through (the one dialled, or the bound one). */
  endpointOf(peer: Peer): string {
    return this.#endpoints.get(peer) ?? peer.remoteAddress;
  }

  /** Where each dialled endpoint stands, in order of `connect()`. */
  connections(): ConnectionInfo[] {
    return [...this.#dialers.values()].map((dialer) => dialer.info());
  }

  /** Throws `SocketClosedError` unless open. */
  assertOpen(action: string, value?: unknown): void {
    if (this.#state !== "open") {
      throw new SocketClosedError(
        `Cannot ${action} on closed socket: state is "${this.#state}"`,
        { value },
      );
    }
  }

  async #transportFor(scheme: string, endpoint: string): Promise<Transport> {
    const list = this.#options.transports ?? await loadRuntimeTransports();
    const transport = list.find((t) => t.scheme === scheme);
    if (transport === undefined) {
      throw new TypeError(
        `Cannot use endpoint "${endpoint}": no transport for scheme "${scheme}"`,
      );
    }
    return transport;
  }

  /** Binds and starts accepting; resolves to the endpoint actually bound. */
  async bind(endpoint: string): Promise<string> {
    this.assertOpen("bind");
    const parsed = parseEndpoint(endpoint);
    const transport = await this.#transportFor(parsed.scheme, endpoint);
    const listener = await transport.listen(parsed);
    if (this.#state !== "open") {
      await listener.close();
      this.assertOpen("bind");
    }
    this.#listeners.set(listener.endpoint, listener);
    const loop = this.#accept(listener);
    this.#acceptLoops.add(loop);
    loop.finally(() => this.#acceptLoops.delete(loop));
    return listener.endpoint;
  }

  /** Stops accepting on `endpoint`; accepted connections stay. */
  async unbind(endpoint: string): Promise<void> {
    const listener = this.#listeners.get(endpoint);
    if (listener === undefined) {
      throw new TypeError(`Cannot unbind "${endpoint}": not bound`);
    }
    this.#listeners.delete(endpoint);
    await listener.close();
  }

  /** Starts a dialler; resolves once its first connection is handshaken. */
  async connect(
    endpoint: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    this.assertOpen("connect");
    const signal = options.signal;
    signal?.throwIfAborted();
    const parsed = parseEndpoint(endpoint);
    const existing = this.#dialers.get(parsed.url);
    // A dialler that gave up is replaced: connecting again means trying again.
    if (existing !== undefined && !existing.failed) return existing.connected;
    const transport = await this.#transportFor(parsed.scheme, endpoint);
    this.assertOpen("connect");
    signal?.throwIfAborted();
    const current = this.#dialers.get(parsed.url);
    if (current !== undefined && current !== existing) return current.connected;
    const dialer = new Dialer(parsed, transport, {
      open: (conn, signal) => this.#open(conn, "connect", signal),
      adopt: (peer, url, resumed) => this.#adopt(peer, url, resumed),
      fail: (url, error) => this.#hooks.emit("error", { endpoint: url, error }),
    }, {
      reconnect: this.#options.reconnect ?? {},
      dialTimeout: this.#options.handshakeTimeout ?? 5000,
    });
    this.#dialers.delete(parsed.url);
    this.#dialers.set(parsed.url, dialer);
    dialer.start();
    if (signal === undefined) return dialer.connected;
    const onAbort = () => void this.#drop(dialer, signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      await dialer.connected;
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  /** Stops the dialler of `endpoint` and closes its connection. */
  async disconnect(endpoint: string): Promise<void> {
    const url = parseEndpoint(endpoint).url;
    const dialer = this.#dialers.get(url);
    if (dialer === undefined) {
      throw new TypeError(`Cannot disconnect "${endpoint}": not connected`);
    }
    await this.#drop(
      dialer,
      new SocketClosedError(`Cannot connect to ${url}: disconnected`),
    );
  }

  /** Forgets a dialler, stops it and closes its connection. */
  async #drop(dialer: Dialer, reason: unknown): Promise<void> {
    const url = dialer.endpoint.url;
    if (this.#dialers.get(url) === dialer) this.#dialers.delete(url);
    const stopped = dialer.stop(reason);
    for (const peer of this.#peers) {
      if (this.#endpoints.get(peer) === url) peer.abort();
    }
    await stopped;
  }

  /**
   * Accepts until the listener is closed. A failed accept (out of file
   * descriptors, a transport error) is reported as an `error` event and
   * retried after a short capped backoff: it never stops the listener.
   */
  async #accept(listener: Listener): Promise<void> {
    const backoff = new Backoff({ initial: 10, max: 1000 });
    let accepted = listener[Symbol.asyncIterator]();
    while (this.#listeners.get(listener.endpoint) === listener) {
      let next: IteratorResult<Connection>;
      try {
        next = await accepted.next();
      } catch (error) {
        if (this.#listeners.get(listener.endpoint) !== listener) return;
        this.#hooks.emit("error", {
          endpoint: listener.endpoint,
          error: error instanceof Error ? error : new Error(String(error)),
        });
        await sleep(backoff.next() ?? 1000, this.#abort.signal);
        // An iterator that threw may be finished for good: ask for a new one.
        accepted = listener[Symbol.asyncIterator]();
        continue;
      }
      if (next.done === true) return;
      backoff.reset();
      this.#take(next.value, listener.endpoint);
    }
  }

  /** Handshakes an accepted connection; a failure closes only that one. */
  #take(conn: Connection, endpoint: string): void {
    const max = this.#options.maxConnections ?? 1024;
    if (
      this.#state !== "open" ||
      this.#peers.size + this.#handshaking.size >= max
    ) {
      this.counters.refused++;
      void conn.close().catch(() => {});
      return;
    }
    void this.#open(conn, "accept", this.#abort.signal)
      .then((peer) => this.#adopt(peer, endpoint, undefined))
      .catch((error: Error) => {
        this.counters.refused++;
        if (this.#state === "open") {
          this.#hooks.emit("error", { endpoint, error });
        }
      });
  }

  async #open(
    conn: Connection,
    role: "connect" | "accept",
    signal: AbortSignal,
  ): Promise<Peer> {
    this.#handshaking.add(conn);
    const o = this.#options;
    try {
      return await openPeer(conn, {
        socketType: this.#type,
        role,
        signal,
        properties: o.properties ?? {},
        ...(o.authenticate !== undefined && { authenticate: o.authenticate }),
        ...(o.handshakeTimeout !== undefined &&
          { handshakeTimeout: o.handshakeTimeout }),
        ...(o.maxFrameSize !== undefined && { maxFrameSize: o.maxFrameSize }),
        ...(o.heartbeatInterval !== undefined &&
          { heartbeatInterval: o.heartbeatInterval }),
        ...(o.heartbeatTimeout !== undefined &&
          { heartbeatTimeout: o.heartbeatTimeout }),
      });
    } finally {
      this.#handshaking.delete(conn);
    }
  }

  #adopt(peer: Peer, endpoint: string, resumed: Resumed | undefined): void {
    if (this.#state !== "open") {
      peer.abort();
      return;
    }
    this.#endpoints.set(peer, endpoint);
    this.#peers.add(peer);
    this.#hooks.onPeer(peer, endpoint);
    peer.start();
    if (resumed !== undefined) this.counters.reconnects++;
    else this.counters.connects++;
    const detail = {
      endpoint,
      remoteAddress: peer.remoteAddress,
      peerId: peer.id,
    };
    if (resumed === undefined) this.#hooks.emit("connect", detail);
    else {
      this.#hooks.emit("reconnect", {
        ...detail,
        ...(resumed.cause !== undefined && { cause: resumed.cause }),
        attempts: resumed.attempts,
        downtime: resumed.downtime,
      });
    }
    void peer.closed.then((cause) => {
      this.#peers.delete(peer);
      this.#endpoints.delete(peer);
      this.counters.disconnects++;
      this.#hooks.onPeerClosed(peer, cause);
      this.#hooks.emit(
        "disconnect",
        cause === undefined ? detail : { ...detail, cause },
      );
    });
  }

  /**
   * Closes everything: stops listeners and diallers, lets every peer flush
   * for at most `linger` ms, then closes the connections.
   */
  close(linger: number): Promise<void> {
    return this.#closing ??= this.#close(linger);
  }

  async #close(linger: number): Promise<void> {
    this.#state = "closing";
    const reason = new SocketClosedError('Cannot connect: socket is "closing"');
    this.#abort.abort(reason);
    const listeners = [...this.#listeners.values()];
    this.#listeners.clear();
    const dialers = [...this.#dialers.values()];
    this.#dialers.clear();
    await Promise.all(listeners.map((l) => l.close().catch(() => {})));
    for (const conn of this.#handshaking) void conn.close().catch(() => {});
    await Promise.all([
      ...dialers.map((d) => d.stop(reason)),
      ...[...this.#peers].map((p) => this.#closePeer(p, linger)),
      ...this.#acceptLoops,
    ]);
    await Promise.all([...this.#peers].map((p) => p.closed));
    this.#state = "closed";
  }

  /** Gives `peer` up to `linger` ms to flush, counting what it could not send. */
  async #closePeer(peer: Peer, linger: number): Promise<void> {
    const deadline = performance.now() + linger;
    if (!await waitAtMost(peer.drained({ bytes: 1 }), linger)) {
      this.counters.unsent += peer.queuedFrames;
    }
    await peer.close({ linger: Math.max(0, deadline - performance.now()) });
  }
}
