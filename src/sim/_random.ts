/**
 * A small seeded random source for the network simulator. Private.
 *
 * @module
 */

/**
 * Makes a seeded uniform random source (mulberry32: 32-bit state, fast, good
 * enough to draw delays and losses; not for cryptography).
 *
 * @param seed Any integer; the same seed gives the same sequence.
 * @returns A function giving numbers in `[0, 1)`.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return function next(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
