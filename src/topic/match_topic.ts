/**
 * Matching one topic against one pattern.
 *
 * @module
 */

import { hasWildcard, ONE, REST, SEPARATOR } from "./_tokens.ts";
import { validatePattern } from "./validate_pattern.ts";
import { validateTopic } from "./validate_topic.ts";

/**
 * Tells whether a published topic matches a subscription pattern, with NATS
 * semantics: `*` matches exactly one token, a trailing `>` matches one or
 * more tokens, every other token matches itself only. To test one topic
 * against many patterns, use {@linkcode TopicMatcher}.
 *
 * @param pattern A subscription pattern, e.g. `"prices.*.usd"`.
 * @param topic A published topic, e.g. `"prices.btc.usd"`.
 * @returns `true` when `topic` matches `pattern`.
 * @throws {TypeError} When `pattern` is not a valid pattern or `topic` not a
 * valid topic (see {@linkcode validatePattern}, {@linkcode validateTopic}).
 *
 * @example Wildcards
 * ```ts
 * import { matchTopic } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * assert.equal(matchTopic("prices.*.usd", "prices.btc.usd"), true);
 * assert.equal(matchTopic("prices.*", "prices.btc.usd"), false);
 * assert.equal(matchTopic("prices.>", "prices.btc.usd"), true);
 * assert.equal(matchTopic("prices.>", "prices"), false);
 * assert.equal(matchTopic(">", "anything.at.all"), true);
 * ```
 */
export function matchTopic(pattern: string, topic: string): boolean {
  validatePattern(pattern);
  validateTopic(topic);
  return matchValid(pattern, topic);
}

/** Matches a topic against a pattern, both already validated. */
function matchValid(pattern: string, topic: string): boolean {
  if (!hasWildcard(pattern)) return pattern === topic;
  const want = pattern.split(SEPARATOR);
  const have = topic.split(SEPARATOR);
  for (let i = 0; i < want.length; i++) {
    const token = want[i]!;
    if (token === REST) return have.length > i;
    if (i >= have.length) return false;
    if (token !== ONE && token !== have[i]) return false;
  }
  return want.length === have.length;
}
