/**
 * Decoded topic strings, cached per parser: the same topic bytes give the
 * same string without running a `TextDecoder`.
 *
 * @module
 */

const SLOTS = 64;
const CACHEABLE_LENGTH = 256;

interface Entry {
  bytes: Uint8Array;
  text: string;
}

/**
 * A small direct-mapped cache from topic bytes to strings. Each slot keeps
 * one topic (at most 256 bytes), chosen by an FNV-1a hash of the bytes, so
 * memory stays under 64 short copies.
 */
export class TopicCache {
  #slots: (Entry | undefined)[] = new Array(SLOTS).fill(undefined);
  #decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

  /**
   * Decodes `length` bytes of `source` from `start` as UTF-8.
   *
   * @param source Bytes holding the topic.
   * @param start Index of the topic's first byte.
   * @param length Topic length in bytes.
   * @returns The topic string.
   * @throws {TypeError} When the bytes are not valid UTF-8.
   */
  decode(source: Uint8Array, start: number, length: number): string {
    if (length === 0) return "";
    if (length > CACHEABLE_LENGTH) {
      return this.#decoder.decode(source.subarray(start, start + length));
    }
    let hash = 0x811c9dc5;
    for (let i = start; i < start + length; i++) {
      hash = Math.imul(hash ^ source[i]!, 0x01000193);
    }
    const slot = (hash >>> 0) % SLOTS;
    const entry = this.#slots[slot];
    if (entry !== undefined && sameBytes(entry.bytes, source, start, length)) {
      return entry.text;
    }
    const bytes = source.slice(start, start + length);
    const text = this.#decoder.decode(bytes);
    this.#slots[slot] = { bytes, text };
    return text;
  }
}

function sameBytes(
  known: Uint8Array,
  source: Uint8Array,
  start: number,
  length: number,
): boolean {
  if (known.length !== length) return false;
  for (let i = 0; i < length; i++) {
    if (known[i] !== source[start + i]) return false;
  }
  return true;
}
