/**
 * Helpers of the durability tests: awaiting socket events, taking messages,
 * printing measured figures.
 *
 * @module
 */

import type { Socket } from "../../src/socket/socket.ts";
import type { SocketEventMap } from "../../src/socket/socket_events.ts";
import { within } from "../_helpers/test.ts";

/** An event's detail and when it came (`performance.now()`). */
export interface Seen<T> {
  detail: T;
  at: number;
}

/**
 * Resolves with the next `type` event of `socket`.
 *
 * @param socket The socket to watch.
 * @param type The event name.
 * @returns The detail and the time it came.
 */
export function nextEvent<K extends keyof SocketEventMap>(
  socket: Socket,
  type: K,
): Promise<Seen<SocketEventMap[K]>> {
  return new Promise((resolve) => {
    socket.addEventListener(type, (event) => {
      resolve({ detail: event.detail, at: performance.now() });
    }, { once: true });
  });
}

/**
 * Takes the next `count` values of an iterator, all within `ms`.
 *
 * @param iterator What to read.
 * @param count How many values.
 * @param ms Bound on the whole wait.
 * @returns The values, in order.
 */
export function take<T>(
  iterator: AsyncIterator<T>,
  count: number,
  ms: number,
): Promise<T[]> {
  const read = async () => {
    const values: T[] = [];
    while (values.length < count) {
      const { value, done } = await iterator.next();
      if (done === true) break;
      values.push(value);
    }
    return values;
  };
  return within(read(), ms, `${count} values`);
}

/** Prints a measured figure, so a run's output shows it. */
export function measured(what: string, value: number, unit = "ms"): void {
  // deno-lint-ignore no-console
  console.log(`# measured: ${what}: ${Math.round(value * 10) / 10} ${unit}`);
}
