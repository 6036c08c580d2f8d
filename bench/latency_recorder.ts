/**
 * Records round-trip times and summarises them as percentiles.
 *
 * @module
 */

/** Percentiles of the measured round trips, in microseconds. */
export interface LatencySummary {
  /** Round trips measured. */
  samples: number;
  /** Median. */
  p50Us: number;
  /** 99th percentile. */
  p99Us: number;
  /** 99.9th percentile. */
  p999Us: number;
  /** Mean. */
  meanUs: number;
  /** Worst. */
  maxUs: number;
}

/** Collects round-trip times (ms from `performance.now()`) into a fixed array. */
export class LatencyRecorder {
  #times: Float64Array;
  #count = 0;

  /** @param capacity Most samples kept; later ones are ignored. */
  constructor(capacity = 4_000_000) {
    this.#times = new Float64Array(capacity);
  }

  /** Samples kept so far. */
  get count(): number {
    return this.#count;
  }

  /**
   * Records one round trip.
   *
   * @param ms Its duration in milliseconds.
   */
  record(ms: number): void {
    if (this.#count < this.#times.length) this.#times[this.#count++] = ms;
  }

  /** @returns The percentiles of what was recorded. */
  summary(): LatencySummary {
    const sorted = this.#times.slice(0, this.#count).sort();
    const n = sorted.length;
    const at = (q: number) =>
      n === 0 ? 0 : sorted[Math.min(n - 1, Math.floor(q * n))]! * 1000;
    let sum = 0;
    for (const t of sorted) sum += t;
    return {
      samples: n,
      p50Us: at(0.5),
      p99Us: at(0.99),
      p999Us: at(0.999),
      meanUs: n === 0 ? 0 : (sum / n) * 1000,
      maxUs: n === 0 ? 0 : sorted[n - 1]! * 1000,
    };
  }
}

/**
 * Runs `roundTrip` one at a time: for `warmup` ms unrecorded, then for
 * `duration` ms recorded.
 *
 * @param roundTrip One request and its reply.
 * @param warmup Milliseconds before recording.
 * @param duration Milliseconds recorded.
 * @param stopped Ends the loop early when it returns true.
 * @returns The percentiles.
 */
export async function measureLatency(
  roundTrip: () => Promise<unknown>,
  warmup: number,
  duration: number,
  stopped: () => boolean = () => false,
): Promise<LatencySummary> {
  const recorder = new LatencyRecorder();
  const warmEnd = performance.now() + warmup;
  while (performance.now() < warmEnd && !stopped()) await roundTrip();
  const end = performance.now() + duration;
  while (!stopped()) {
    const start = performance.now();
    await roundTrip();
    const now = performance.now();
    recorder.record(now - start);
    if (now >= end) break;
  }
  return recorder.summary();
}
