/**
 * The liveness clock of one peer.
 *
 * @module
 */

import { coarseNow } from "./_coarse_clock.ts";

/** Options of {@linkcode Heartbeat}. */
export interface HeartbeatOptions {
  /** ms without sending before `onIdle` asks for a Ping; 0 disables. */
  interval: number;
  /** ms without receiving before `onSilent` declares the peer dead; 0 disables. */
  timeout: number;
  /** Called when nothing was sent for `interval` ms. */
  onIdle: () => void;
  /** Called once when nothing was received for `timeout` ms, with the silence in ms. */
  onSilent: (silentFor: number) => void;
}

/**
 * Watches when a peer last sent and received, with a single timer that is
 * always set for the next deadline (never a periodic poll).
 *
 * - `sent()` and `received()` only store a time; the timer, when it fires,
 *   looks at them and sets itself again for the next deadline.
 * - While suspended (the peer is paused and reads nothing), the silence
 *   check is off; `resume()` restarts the receive clock.
 * - `stop()` clears the timer for good.
 *
 * @example Declaring a silent peer dead
 * ```ts
 * import { Heartbeat } from "./heartbeat.ts";
 * import assert from "node:assert/strict";
 *
 * const silent = Promise.withResolvers<number>();
 * const heartbeat = new Heartbeat({
 *   interval: 0,
 *   timeout: 20,
 *   onIdle: () => {},
 *   onSilent: silent.resolve,
 * });
 * heartbeat.start();
 * assert.ok(await silent.promise >= 20);
 * heartbeat.stop();
 * ```
 */
export class Heartbeat {
  #options: HeartbeatOptions;
  #lastSent = 0;
  #lastReceived = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #suspended = false;
  #running = false;
  #tick = (): void => {
    this.#timer = undefined;
    if (!this.#running) return;
    const now = performance.now();
    const { interval, timeout } = this.#options;
    const silentFor = now - this.#lastReceived;
    if (timeout > 0 && !this.#suspended && silentFor >= timeout) {
      this.#running = false;
      this.#options.onSilent(silentFor);
      return;
    }
    if (interval > 0 && now - this.#lastSent >= interval) {
      this.#lastSent = now;
      this.#options.onIdle();
      // onIdle may have stopped the heartbeat.
      if (!this.#running) return;
    }
    this.#arm(now);
  };

  /**
   * Makes a heartbeat; its timer starts with `start()`.
   *
   * @param options Interval, timeout and callbacks.
   */
  constructor(options: HeartbeatOptions) {
    this.#options = options;
  }

  /** Starts both clocks now. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    const now = performance.now();
    this.#lastSent = now;
    this.#lastReceived = now;
    this.#arm(now);
  }

  /** Notes that bytes were just sent. */
  sent(): void {
    this.#lastSent = coarseNow();
  }

  /** Notes that bytes were just received. */
  received(): void {
    this.#lastReceived = coarseNow();
  }

  /** Turns the silence check off (the peer is not being read). */
  suspend(): void {
    this.#suspended = true;
  }

  /** Turns the silence check back on, counting from now. */
  resume(): void {
    if (!this.#suspended) return;
    this.#suspended = false;
    this.#lastReceived = performance.now();
    if (this.#running && this.#timer === undefined) {
      this.#arm(this.#lastReceived);
    }
  }

  /** Clears the timer; the heartbeat is over. */
  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(now: number): void {
    const { interval, timeout } = this.#options;
    let next = Infinity;
    if (interval > 0) next = this.#lastSent + interval;
    if (timeout > 0 && !this.#suspended) {
      next = Math.min(next, this.#lastReceived + timeout);
    }
    if (next === Infinity) return;
    this.#timer = setTimeout(this.#tick, Math.max(1, Math.ceil(next - now)));
  }
}
