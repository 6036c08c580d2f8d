/**
 * The write slabs of one frame writer: made fresh, or taken back once
 * written out.
 *
 * @module
 */

/**
 * Most written-out slabs a pool keeps for reuse: enough to cover the slabs
 * a backpressured queue frees between two refills (a 1024-frame queue of
 * 1 KiB frames spans 17 slabs; with four spares, two slabs in five were
 * still new allocations over unix sockets). The peer lets them go when the
 * connection goes quiet (`release()`).
 */
const MAX_SPARES = 16;

/**
 * Slabs of one size. Only buffers the pool made itself are ever taken back,
 * so a payload written by reference can never become a slab, whatever its
 * size.
 */
export class SlabPool {
  readonly #size: number;
  #owned = new WeakSet<ArrayBufferLike>();
  #spares: Uint8Array[] = [];

  /**
   * Makes an empty pool.
   *
   * @param size Bytes of each slab.
   */
  constructor(size: number) {
    this.#size = size;
  }

  /** `true` when `buffer` is one of this pool's slabs. */
  owns(buffer: ArrayBufferLike): boolean {
    return this.#owned.has(buffer);
  }

  /** A spare slab, else a new one. */
  take(): Uint8Array {
    const spare = this.#spares.pop();
    if (spare !== undefined) return spare;
    const slab = new Uint8Array(this.#size);
    this.#owned.add(slab.buffer);
    return slab;
  }

  /**
   * Keeps a slab whose bytes are all written, while there is room: the
   * caller vouches that nothing still reads it.
   *
   * @param buffer One of this pool's slabs.
   */
  giveBack(buffer: ArrayBufferLike): void {
    if (this.#spares.length < MAX_SPARES && this.owns(buffer)) {
      this.#spares.push(new Uint8Array(buffer));
    }
  }

  /** Lets go of every spare. */
  release(): void {
    this.#spares = [];
  }
}
