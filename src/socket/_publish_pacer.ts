/**
 * When a loop of `await publish()` gives the event loop a turn.
 *
 * @module
 */

import { nextTurn } from "../peer/_next_turn.ts";

const RESOLVED = Promise.resolve();

/** Longest stretch of non-blocking publishes before a yield to I/O, in ms. */
const YIELD_EVERY_MS = 1;

/**
 * A publisher whose every matching subscriber is full yields once per this
 * many such publishes (a mask: 16): often enough for writes that complete
 * on a later turn (Deno's unix sockets, in pieces) to keep queues moving,
 * seldom enough not to spend the publisher's time in the event loop.
 */
const DROPPING_YIELD_MASK = 15;

/**
 * Paces a publisher that never blocks, so that it cannot starve the I/O
 * that drains subscriber queues.
 *
 * - Normally a publish resolves at once, except about every
 *   `YIELD_EVERY_MS`, when it waits for one turn of the event loop (the
 *   clock is read every 256 calls: reading it costs more than a publish).
 * - While every matching subscriber drops, it yields every 16 publishes
 *   instead: all queues are full, and only I/O can empty them. Yielding
 *   once a millisecond let Deno's unix-socket writes (which complete on a
 *   later turn, in pieces) finish about that often: 67 msgs/s of 64 KiB
 *   reached a subscriber, against 9.9k since.
 */
export class PublishPacer {
  #lastYield = performance.now();
  #calls = 0;
  #droppedRun = 0;

  /**
   * What a publish that did not block returns.
   *
   * @param allDropped Every matching subscriber dropped the message.
   * @returns A promise resolved at once, or after one turn.
   */
  next(allDropped: boolean): Promise<void> {
    if (allDropped && (++this.#droppedRun & DROPPING_YIELD_MASK) === 0) {
      this.#lastYield = performance.now();
      return nextTurn().promise;
    }
    if ((++this.#calls & 255) !== 0) return RESOLVED;
    const now = performance.now();
    if (now - this.#lastYield < YIELD_EVERY_MS) return RESOLVED;
    this.#lastYield = now;
    return nextTurn().promise;
  }
}
