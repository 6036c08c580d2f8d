/**
 * One direction of a simulated connection: written chunks wait here until
 * their delivery time, then go to the inner connection in order. Private.
 *
 * @module
 */

import type { Link } from "./_link.ts";

interface Item {
  readonly chunk: Uint8Array;
  /** Delivery time on the `performance.now()` clock. */
  readonly at: number;
  /** The connection resets once this chunk is delivered. */
  readonly resetAfter: boolean;
}

/** What a delay line tells its connection. */
export interface DelayLineHooks {
  /** A chunk reached the inner connection. */
  delivered(bytes: number): void;
  /** A chunk marked `resetAfter` was delivered: reset now. */
  reset(): void;
}

/**
 * A FIFO of delayed chunks with one timer for its head.
 *
 * - Delivery times never decrease, so bytes are never reordered.
 * - Bytes in the line count against `window`: {@linkcode DelayLine.push}
 *   returns a promise to wait on while more than `window` bytes are in
 *   flight. That is how a delayed chunk keeps backpressure on the writer.
 * - The inner writer's own backpressure is obeyed too, except while flushing
 *   for close.
 */
export class DelayLine {
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #window: number;
  #hooks: DelayLineHooks;
  #queue: Item[] = [];
  #head = 0;
  #inFlight = 0;
  #lastAt = 0;
  #linkFreeAt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #wake: (() => void) | undefined;
  #wakeReady: (() => void) | undefined;
  #pumping = false;
  #flushing = false;
  #cleared = false;
  #roomWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  #emptyWaiters: (() => void)[] = [];

  constructor(
    writer: WritableStreamDefaultWriter<Uint8Array>,
    window: number,
    hooks: DelayLineHooks,
  ) {
    this.#writer = writer;
    this.#window = window;
    this.#hooks = hooks;
  }

  /**
   * Schedules a chunk.
   *
   * @returns `undefined` when there is room for more, else a promise that
   * settles once there is (rejects if the line is cleared first).
   */
  push(
    chunk: Uint8Array,
    link: Link,
    random: () => number,
    resetAfter: boolean,
  ): Promise<void> | undefined {
    const now = performance.now();
    const at = this.#deliveryTime(chunk.byteLength, link, random, now);
    if (
      at <= now && !this.#pumping && this.#head === this.#queue.length &&
      !resetAfter && (this.#writer.desiredSize ?? 0) > 0
    ) {
      this.#deliver(chunk); // fast path: no delay, nothing queued
      return undefined;
    }
    this.#queue.push({ chunk, at, resetAfter });
    this.#inFlight += chunk.byteLength;
    this.#pump();
    if (this.#inFlight <= this.#window) return undefined;
    return new Promise((resolve, reject) => {
      this.#roomWaiters.push({ resolve, reject });
    });
  }

  /** Delivers what is queued, each chunk at its time, ignoring inner backpressure. */
  flush(): Promise<void> {
    this.#flushing = true;
    this.#wakeReady?.();
    if (this.#cleared || this.#head === this.#queue.length) {
      return Promise.resolve();
    }
    this.#pump();
    return new Promise((resolve) => this.#emptyWaiters.push(resolve));
  }

  /** Drops every queued chunk and clears the timer. Idempotent. */
  clear(error: unknown): void {
    if (this.#cleared) return;
    this.#cleared = true;
    this.#queue = [];
    this.#head = 0;
    this.#inFlight = 0;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#wake?.();
    this.#wakeReady?.();
    for (const waiter of this.#roomWaiters.splice(0)) waiter.reject(error);
    for (const resolve of this.#emptyWaiters.splice(0)) resolve();
  }

  #deliveryTime(
    bytes: number,
    link: Link,
    random: () => number,
    now: number,
  ): number {
    let sent = now;
    if (link.bandwidth !== Infinity) {
      sent = Math.max(now, this.#linkFreeAt) + (bytes * 1000) / link.bandwidth;
      this.#linkFreeAt = sent;
    }
    const jitter = link.jitter > 0 ? link.jitter * random() : 0;
    const at = Math.max(this.#lastAt, sent + link.latency + jitter);
    this.#lastAt = at;
    return at;
  }

  #pump(): void {
    if (this.#pumping || this.#cleared) return;
    this.#pumping = true;
    void this.#run();
  }

  async #run(): Promise<void> {
    try {
      while (!this.#cleared && this.#head < this.#queue.length) {
        const item = this.#queue[this.#head]!;
        const wait = item.at - performance.now();
        const room = this.#writer.desiredSize;
        if (room === null) break; // inner errored: the connection clears us
        if (wait > 0) {
          await this.#sleep(wait);
        } else if (!this.#flushing && room <= 0) {
          await this.#ready();
        } else {
          this.#take();
          this.#deliver(item.chunk);
          if (item.resetAfter) this.#hooks.reset();
        }
      }
    } finally {
      this.#pumping = false;
    }
    if (this.#head === this.#queue.length) {
      for (const resolve of this.#emptyWaiters.splice(0)) resolve();
    }
  }

  #take(): void {
    const item = this.#queue[this.#head]!;
    this.#head++;
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head); // a line that never empties
      this.#head = 0;
    }
    this.#inFlight -= item.chunk.byteLength;
    if (this.#inFlight <= this.#window) {
      for (const waiter of this.#roomWaiters.splice(0)) waiter.resolve();
    }
  }

  #deliver(chunk: Uint8Array): void {
    this.#writer.write(chunk).catch(() => {
      // Reported through the connection's end, not per chunk.
    });
    this.#hooks.delivered(chunk.byteLength);
  }

  /** Waits for the inner writer's room, or for flush() or clear(). */
  #ready(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wakeReady = resolve;
      this.#writer.ready.then(resolve, resolve);
    }).finally(() => this.#wakeReady = undefined);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#wake = undefined;
        resolve();
      }, ms);
    });
  }
}
