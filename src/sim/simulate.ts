/**
 * The network simulator: a transport that wraps another one and impairs
 * what flows through it, to test sockets under latency, limited bandwidth,
 * resets, silent peers and partitions without leaving the process.
 *
 * @module
 */

import { ConnectionError } from "../errors.ts";
import type { Endpoint } from "../transport/endpoint.ts";
import type {
  Connection,
  ConnectOptions,
  Listener,
  Transport,
} from "../transport/transport.ts";
import { type Direction, type Link, mergeLinks } from "./_link.ts";
import type { LinkSettings } from "./_link.ts";
import { seededRandom } from "./_random.ts";
import {
  SimConnection,
  type SimCounters,
  type SimHost,
} from "./_sim_connection.ts";
import type { SimulateOptions, SimulateUpdate } from "./sim_options.ts";

/** Counters of a {@linkcode SimulatedTransport}, in bytes except where said. */
export interface SimulatorStats {
  /** Bytes written into simulated connection ends. */
  readonly written: number;
  /** Bytes handed on to the inner connections. */
  readonly delivered: number;
  /** Bytes dropped by blackholes and partitions (at either end). */
  readonly discarded: number;
  /** Connection ends reset (by `loss`, `resetAfterBytes` or `reset()`). */
  readonly resets: number;
  /** Simulated connection ends open now. */
  readonly connections: number;
}

/** A transport whose impairments can be changed while it runs. */
export interface SimulatedTransport extends Transport {
  /** The seed of the random draws, to reproduce a run. */
  readonly seed: number;
  /** Whether a partition is in force. */
  readonly partitioned: boolean;
  /**
   * Changes impairments for every open and future connection; fields left
   * out keep their value.
   *
   * @throws {RangeError} When a value is out of range; nothing changes then.
   */
  update(options: SimulateUpdate): void;
  /**
   * Blackholes every connection, both ways, until {@linkcode heal}: writes
   * are accepted and nothing arrives. New connections fail meanwhile with
   * `ConnectionError` "timeout", as a dial across a partition would.
   */
  partition(): void;
  /** Ends a partition; bytes flow again on the connections that survived. */
  heal(): void;
  /**
   * Resets every open connection end at once.
   *
   * @returns How many ends were reset.
   */
  reset(): number;
  /** A snapshot of the counters. */
  stats(): SimulatorStats;
}

/**
 * Wraps `inner` in a network simulator for its scheme. A socket given the
 * simulator instead of `inner` talks through impaired connections.
 *
 * Where impairments act:
 * - Each end of a connection made through the simulator (by `connect()` or
 *   accepted by a `listen()`er) impairs the bytes it writes: latency, jitter,
 *   bandwidth, `loss` and `resetAfterBytes` of its outgoing direction
 *   (`toListener` for the connecting end, `toDialer` for the listening end).
 *   Give the simulator to both sockets to impair both directions once each.
 * - Blackholes and partitions act at both ends, on what is written and on
 *   what arrives, so they hold even when only one socket uses the simulator.
 *
 * Guarantees:
 * - Bytes are never reordered, duplicated or silently dropped from a live
 *   stream: "loss" is modelled as a connection reset (probability per
 *   written chunk), because dropping bytes inside a TCP stream would only
 *   corrupt framing, which real networks never do to TCP.
 * - Backpressure stays real: delayed bytes count as in flight, and writers
 *   wait once more than `window` bytes are in flight.
 * - One timer at most per connection direction; every timer is cleared when
 *   the connection ends.
 * - `close()` delivers what is in flight (after its delay), then closes.
 *
 * @param inner The transport to impair, e.g. `inproc()`.
 * @param options Impairments for both directions, per-direction overrides,
 * window and seed.
 * @returns The simulated transport, with controls.
 * @throws {RangeError} When an option is out of range.
 *
 * @example 30 ms of latency over the in-process transport
 * ```ts
 * import { inproc, parseEndpoint, simulate } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const sim = simulate(inproc(), { latency: 30, seed: 1 });
 * const endpoint = parseEndpoint("inproc://doc-simulate");
 * const listener = await sim.listen(endpoint);
 * const client = await sim.connect(endpoint);
 * const server = (await listener[Symbol.asyncIterator]().next()).value!;
 *
 * const writer = client.writable.getWriter();
 * const reader = server.readable.getReader();
 * const start = performance.now();
 * await writer.write(new Uint8Array([42]));
 * assert.deepEqual((await reader.read()).value, new Uint8Array([42]));
 * assert.ok(performance.now() - start >= 29);
 *
 * reader.releaseLock();
 * writer.releaseLock();
 * await client.close();
 * await server.close();
 * await listener.close();
 * ```
 */
