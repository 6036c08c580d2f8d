/**
 * UTF-8 bytes of topics, cached: a publisher sends many frames on few topics,
 * and `TextEncoder.encode` costs more than the rest of a small frame.
 *
 * @module
 */

/** Longest topic in UTF-8 bytes that fits the u16 topic length. */
export const MAX_TOPIC_BYTES = 0xffff;

const CACHE_ENTRIES = 1024;
const CACHEABLE_LENGTH = 256;
const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();
const cache = new Map<string, Uint8Array>();
let lastTopic = "";
let lastBytes: Uint8Array = EMPTY;

/**
 * Gives the UTF-8 bytes of `topic`. The result is shared: callers copy it
 * and never write to it.
 *
 * Topics up to 256 UTF-16 units are cached, at most 1024 of them; the oldest
 * entry goes first.
 *
 * @param topic A publish topic.
 * @returns Its UTF-8 bytes.
 * @throws {RangeError} When the topic is longer than 65535 UTF-8 bytes.
 */
export function topicBytes(topic: string): Uint8Array {
  if (topic === lastTopic) return lastBytes;
  let bytes = cache.get(topic);
  if (bytes === undefined) {
    bytes = encoder.encode(topic);
    if (bytes.length > MAX_TOPIC_BYTES) {
      throw new RangeError(
        `Cannot encode topic: ${bytes.length} UTF-8 bytes exceed ${MAX_TOPIC_BYTES}`,
      );
    }
    if (topic.length <= CACHEABLE_LENGTH) remember(topic, bytes);
  }
  lastTopic = topic;
  lastBytes = bytes;
  return bytes;
}

function remember(topic: string, bytes: Uint8Array): void {
  if (cache.size >= CACHE_ENTRIES) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(topic, bytes);
}
