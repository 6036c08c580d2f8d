/**
 * A dialler: keeps one connection to one endpoint up for the socket's
 * lifetime, reconnecting with capped, jittered exponential backoff.
 *
 * @module
 */

import { ConnectionError, HandshakeError } from "../errors.ts";
import { Backoff, type BackoffOptions } from "../peer/backoff.ts";
import type { Peer } from "../peer/peer.ts";
import { abortable } from "../transport/abortable.ts";
import type { Endpoint } from "../transport/endpoint.ts";
import type { Connection, Transport } from "../transport/transport.ts";
import { sleep } from "./_sleep.ts";
import type { ConnectionInfo, ConnectionState } from "./socket.ts";

/** Handshake refusals that retrying cannot cure. */
const PERMANENT = new Set(["socket-type", "version", "auth", "magic"]);

/** How a connection came back after one was lost. */
export interface Resumed {
  /** Why the previous connection ended; undefined when it closed in order. */
  cause: Error | undefined;
  /** Dials it took, the successful one included. */
  attempts: number;
  /** Ms from the loss to the new connection. */
  downtime: number;
}

/** What a dialler needs from its socket. */
export interface DialerHost {
  /** Handshakes a fresh connection. */
  open(conn: Connection, signal: AbortSignal): Promise<Peer>;
  /** Takes a handshaken peer into the socket; `resumed` after a loss. */
  adopt(peer: Peer, endpoint: string, resumed: Resumed | undefined): void;
  /** Reports a failure nobody awaits. */
  fail(endpoint: string, error: Error): void;
}

/** Options of a {@linkcode Dialer}. */
export interface DialerOptions {
  /** Reconnection schedule. */
  reconnect: BackoffOptions;
  /** Bound on one transport dial, in ms (the handshake has its own). */
  dialTimeout: number;
}

/** Keeps one endpoint connected. */
export class Dialer {
  readonly endpoint: Endpoint;
  /** Resolves on the first handshaken connection; rejects on a permanent refusal or abort. */
  readonly connected: Promise<void>;
  #state: ConnectionState | "stopped" = "connecting";
  #attempts = 0;
  #reconnects = 0;
  #lastError: Error | undefined;
  #peer: Peer | undefined;
  #resolve!: () => void;
  #reject!: (error: unknown) => void;
  #settled = false;
  readonly #abort = new AbortController();
  readonly #transport: Transport;
  readonly #host: DialerHost;
  readonly #backoff: Backoff;
  readonly #dialTimeout: number;
  #loop: Promise<void> = Promise.resolve();

  constructor(
    endpoint: Endpoint,
    transport: Transport,
    host: DialerHost,
    options: DialerOptions,
  ) {
    this.endpoint = endpoint;
    this.#transport = transport;
    this.#host = host;
    this.#backoff = new Backoff(options.reconnect);
    this.#dialTimeout = options.dialTimeout;
    this.connected = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.connected.catch(() => {});
  }

  /** `"failed"` once it gave up for good (retries exhausted, permanent refusal). */
  get failed(): boolean {
    return this.#state === "failed";
  }

  /** Where the endpoint stands, as a plain snapshot. */
  info(): ConnectionInfo {
    const state = this.#state === "stopped" ? "disconnected" : this.#state;
    return {
      endpoint: this.endpoint.url,
      state,
      attempts: this.#attempts,
      reconnects: this.#reconnects,
      ...(this.#peer !== undefined && { peerId: this.#peer.id }),
      ...(this.#lastError !== undefined && { lastError: this.#lastError }),
    };
  }

  /** Starts dialling. A bug that escapes the loop fails the dialler visibly, never silently. */
  start(): void {
    this.#loop = this.#run().catch((error: unknown) =>
      this.#giveUp(error instanceof Error ? error : new Error(String(error)))
    );
  }

  /** Stops dialling; a pending first connect rejects with `reason`. Resolves when the loop has ended. */
  async stop(reason: unknown): Promise<void> {
    this.#abort.abort(reason);
    this.#settle(reason);
    await this.#loop;
  }

  #settle(error?: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    if (error === undefined) this.#resolve();
    else this.#reject(error);
  }

  #giveUp(error: Error): void {
    this.#state = "failed";
    this.#lastError = error;
    this.#host.fail(this.endpoint.url, error);
    this.#settle(error);
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    let lost: { at: number; cause: Error | undefined } | undefined;
    while (!signal.aborted) {
      this.#state = "connecting";
      const peer = await this.#attempt(signal);
      if (peer === "stop") break;
      if (peer === undefined) {
        this.#attempts++;
        const delay = this.#backoff.next();
        if (delay === undefined) {
          this.#giveUp(
            new Error(
              `Cannot connect to ${this.endpoint.url}: retries exhausted`,
              { cause: this.#lastError },
            ),
          );
          return;
        }
        this.#state = "disconnected";
        await sleep(delay, signal);
        continue;
      }
      this.#connected(peer, lost);
      const cause = await peer.closed;
      this.#peer = undefined;
      if (signal.aborted) break;
      if (cause !== undefined) this.#lastError = cause;
      lost = { at: performance.now(), cause };
      this.#state = "disconnected";
      await sleep(this.#backoff.next() ?? 0, signal);
    }
    if (this.#state !== "failed") this.#state = "stopped";
  }

  #connected(
    peer: Peer,
    lost: { at: number; cause: Error | undefined } | undefined,
  ): void {
    this.#backoff.reset();
    const attempts = this.#attempts + 1;
    this.#attempts = 0;
    this.#state = "connected";
    this.#peer = peer;
    if (lost !== undefined) this.#reconnects++;
    this.#host.adopt(
      peer,
      this.endpoint.url,
      lost && {
        cause: lost.cause,
        attempts,
        downtime: performance.now() - lost.at,
      },
    );
    this.#settle();
  }

  /** One dial + handshake: a peer, `undefined` to retry, or `"stop"`. */
  async #attempt(signal: AbortSignal): Promise<Peer | undefined | "stop"> {
    try {
      const conn = await this.#dial(signal);
      if (signal.aborted) {
        await conn.close();
        return "stop";
      }
      return await this.#host.open(conn, signal);
    } catch (error) {
      if (signal.aborted) return "stop";
      const failure = error instanceof Error ? error : new Error(String(error));
      if (error instanceof HandshakeError && PERMANENT.has(error.reason)) {
        this.#giveUp(failure);
        return "stop";
      }
      this.#lastError = failure;
      return undefined;
    }
  }

  /** Dials, giving up after `dialTimeout` (a dial into a black hole can hang for minutes). */
  async #dial(signal: AbortSignal): Promise<Connection> {
    const attempt = new AbortController();
    const onAbort = () => attempt.abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() =>
      attempt.abort(
        new ConnectionError(
          `Cannot connect to ${this.endpoint.url}: timed out after ${this.#dialTimeout} ms`,
          { code: "timeout" },
        ),
      ), this.#dialTimeout);
    try {
      return await abortable(
        this.#transport.connect(this.endpoint, { signal: attempt.signal }),
        attempt.signal,
        (conn) => void conn.close().catch(() => {}),
      );
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
    }
  }
}
