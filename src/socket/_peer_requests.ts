/**
 * The requests in flight on one connection of a `ReqSocket`, by id.
 *
 * @module
 */

import type { Peer } from "../peer/peer.ts";

/** What a slot holds: anything with the id it was given here. */
export interface Slotted {
  id: number;
}

/**
 * Ids and lookup for the requests sent on one connection: an open-addressed
 * table indexed by `id & mask`, with no hashing and no allocation per
 * request.
 *
 * - Ids count up from 0 (wrapping at 2^32), skipping any whose slot is
 *   still taken, so replies in order find their slot at once.
 * - A slot is found by its id and checked against the id stored in it: a
 *   late reply to a request that already settled finds nothing, even once
 *   its slot holds a newer request.
 * - The table doubles whenever it is half full; it never shrinks.
 */
export class PeerRequests<T extends Slotted> {
  /** The connection. */
  readonly peer: Peer;
  #slots: (T | undefined)[] = new Array(64).fill(undefined);
  #mask = 63;
  #next = 0;
  #count = 0;

  /**
   * Makes an empty table for `peer`.
   *
   * @param peer The connection.
   */
  constructor(peer: Peer) {
    this.peer = peer;
  }

  /** Requests in the table. */
  get size(): number {
    return this.#count;
  }

  /**
   * Gives `item` the next free id and stores it.
   *
   * @param item The request.
   * @returns Its id, also set as `item.id`.
   */
  add(item: T): number {
    if (this.#count * 2 >= this.#slots.length) this.#grow();
    let id = this.#next;
    while (this.#slots[id & this.#mask] !== undefined) id = (id + 1) >>> 0;
    this.#next = (id + 1) >>> 0;
    item.id = id;
    this.#slots[id & this.#mask] = item;
    this.#count++;
    return id;
  }

  /**
   * Removes and returns the request with `id`.
   *
   * @param id An id from a reply.
   * @returns The request, or `undefined` when none is in flight with it.
   */
  take(id: number): T | undefined {
    const slot = id & this.#mask;
    const item = this.#slots[slot];
    if (item === undefined || item.id !== id) return undefined;
    this.#slots[slot] = undefined;
    this.#count--;
    return item;
  }

  /**
   * Removes `item` if it is in the table.
   *
   * @param item The request.
   */
  remove(item: T): void {
    const slot = item.id & this.#mask;
    if (this.#slots[slot] !== item) return;
    this.#slots[slot] = undefined;
    this.#count--;
  }

  /**
   * Empties the table.
   *
   * @returns Every request it held, oldest id first.
   */
  clear(): T[] {
    const items = this.#slots.filter((item) => item !== undefined);
    items.sort((a, b) =>
      ((a.id - this.#next) >>> 0) - ((b.id - this.#next) >>> 0)
    );
    this.#slots = new Array(64).fill(undefined);
    this.#mask = 63;
    this.#count = 0;
    return items;
  }

  #grow(): void {
    const old = this.#slots;
    this.#slots = new Array(old.length * 2).fill(undefined);
    this.#mask = this.#slots.length - 1;
    for (const item of old) {
      if (item !== undefined) this.#slots[item.id & this.#mask] = item;
    }
  }
}
