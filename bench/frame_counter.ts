/**
 * Counts length-prefixed frames (`u32` big-endian length, then the payload)
 * in a byte stream cut into arbitrary chunks, without copying: what a raw
 * receiver does at the least.
 *
 * @module
 */

/** Counts complete frames across chunks; see the module doc. */
export class FrameCounter {
  #header = 0;
  #headerBytes = 0;
  #bodyLeft = 0;

  /**
   * Consumes one chunk.
   *
   * @param chunk The next bytes of the stream.
   * @returns How many frames this chunk completed.
   */
  push(chunk: Uint8Array): number {
    const n = chunk.length;
    let frames = 0;
    let i = 0;
    while (i < n) {
      if (this.#bodyLeft > 0) {
        // inside a payload: skip as much of it as this chunk holds
        const take = Math.min(this.#bodyLeft, n - i);
        i += take;
        this.#bodyLeft -= take;
        if (this.#bodyLeft === 0) frames++;
        continue;
      }
      let length: number;
      if (this.#headerBytes === 0 && n - i >= 4) {
        // the whole header is in this chunk: read it in place
        length = ((chunk[i]! << 24) | (chunk[i + 1]! << 16) |
          (chunk[i + 2]! << 8) | chunk[i + 3]!) >>> 0;
        i += 4;
      } else {
        // a header cut between chunks: gather it byte by byte
        this.#header = ((this.#header << 8) | chunk[i++]!) >>> 0;
        if (++this.#headerBytes < 4) continue;
        length = this.#header;
        this.#header = 0;
        this.#headerBytes = 0;
      }
      if (length === 0) frames++;
      else this.#bodyLeft = length;
    }
    return frames;
  }
}
