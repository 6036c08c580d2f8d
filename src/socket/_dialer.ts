/**
 * A dialler: keeps one connection to one endpoint up for the socket's
 * lifetime, reconnecting with capped, jittered exponential backoff.
 *
 * @module
 */

import { HandshakeError } from "../errors.ts";
import { Backoff, type BackoffOptions } from "../peer/backoff.ts";
import type { Peer } from "../peer/peer.ts";
import type { Endpoint } from "../transport/endpoint.ts";
import type { Transport } from "../transport/transport.ts";
import { sleep } from "./_sleep.ts";

/** Handshake refusals that retrying cannot cure. */
const PERMANENT = new Set(["socket-type", "version", "auth", "magic"]);

/** What a dialler needs from its socket. */
export interface DialerHost {
  /** Handshakes a fresh connection. */
  open(
    conn: Awaited<ReturnType<Transport["connect"]>>,
    signal: AbortSignal,
  ): Promise<Peer>;
  /** Takes a handshaken peer into the socket. */
  adopt(peer: Peer, endpoint: string, reconnected: boolean): void;
  /** Reports a failure nobody awaits. */
  fail(endpoint: string, error: Error): void;
}

/** Connection state of a dialler. */
export type DialerState =
  | "connecting"
  | "connected"
  | "disconnected"
  | "stopped";

/** Keeps one endpoint connected. */
export class Dialer {
  readonly endpoint: Endpoint;
  /** Resolves on the first handshaken connection; rejects on a permanent refusal or abort. */
  readonly connected: Promise<void>;
  #state: DialerState = "connecting";
  #resolve!: () => void;
  #reject!: (error: unknown) => void;
  #settled = false;
  readonly #abort = new AbortController();
  readonly #transport: Transport;
  readonly #host: DialerHost;
  readonly #backoff: Backoff;
  #loop: Promise<void> = Promise.resolve();

  constructor(
    endpoint: Endpoint,
    transport: Transport,
    host: DialerHost,
    reconnect: BackoffOptions,
  ) {
    this.endpoint = endpoint;
    this.#transport = transport;
    this.#host = host;
    this.#backoff = new Backoff(reconnect);
    this.connected = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.connected.catch(() => {});
  }

  /** Current state. */
  get state(): DialerState {
    return this.#state;
  }

  /** Starts dialling. */
  start(): void {
    this.#loop = this.#run();
  }

  /** Stops dialling; a pending first connect rejects with `reason`. Resolves when the loop has ended. */
  async stop(reason: unknown): Promise<void> {
    this.#abort.abort(reason);
    this.#settle(reason);
    this.#state = "stopped";
    await this.#loop;
  }

  #settle(error?: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    if (error === undefined) this.#resolve();
    else this.#reject(error);
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    let reconnected = false;
    while (!signal.aborted) {
      const peer = await this.#attempt(signal);
      if (peer === "stop") break;
      if (peer === undefined) {
        const delay = this.#backoff.next();
        if (delay === undefined) {
          const error = new Error(
            `Cannot connect to ${this.endpoint.url}: retries exhausted`,
          );
          this.#host.fail(this.endpoint.url, error);
          this.#settle(error);
          break;
        }
        await sleep(delay, signal);
        continue;
      }
      this.#backoff.reset();
      this.#state = "connected";
      this.#host.adopt(peer, this.endpoint.url, reconnected);
      this.#settle();
      reconnected = true;
      await peer.closed;
      if (signal.aborted) break;
      this.#state = "disconnected";
      await sleep(this.#backoff.next() ?? 0, signal);
    }
    this.#state = "stopped";
  }

  /** One dial + handshake: a peer, `undefined` to retry, or `"stop"`. */
  async #attempt(signal: AbortSignal): Promise<Peer | undefined | "stop"> {
    try {
      const conn = await this.#transport.connect(this.endpoint, { signal });
      if (signal.aborted) {
        await conn.close();
        return "stop";
      }
      return await this.#host.open(conn, signal);
    } catch (error) {
      if (signal.aborted) return "stop";
      if (error instanceof HandshakeError && PERMANENT.has(error.reason)) {
        this.#host.fail(this.endpoint.url, error);
        this.#settle(error);
        return "stop";
      }
      return undefined;
    }
  }
}
