/**
 * Lets the event loop run (I/O, stdin, timers) from a loop whose awaits all
 * resolve at once, which would otherwise starve everything else.
 * `setImmediate` exists in Deno 2, Bun and Node and costs 2–6 µs;
 * `setTimeout(0)` is clamped to about a millisecond.
 *
 * @module
 */

const setImmediate = (globalThis as unknown as {
  setImmediate(callback: (value?: unknown) => void): unknown;
}).setImmediate;

/** Iterations a sender runs between two turns of the event loop. */
export const YIELD_EVERY = 256;

/** @returns A promise that resolves on the next turn of the event loop. */
export function yieldTurn(): Promise<unknown> {
  return new Promise((resolve) => setImmediate(resolve));
}
