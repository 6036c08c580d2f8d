/**
 * Recent round-trip times of requests, for a socket's `stats`. Private.
 *
 * @module
 */

/** Summary of the samples in a {@linkcode LatencyWindow}, in ms. */
export interface LatencySnapshot {
  /** Samples in the window (at most its capacity). */
  readonly count: number;
  /** Arithmetic mean; 0 when empty. */
  readonly mean: number;
  /** Median (nearest rank); 0 when empty. */
  readonly p50: number;
  /** 99th percentile (nearest rank); 0 when empty. */
  readonly p99: number;
}

const EMPTY: LatencySnapshot = Object.freeze({
  count: 0,
  mean: 0,
  p50: 0,
  p99: 0,
});

/**
 * A fixed-size ring of the most recent samples.
 *
 * - `record()` is O(1) and never allocates; the oldest sample is overwritten
 *   once the ring is full.
 * - `snapshot()` copies and sorts the window: O(n log n), for occasional
 *   stats reads, not per message.
 * - Samples that are negative or not finite are ignored: statistics never
 *   fail the request that produced them.
 *
 * @example Recording and summarising
 * ```ts
 * import { LatencyWindow } from "./_latency_window.ts";
 * import assert from "node:assert/strict";
 *
 * const window = new LatencyWindow(4);
 * for (const ms of [1, 2, 3, 4, 100]) window.record(ms);
 * assert.deepEqual(window.snapshot(), { count: 4, mean: 27.25, p50: 3, p99: 100 });
 * ```
 */
export class LatencyWindow {
  #samples: Float64Array;
  #next = 0;
  #count = 0;

  /**
   * Makes an empty window.
   *
   * @param capacity How many recent samples to keep.
   * @throws {RangeError} When `capacity` is not a positive integer.
   */
  constructor(capacity = 1024) {
    if (!(Number.isInteger(capacity) && capacity > 0)) {
      throw new RangeError(
        `Cannot make latency window: capacity must be a positive integer, got ${capacity}`,
      );
    }
    this.#samples = new Float64Array(capacity);
  }

  /**
   * Adds one sample, dropping the oldest when full.
   *
   * @param ms A round-trip time in ms.
   */
  record(ms: number): void {
    if (!(ms >= 0 && ms !== Infinity)) return;
    this.#samples[this.#next] = ms;
    this.#next = (this.#next + 1) % this.#samples.length;
    if (this.#count < this.#samples.length) this.#count++;
  }

  /**
   * Summarises the window.
   *
   * @returns Count, mean, p50 and p99 of the samples in the window.
   */
  snapshot(): LatencySnapshot {
    const count = this.#count;
    if (count === 0) return EMPTY;
    // While filling, the samples are the first `count` slots; once full, all.
    const sorted = this.#samples.slice(0, count).sort();
    let sum = 0;
    for (let i = 0; i < count; i++) sum += sorted[i]!;
    return {
      count,
      mean: sum / count,
      p50: rank(sorted, 0.5),
      p99: rank(sorted, 0.99),
    };
  }
}

/** The nearest-rank percentile `p` of ascending `sorted`. */
function rank(sorted: Float64Array, p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}
