/**
 * A {@linkcode Listener} over a pull-style `accept()`, for runtimes whose
 * listeners hand out connections one call at a time (Deno).
 *
 * @module
 */

import { toConnectionError } from "./connection_failure.ts";
import type { Connection, Listener } from "./transport.ts";

/** What {@linkcode acceptListener} needs from a runtime listener. */
export interface AcceptSource {
  /** Waits for the next inbound connection. Rejects once closed. */
  accept(): Promise<Connection>;
  /** Stops listening; a pending `accept()` then rejects. */
  close(): void | Promise<void>;
}

/**
 * Makes a listener that accepts a connection each time its iterator is
 * asked for one, so nothing is accepted that nobody takes.
 *
 * - After `close()`, iteration ends (`done`), also for a pending `next()`.
 * - An accept error while open rejects that `next()` with a
 *   `ConnectionError`; the listener stays open.
 *
 * @param endpoint The endpoint served, port 0 already resolved.
 * @param source The runtime listener.
 * @returns The listener.
 *
 * @example Accepting until closed
 * ```ts
 * import { acceptListener } from "./accept_listener.ts";
 * import { connectionPair } from "./inproc_transport.ts";
 * import assert from "node:assert/strict";
 *
 * const [a, b] = connectionPair();
 * let stop: (error: Error) => void = () => {};
 * const queue = [a];
 * const listener = acceptListener("test://doc", {
 *   accept: () => queue.length > 0
 *     ? Promise.resolve(queue.shift()!)
 *     : new Promise((_, reject) => stop = reject),
 *   close: () => stop(new Error("closed")),
 * });
 * const iterator = listener[Symbol.asyncIterator]();
 * assert.equal((await iterator.next()).value, a);
 * const pending = iterator.next();
 * await listener.close();
 * assert.equal((await pending).done, true);
 * await b.close();
 * ```
 */
export function acceptListener(
  endpoint: string,
  source: AcceptSource,
): Listener {
  let closing: Promise<void> | undefined;
  async function next(): Promise<IteratorResult<Connection>> {
    if (closing !== undefined) return { value: undefined, done: true };
    try {
      const connection = await source.accept();
      if (closing === undefined) return { value: connection, done: false };
      await connection.close();
    } catch (error) {
      if (closing === undefined) {
        throw toConnectionError(error, `Cannot accept on ${endpoint}`);
      }
    }
    return { value: undefined, done: true };
  }
  return {
    endpoint,
    close() {
      closing ??= Promise.resolve().then(() => source.close());
      return closing;
    },
    [Symbol.asyncIterator]() {
      return {
        next,
        return: () => Promise.resolve({ value: undefined, done: true }),
      };
    },
  };
}
