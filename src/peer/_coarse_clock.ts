/**
 * A clock read at most once per burst of synchronous work: every call until
 * the microtask queue drains gets the same `performance.now()` reading.
 *
 * Reading the clock is an op call in Deno (about 5% of a pipelined
 * request's cost, measured here); a burst of a thousand requests, or the
 * reads and writes of one event-loop turn, now share one reading. The
 * reading is late by at most the length of the burst, which no timeout,
 * heartbeat or round-trip figure here needs finer.
 *
 * @module
 */

let reading = 0;
let fresh = false;

function expire(): void {
  fresh = false;
}

/** `performance.now()`, shared by every call in the current burst. */
export function coarseNow(): number {
  if (!fresh) {
    reading = performance.now();
    fresh = true;
    queueMicrotask(expire);
  }
  return reading;
}
