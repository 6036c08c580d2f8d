/**
 * One turn of the event loop for sockets (see `src/peer/_next_turn.ts`).
 *
 * @module
 */

import { nextTurn } from "../peer/_next_turn.ts";

/** Resolves after pending I/O callbacks have had a chance to run. */
export function yieldToEventLoop(): Promise<void> {
  return nextTurn().promise;
}
