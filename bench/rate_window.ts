/**
 * Counts messages over a measured window that opens `warmup` ms after the
 * first message and closes `duration` ms later. Both ends are read from the
 * clock when they are observed, so checking the clock only now and then (a
 * receiver calls {@linkcode RateWindow.add} per chunk or per batch) keeps the
 * rate exact.
 *
 * @module
 */

/** One receiver's measurement. */
export interface ThroughputSample {
  /** Messages counted inside the window. */
  msgs: number;
  /** Payload bytes counted inside the window. */
  bytes: number;
  /** Length of the window in seconds. */
  seconds: number;
}

/** Counts messages over a warmed-up window; see the module doc. */
export class RateWindow {
  #warmup: number;
  #duration: number;
  #checkEvery: number;
  #calls = 0;
  #phase: "idle" | "warmup" | "measuring" | "done" = "idle";
  #openAt = 0;
  #startedAt = 0;
  #msgs = 0;
  #bytes = 0;
  #onDone: (sample: ThroughputSample) => void = () => {};
  /** Resolves with the sample when the window closes. */
  readonly done: Promise<ThroughputSample>;

  /**
   * @param warmup Milliseconds between the first message and the window.
   * @param duration Milliseconds the window lasts.
   * @param checkEvery Read the clock on every n-th call to `add` (1 = always).
   */
  constructor(warmup: number, duration: number, checkEvery = 1) {
    this.#warmup = warmup;
    this.#duration = duration;
    this.#checkEvery = Math.max(1, checkEvery);
    this.done = new Promise((resolve) => (this.#onDone = resolve));
  }

  /** Whether the window has closed. */
  get closed(): boolean {
    return this.#phase === "done";
  }

  /**
   * Counts `msgs` messages carrying `bytes` payload bytes.
   *
   * @param msgs Messages received.
   * @param bytes Payload bytes received.
   */
  add(msgs: number, bytes: number): void {
    const phase = this.#phase;
    if (phase === "measuring") {
      this.#msgs += msgs;
      this.#bytes += bytes;
    }
    if (phase === "done" || ++this.#calls % this.#checkEvery !== 0) return;
    const now = performance.now();
    if (phase === "idle") {
      this.#phase = "warmup";
      this.#openAt = now + this.#warmup;
    } else if (phase === "warmup" && now >= this.#openAt) {
      this.#phase = "measuring";
      this.#startedAt = now;
    } else if (
      phase === "measuring" && now - this.#startedAt >= this.#duration
    ) {
      this.#phase = "done";
      this.#onDone({
        msgs: this.#msgs,
        bytes: this.#bytes,
        seconds: (now - this.#startedAt) / 1000,
      });
    }
  }
}
