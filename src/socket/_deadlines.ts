/**
 * Timeouts for many operations on one timer.
 *
 * A timer per request costs about as much as the request itself (measured in
 * Deno: a fifth of the CPU of pipelined request/reply went to creating and
 * clearing timers). Operations that share a timeout length expire in the
 * order they started, so each length gets a FIFO, and a single timer waits
 * for the earliest head. Finished operations are skipped lazily and
 * compacted away when they pile up.
 *
 * @module
 */

/** Something that can expire. */
export interface Expiring {
  /** True once the operation finished; it is then skipped. */
  readonly settled: boolean;
}

interface Lane<T> {
  items: T[];
  deadlines: number[];
  head: number;
  adds: number;
}

/** Deadlines sharing one timer. */
export class Deadlines<T extends Expiring> {
  readonly #lanes = new Map<number, Lane<T>>();
  readonly #expire: (item: T) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;

  /** @param expire Called for each operation whose deadline passed unsettled. */
  constructor(expire: (item: T) => void) {
    this.#expire = expire;
  }

  /**
   * Expires `item` `ms` after `now` unless it is settled by then.
   *
   * @param now `performance.now()` as the caller read it (one clock read per operation).
   */
  add(item: T, ms: number, now: number): void {
    let lane = this.#lanes.get(ms);
    if (lane === undefined) {
      lane = { items: [], deadlines: [], head: 0, adds: 0 };
      this.#lanes.set(ms, lane);
    }
    const deadline = now + ms;
    // Items mostly settle in the order they came: drop settled ones from the front.
    const items = lane.items;
    while (lane.head < items.length && items[lane.head]!.settled) {
      items[lane.head++] = undefined as unknown as T;
    }
    if (lane.head > 1024 && lane.head * 2 > items.length) {
      this.#compact(lane);
    } else if ((++lane.adds & 4095) === 0 && items.length > 4096) {
      this.#compact(lane);
    }
    lane.items.push(item);
    lane.deadlines.push(deadline);
    if (deadline < this.#timerAt) this.#arm(deadline);
  }

  /** Stops the timer; nothing expires afterwards. */
  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
    this.#lanes.clear();
  }

  #arm(at: number): void {
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(
      () => this.#fire(),
      Math.max(0, at - performance.now()),
    );
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const [ms, lane] of this.#lanes) {
      while (lane.head < lane.items.length) {
        const item = lane.items[lane.head]!;
        if (!item.settled && lane.deadlines[lane.head]! > now) break;
        lane.head++;
        if (!item.settled) this.#expire(item);
      }
      if (lane.head === lane.items.length) {
        this.#lanes.delete(ms);
        continue;
      }
      if (lane.head > 1024) this.#compact(lane);
      next = Math.min(next, lane.deadlines[lane.head]!);
    }
    if (next < Infinity && next < this.#timerAt) this.#arm(next);
  }

  /** Drops settled entries, keeping order. */
  #compact(lane: Lane<T>): void {
    const items: T[] = [];
    const deadlines: number[] = [];
    for (let i = lane.head; i < lane.items.length; i++) {
      if (lane.items[i]!.settled) continue;
      items.push(lane.items[i]!);
      deadlines.push(lane.deadlines[i]!);
    }
    lane.items = items;
    lane.deadlines = deadlines;
    lane.head = 0;
  }
}
