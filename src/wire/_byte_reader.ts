/**
 * Reads exact byte counts from a stream reader, for the handshake.
 *
 * @module
 */

import type { WireReader } from "../transport/_wire_ends.ts";

const EMPTY = new Uint8Array(0);

/**
 * Buffers the chunks of a reader so the handshake can ask for "at least n
 * bytes" and peek at them, then hands over whatever came after.
 *
 * A chunk is kept as is while nothing else is buffered; only a chunk that
 * arrives behind leftover bytes is copied together with them.
 */
export class ByteReader {
  #reader: WireReader;
  #buffer: Uint8Array = EMPTY;
  #start = 0;
  #received = 0;

  /**
   * Wraps a reader.
   *
   * @param reader The locked reader to pull from.
   */
  constructor(reader: WireReader) {
    this.#reader = reader;
  }

  /** Bytes buffered and not yet taken. */
  get available(): number {
    return this.#buffer.length - this.#start;
  }

  /** Bytes received so far. */
  get received(): number {
    return this.#received;
  }

  /**
   * Reads until at least `count` bytes are buffered.
   *
   * @param count Bytes wanted.
   * @returns `false` when the stream ended first.
   * @throws What the reader throws.
   */
  async ensure(count: number): Promise<boolean> {
    while (this.available < count) {
      const { value, done } = await this.#reader.read();
      if (done) return false;
      this.#append(value);
    }
    return true;
  }

  /**
   * Looks at a buffered byte without taking it.
   *
   * @param index Offset from the first untaken byte.
   * @returns The byte.
   */
  peek(index: number): number {
    return this.#buffer[this.#start + index]!;
  }

  /**
   * Takes `count` buffered bytes.
   *
   * @param count Bytes to take; at most {@linkcode ByteReader.available}.
   * @returns A view of them.
   */
  take(count: number): Uint8Array {
    const view = this.#buffer.subarray(this.#start, this.#start + count);
    this.#start += count;
    return view;
  }

  /**
   * Hands over every buffered byte not yet taken, and forgets them.
   *
   * @returns A view of those bytes, possibly empty.
   */
  rest(): Uint8Array {
    const view = this.#buffer.subarray(this.#start);
    this.#buffer = EMPTY;
    this.#start = 0;
    return view;
  }

  #append(chunk: Uint8Array): void {
    this.#received += chunk.length;
    if (this.available === 0) {
      this.#buffer = chunk;
      this.#start = 0;
      return;
    }
    const joined = new Uint8Array(this.available + chunk.length);
    joined.set(this.#buffer.subarray(this.#start));
    joined.set(chunk, this.available);
    this.#buffer = joined;
    this.#start = 0;
  }
}
