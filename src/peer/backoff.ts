/**
 * Exponential backoff with a cap and jitter, for dialers that reconnect.
 *
 * @module
 */

/** How a delay is drawn below its ceiling. */
export type BackoffJitter = "full" | "equal" | "none";

/** Options of {@linkcode Backoff}. */
export interface BackoffOptions {
  /** First ceiling, in ms. @default 100 */
  initial?: number;
  /** Growth of the ceiling per attempt (≥ 1). @default 2 */
  factor?: number;
  /** Largest ceiling, in ms; at most 2147483647 (a timer's limit). @default 5000, or `initial` when larger */
  max?: number;
  /**
   * How a delay is drawn from the ceiling `c`:
   * - `"full"`: uniform in `[0, c)` (AWS "full jitter"; spreads reconnect storms best);
   * - `"equal"`: `c / 2` plus uniform in `[0, c / 2)`;
   * - `"none"`: exactly `c`.
   *
   * @default "full"
   */
  jitter?: BackoffJitter;
  /** Delays handed out before {@linkcode Backoff.next} returns `undefined`. @default Infinity */
  maxRetries?: number;
  /** Source of uniform numbers in `[0, 1)`; inject a seeded one in tests. @default Math.random */
  random?: () => number;
}

/** Largest delay a timer accepts in every runtime (2^31 - 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;
const JITTERS: readonly BackoffJitter[] = ["full", "equal", "none"];

/**
 * The delays between reconnection attempts. Attempt `n` (from 0) has the
 * ceiling `min(max, initial × factor^n)`; the delay is drawn below it as
 * `jitter` says.
 *
 * - Unlike msg-rs, the ceiling is capped (`max`) and jittered, and by default
 *   retries never run out: a dialer keeps trying for the socket's lifetime.
 * - `reset()` after a successful connection starts again from `initial`
 *   with a fresh retry budget.
 * - Pure arithmetic: no timers; the caller sleeps for what `next()` returns.
 *
 * @example Ceilings without jitter, capped, with a retry budget
 * ```ts
 * import { Backoff } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const backoff = new Backoff({ initial: 100, max: 500, jitter: "none", maxRetries: 5 });
 * const delays = [];
 * for (let d = backoff.next(); d !== undefined; d = backoff.next()) delays.push(d);
 * assert.deepEqual(delays, [100, 200, 400, 500, 500]);
 * assert.equal(backoff.attempts, 5);
 * backoff.reset();
 * assert.equal(backoff.next(), 100);
 * ```
 *
 * @example Full jitter stays below the ceiling
 * ```ts
 * import { Backoff } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const backoff = new Backoff({ initial: 100, random: () => 0.5 });
 * assert.equal(backoff.next(), 50);
 * assert.equal(backoff.next(), 100);
 * ```
 */
export class Backoff {
  #initial: number;
  #factor: number;
  #max: number;
  #jitter: BackoffJitter;
  #maxRetries: number;
  #random: () => number;
  #attempts = 0;
  #ceiling: number;

  /**
   * Makes a backoff.
   *
   * @param options Ceilings, jitter, retry budget, random source.
   * @throws {RangeError} When `initial` is negative or not finite, `factor`
   * is below 1 or not finite, `max` is below `initial` or above 2147483647,
   * `maxRetries` is not a non-negative integer or `Infinity`, or `jitter` is
   * unknown.
   * @throws {TypeError} When `random` is not a function.
   */
  constructor(options: BackoffOptions = {}) {
    this.#initial = options.initial ?? 100;
    this.#factor = options.factor ?? 2;
    this.#max = options.max ?? Math.max(5000, this.#initial);
    this.#jitter = options.jitter ?? "full";
    this.#maxRetries = options.maxRetries ?? Infinity;
    this.#random = options.random ?? Math.random;
    this.#validate();
    this.#ceiling = this.#initial;
  }

  /** Delays handed out since construction or the last {@linkcode Backoff.reset}. */
  get attempts(): number {
    return this.#attempts;
  }

  /**
   * Hands out the next delay and moves to the next attempt.
   *
   * @returns The delay in ms, or `undefined` once `maxRetries` delays have
   * been handed out.
   */
  next(): number | undefined {
    if (this.#attempts >= this.#maxRetries) return undefined;
    const ceiling = this.#ceiling;
    this.#attempts++;
    this.#ceiling = Math.min(this.#max, ceiling * this.#factor);
    switch (this.#jitter) {
      case "full":
        return this.#random() * ceiling;
      case "equal":
        // min(): halving a subnormal ceiling rounds, which could overshoot it.
        return Math.min(ceiling, ceiling / 2 + this.#random() * (ceiling / 2));
      case "none":
        return ceiling;
    }
  }

  /** Starts again from `initial`, with the whole retry budget. */
  reset(): void {
    this.#attempts = 0;
    this.#ceiling = this.#initial;
  }

  #validate(): void {
    const initial = this.#initial;
    if (!(Number.isFinite(initial) && initial >= 0)) {
      throw new RangeError(
        `Cannot make backoff: initial must be a finite number ≥ 0, got ${initial}`,
      );
    }
    if (!(Number.isFinite(this.#factor) && this.#factor >= 1)) {
      throw new RangeError(
        `Cannot make backoff: factor must be a finite number ≥ 1, got ${this.#factor}`,
      );
    }
    if (!(this.#max >= initial && this.#max <= MAX_TIMER_MS)) {
      throw new RangeError(
        `Cannot make backoff: max must be from initial (${initial}) to ${MAX_TIMER_MS}, got ${this.#max}`,
      );
    }
    const retries = this.#maxRetries;
    if (
      !(retries === Infinity || (Number.isInteger(retries) && retries >= 0))
    ) {
      throw new RangeError(
        `Cannot make backoff: maxRetries must be an integer ≥ 0 or Infinity, got ${retries}`,
      );
    }
    if (!JITTERS.includes(this.#jitter)) {
      throw new RangeError(
        `Cannot make backoff: jitter must be "full", "equal" or "none", got "${this.#jitter}"`,
      );
    }
    if (typeof this.#random !== "function") {
      throw new TypeError("Cannot make backoff: random must be a function");
    }
  }
}