export function simulate(
  inner: Transport,
  options: SimulateOptions = {},
): SimulatedTransport {
  return new Simulator(inner, options);
}

const DEFAULT_WINDOW = 64 * 1024;

class Simulator implements SimulatedTransport {
  readonly scheme: string;
  readonly seed: number;
  #inner: Transport;
  #settings: LinkSettings;
  #links: Record<Direction, Link>;
  #partitioned = false;
  #open = new Set<SimConnection>();
  #counters: SimCounters = {
    written: 0,
    delivered: 0,
    discarded: 0,
    resets: 0,
  };
  #host: SimHost;

  constructor(inner: Transport, options: SimulateOptions) {
    const { window = DEFAULT_WINDOW, seed, ...links } = options;
    if (!(Number.isInteger(window) && window > 0)) {
      throw new RangeError(
        `Cannot simulate network: window must be a positive integer, got ${window}`,
      );
    }
    const merged = mergeLinks(
      { base: {}, toListener: {}, toDialer: {} },
      links,
    );
    this.scheme = inner.scheme;
    this.seed = seed ?? Math.floor(Math.random() * 2 ** 32);
    this.#inner = inner;
    this.#settings = merged.settings;
    this.#links = merged.links;
    this.#host = this.#makeHost(window, seededRandom(this.seed));
  }

  get partitioned(): boolean {
    return this.#partitioned;
  }

  async connect(
    endpoint: Endpoint,
    options?: ConnectOptions,
  ): Promise<Connection> {
    if (this.#partitioned) {
      throw new ConnectionError(
        `Cannot connect to ${endpoint.url}: timed out, network partitioned (simulated)`,
        { code: "timeout" },
      );
    }
    return this.#wrap(await this.#inner.connect(endpoint, options), "dialer");
  }

  async listen(endpoint: Endpoint): Promise<Listener> {
    const listener = await this.#inner.listen(endpoint);
    const wrap = (connection: Connection) => this.#wrap(connection, "listener");
    return {
      endpoint: listener.endpoint,
      close: () => listener.close(),
      async *[Symbol.asyncIterator]() {
        for await (const connection of listener) yield wrap(connection);
      },
    };
  }

  update(options: SimulateUpdate): void {
    const merged = mergeLinks(this.#settings, options);
    this.#settings = merged.settings;
    this.#links = merged.links;
  }

  partition(): void {
    this.#partitioned = true;
  }

  heal(): void {
    this.#partitioned = false;
  }

  reset(): number {
    const ends = [...this.#open];
    for (const end of ends) end.reset();
    return ends.length;
  }

  stats(): SimulatorStats {
    return { ...this.#counters, connections: this.#open.size };
  }

  #wrap(connection: Connection, role: "dialer" | "listener"): Connection {
    const end = new SimConnection(connection, role, this.#host);
    this.#open.add(end);
    return end;
  }

  #makeHost(window: number, random: () => number): SimHost {
    const links = () => this.#links;
    const partitioned = () => this.#partitioned;
    const open = this.#open;
    return {
      link: (direction) => links()[direction],
      get partitioned() {
        return partitioned();
      },
      random,
      window,
      counters: this.#counters,
      forget: (connection) => open.delete(connection),
    };
  }
}
