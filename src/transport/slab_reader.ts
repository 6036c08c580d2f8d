/**
 * Reads a byte source into pooled slabs and hands out fresh views.
 *
 * @module
 */

/** Options of {@linkcode slabReader}. */
export interface SlabReaderOptions {
  /** Bytes per slab. @default 65536 */
  slabSize?: number;
  /** A tail shorter than this is abandoned for a new slab. @default 16384 */
  minTail?: number;
}

/**
 * Makes a `read()` that reads into the unused tail of a slab and returns a
 * view of the bytes read. A range once handed out is never read into again,
 * so every returned chunk belongs to the caller; a slab is let go once full.
 * Call it once at a time (await each read before the next).
 *
 * @param readInto Reads into `buffer`; resolves to the byte count, or `null`
 *   at end of stream (Deno's `conn.read` shape).
 * @param options Slab and tail sizes.
 * @returns The next chunk of bytes, or `null` at end of stream.
 * @throws {RangeError} When `minTail` is not between 1 and `slabSize`.
 *
 * @example Chunks are views that never overlap
 * ```ts
 * import { slabReader } from "./slab_reader.ts";
 * import assert from "node:assert/strict";
 *
 * let calls = 0;
 * const read = slabReader((buffer) => {
 *   calls += 1;
 *   if (calls > 2) return Promise.resolve(null);
 *   buffer.set([calls, calls, calls]);
 *   return Promise.resolve(3);
 * });
 * const first = (await read())!;
 * const second = (await read())!;
 * assert.deepEqual([...first, ...second], [1, 1, 1, 2, 2, 2]);
 * assert.equal(first.buffer, second.buffer); // same slab, different ranges
 * assert.equal(await read(), null);
 * ```
 */
export function slabReader(
  readInto: (buffer: Uint8Array) => Promise<number | null>,
  options: SlabReaderOptions = {},
): () => Promise<Uint8Array | null> {
  const slabSize = options.slabSize ?? 64 * 1024;
  const minTail = options.minTail ?? 16 * 1024;
  if (!(minTail >= 1 && minTail <= slabSize)) {
    throw new RangeError(
      `Cannot make slab reader: minTail must be from 1 to ${slabSize}, got ${minTail}`,
    );
  }
  let slab = new Uint8Array(slabSize);
  let used = 0;
  return async function read(): Promise<Uint8Array | null> {
    if (slabSize - used < minTail) {
      slab = new Uint8Array(slabSize);
      used = 0;
    }
    const buffer = slab;
    const start = used;
    const count = await readInto(buffer.subarray(start));
    if (count === null) return null;
    used = start + count;
    return buffer.subarray(start, used);
  };
}
