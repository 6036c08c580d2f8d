/**
 * Requests in flight of a `ReqSocket`: ids per connection, the bound on
 * pending requests (with a queue of callers waiting for room), and settling
 * each request exactly once.
 *
 * @module
 */

import type { PeerRequests } from "./_peer_requests.ts";

/** One request, from the call to its settlement. */
export class Pending {
  /** Encoded payload. */
  bytes: Uint8Array;
  /** The caller's payload, returned in errors. */
  value: unknown;
  /** Send again elsewhere when its connection dies. */
  readonly retry: boolean;
  /**
   * Settles with the reply bytes or the error. Dropped at settlement (with
   * the payload and the callbacks) so an expiry queue that still lists the
   * request does not keep the reply alive: read it before then.
   */
  promise: Promise<Uint8Array> | undefined;
  /** Id on its current connection. */
  id = 0;
  /** Its current connection's table. */
  route: PeerRequests<Pending> | undefined = undefined;
  /** Ms it may take, from the call. */
  readonly timeout: number;
  /** `performance.now()` when it was last sent. */
  sentAt = 0;
  cleanup: (() => void) | undefined = undefined;
  settled = false;
  admitted = false;
  resolve!: (bytes: Uint8Array) => void;
  reject!: (error: unknown) => void;
  admit: (() => void) | undefined = undefined;
  /** Neighbours in the table's list of unsettled requests. */
  newer: Pending | undefined = undefined;
  older: Pending | undefined = undefined;

  constructor(
    bytes: Uint8Array,
    value: unknown,
    retry: boolean,
    timeout: number,
  ) {
    this.bytes = bytes;
    this.value = value;
    this.retry = retry;
    this.timeout = timeout;
    this.promise = new Promise<Uint8Array>(capture);
    this.resolve = captured.resolve;
    this.reject = captured.reject;
  }
}

/** The last promise's settle functions: one shared executor, no closure per request. */
const captured = {
  resolve: ignore as (bytes: Uint8Array) => void,
  reject: ignore as (error: unknown) => void,
};

function capture(
  resolve: (bytes: Uint8Array) => void,
  reject: (error: unknown) => void,
): void {
  captured.resolve = resolve;
  captured.reject = reject;
}

/** The table of pending requests. */
export class RequestTable {
  /** Most requests admitted at once. */
  readonly capacity: number;
  #admitted = 0;
  readonly #room: Pending[] = [];
  /** The newest unsettled request; `older` links lead to the rest. */
  #newest: Pending | undefined;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `Cannot bound pending requests: maxPending must be a positive integer, got ${capacity}`,
      );
    }
    this.capacity = capacity;
  }

  /** True when a new request would have to wait for room. */
  get full(): boolean {
    return this.#admitted >= this.capacity;
  }

  /** Requests admitted plus those waiting for room. */
  get size(): number {
    return this.#admitted + this.#room.length;
  }

  /** Makes a pending request (not yet admitted). */
  create(
    bytes: Uint8Array,
    value: unknown,
    retry: boolean,
    timeout: number,
  ): Pending {
    const pending = new Pending(bytes, value, retry, timeout);
    const newest = this.#newest;
    if (newest !== undefined) newest.newer = pending;
    pending.older = newest;
    this.#newest = pending;
    return pending;
  }

  /** Admits `pending` at once when there is room and nobody waits before it. */
  tryAdmit(pending: Pending): boolean {
    if (this.#room.length > 0 || this.#admitted >= this.capacity) return false;
    this.#admitted++;
    pending.admitted = true;
    return true;
  }

  /** Resolves once `pending` holds one of the `capacity` places, or is settled. */
  waitForRoom(pending: Pending): Promise<void> {
    if (pending.admitted || pending.settled) return Promise.resolve();
    return new Promise((resolve) => {
      pending.admit = resolve;
      this.#room.push(pending);
    });
  }

  /** Gives `pending` the next id on `route`, sent at `sentAt` (`performance.now()`). */
  assign(pending: Pending, route: PeerRequests<Pending>, sentAt: number): void {
    route.add(pending);
    pending.route = route;
    pending.sentAt = sentAt;
  }

  /** Takes the request a reply with `id` on `route` answers, if still in flight. */
  take(route: PeerRequests<Pending>, id: number): Pending | undefined {
    const pending = route.take(id);
    if (pending !== undefined) pending.route = undefined;
    return pending;
  }

  /** Takes every request in flight on `route`, which has closed. */
  orphans(route: PeerRequests<Pending>): Pending[] {
    const list = route.clear();
    for (const pending of list) pending.route = undefined;
    return list;
  }

  /** Settles a request once: with `bytes`, or rejects with `error`. Frees its place. */
  settle(pending: Pending, error: unknown, bytes?: Uint8Array): void {
    if (pending.settled) return;
    pending.settled = true;
    this.#unlink(pending);
    pending.cleanup?.();
    pending.route?.remove(pending);
    pending.route = undefined;
    if (pending.admitted) {
      this.#admitted--;
      this.#admitNext();
    } else {
      const index = this.#room.indexOf(pending);
      if (index >= 0) this.#room.splice(index, 1);
      pending.admit?.();
    }
    const { resolve, reject } = pending;
    pending.promise = undefined;
    pending.resolve = pending.reject = ignore;
    pending.bytes = EMPTY;
    pending.value = undefined;
    if (bytes !== undefined) resolve(bytes);
    else reject(error);
  }

  #admitNext(): void {
    const next = this.#room.shift();
    if (next === undefined) return;
    this.#admitted++;
    next.admitted = true;
    next.admit?.();
  }

  /** Rejects every unsettled request: sent, waiting for a connection, or waiting for room. */
  failAll(makeError: (pending: Pending) => Error): void {
    const all: Pending[] = [];
    for (let p = this.#newest; p !== undefined; p = p.older) all.push(p);
    for (const pending of all.reverse()) {
      this.settle(pending, makeError(pending));
    }
  }

  #unlink(pending: Pending): void {
    const { newer, older } = pending;
    if (newer !== undefined) newer.older = older;
    else this.#newest = older;
    if (older !== undefined) older.newer = newer;
    pending.newer = pending.older = undefined;
  }
}

const EMPTY = new Uint8Array(0);

function ignore(): void {}
