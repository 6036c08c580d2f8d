/**
 * A {@linkcode Listener} fed by pushes: for transports whose runtime hands
 * over inbound connections through callbacks (in-process, Node, Bun).
 *
 * @module
 */

import type { Connection, Listener } from "./transport.ts";

/** Options of {@linkcode QueueListener}. */
export interface QueueListenerOptions {
  /** Called once by the first `close()`, to release what the listener holds (a server, a name). */
  onClose?: () => void | Promise<void>;
}

/**
 * A listener whose connections are pushed in by the transport and pulled out
 * by iterating it.
 *
 * - Connections come out in the order they were pushed.
 * - `close()` ends every iteration, closes connections pushed but never taken,
 *   and closes any connection pushed afterwards.
 *
 * @example Pushing and taking a connection
 * ```ts
 * import { connectionPair } from "@msg-ts/msg";
 * import { QueueListener } from "./queue_listener.ts";
 * import assert from "node:assert/strict";
 *
 * const listener = new QueueListener("inproc://doc-queue");
 * const [a, b] = connectionPair();
 * assert.equal(listener.push(a), true);
 * const next = await listener[Symbol.asyncIterator]().next();
 * assert.equal(next.value, a);
 * await listener.close();
 * assert.equal(listener.push(b), false); // refused and closed
 * await a.close();
 * ```
 */
export class QueueListener implements Listener {
  /** The endpoint this listener serves. */
  readonly endpoint: string;
  #queue: Connection[] = [];
  #waiters: ((result: IteratorResult<Connection>) => void)[] = [];
  #onClose: (() => void | Promise<void>) | undefined;
  #closing: Promise<void> | undefined;

  /**
   * Makes an open listener.
   *
   * @param endpoint The endpoint served, port 0 already resolved.
   * @param options What to run on close.
   */
  constructor(endpoint: string, options: QueueListenerOptions = {}) {
    this.endpoint = endpoint;
    this.#onClose = options.onClose;
  }

  /** Whether `close()` was called. */
  get isClosed(): boolean {
    return this.#closing !== undefined;
  }

  /**
   * Hands an inbound connection to the next reader.
   *
   * @param connection The accepted connection.
   * @returns `false` when the listener is closed; the connection is then closed.
   */
  push(connection: Connection): boolean {
    if (this.#closing !== undefined) {
      void connection.close();
      return false;
    }
    const waiter = this.#waiters.shift();
    if (waiter !== undefined) waiter({ value: connection, done: false });
    else this.#queue.push(connection);
    return true;
  }

  /**
   * Stops accepting and ends iteration. Idempotent.
   *
   * @returns Resolves once `onClose` and the untaken connections have closed.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    for (const waiter of this.#waiters.splice(0)) {
      waiter({ value: undefined, done: true });
    }
    const untaken = this.#queue.splice(0);
    await Promise.all([
      this.#onClose?.(),
      ...untaken.map((connection) => connection.close()),
    ]);
  }

  /**
   * Iterates inbound connections until the listener closes.
   *
   * @returns An iterator; its `return()` stops this iteration only.
   */
  [Symbol.asyncIterator](): AsyncIterator<Connection> {
    return {
      next: () => this.#next(),
      return: () => Promise.resolve({ value: undefined, done: true }),
    };
  }

  #next(): Promise<IteratorResult<Connection>> {
    const connection = this.#queue.shift();
    if (connection !== undefined) {
      return Promise.resolve({ value: connection, done: false });
    }
    if (this.#closing !== undefined) {
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}
