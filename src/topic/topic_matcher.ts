/**
 * A set of subscription patterns that answers "does this topic match any of
 * them?", used by publishers (one per subscriber) and subscribers (local
 * check).
 *
 * @module
 */

import { hasWildcard, isTopic } from "./_tokens.ts";
import { TopicTrie } from "./_topic_trie.ts";
import { validatePattern } from "./validate_pattern.ts";

/**
 * A multiset of subscription patterns with NATS semantics (see
 * {@linkcode validatePattern}) that tells whether a topic matches any of them.
 *
 * - Reference counted: a pattern added twice stays until removed twice.
 *   `add()` and `remove()` tell when the pattern first appears or finally
 *   goes, which is when a subscriber sends `Subscribe`/`Unsubscribe`.
 * - Matching backtracks: with `a.b.c` and `a.*.d` both present, `a.b.d`
 *   matches (the literal branch `a.b` is tried, then `a.*`).
 * - Cost: a topic equal to a literal pattern is one hash lookup; otherwise a
 *   walk of the trie of wildcard patterns that visits each node at most once.
 *   The last topic's answer is cached until the next change, so a publisher
 *   sending one topic repeatedly pays a string comparison.
 * - `matches()` never throws: a topic that is not valid (see
 *   {@linkcode validateTopic}) matches nothing.
 *
 * @example Subscriptions with backtracking and reference counts
 * ```ts
 * import { TopicMatcher } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const matcher = new TopicMatcher();
 * matcher.add("a.b.c");
 * matcher.add("a.*.d");
 * assert.equal(matcher.matches("a.b.d"), true);
 * assert.equal(matcher.matches("a.b.e"), false);
 *
 * assert.equal(matcher.add("prices.>"), true); // first reference
 * assert.equal(matcher.add("prices.>"), false); // second reference
 * assert.equal(matcher.remove("prices.>"), false); // one reference left
 * assert.equal(matcher.matches("prices.btc"), true);
 * assert.equal(matcher.remove("prices.>"), true); // gone
 * assert.equal(matcher.matches("prices.btc"), false);
 * assert.deepEqual(matcher.patterns(), ["a.b.c", "a.*.d"]);
 * ```
 */
export class TopicMatcher {
  #counts = new Map<string, number>();
  #literals = new Set<string>();
  #wildcards = 0;
  #trie = new TopicTrie();
  #lastTopic: string | undefined = undefined;
  #lastMatch = false;

  /**
   * Adds one reference to `pattern`.
   *
   * @param pattern A subscription pattern.
   * @returns `true` when the pattern was not present before.
   * @throws {TypeError} When `pattern` is not a valid pattern.
   */
  add(pattern: string): boolean {
    validatePattern(pattern);
    const count = this.#counts.get(pattern) ?? 0;
    this.#counts.set(pattern, count + 1);
    if (count > 0) return false;
    if (hasWildcard(pattern)) {
      this.#trie.insert(pattern);
      this.#wildcards++;
    } else {
      this.#literals.add(pattern);
    }
    this.#lastTopic = undefined;
    return true;
  }

  /**
   * Removes one reference to `pattern`. Removing a pattern that is not
   * present does nothing.
   *
   * @param pattern A subscription pattern.
   * @returns `true` when this removed the last reference, so the pattern is
   * gone; `false` when references remain or it was not present.
   * @throws {TypeError} When `pattern` is not a valid pattern.
   */
  remove(pattern: string): boolean {
    validatePattern(pattern);
    const count = this.#counts.get(pattern);
    if (count === undefined) return false;
    if (count > 1) {
      this.#counts.set(pattern, count - 1);
      return false;
    }
    this.#counts.delete(pattern);
    if (hasWildcard(pattern)) {
      this.#trie.delete(pattern);
      this.#wildcards--;
    } else {
      this.#literals.delete(pattern);
    }
    this.#lastTopic = undefined;
    return true;
  }

  /**
   * Tells whether `topic` matches at least one pattern.
   *
   * @param topic A published topic.
   * @returns `true` on a match; `false` otherwise, and for an invalid topic.
   */
  matches(topic: string): boolean {
    if (topic === this.#lastTopic) return this.#lastMatch;
    const match = this.#match(topic);
    this.#lastTopic = topic;
    this.#lastMatch = match;
    return match;
  }

  /**
   * Counts the references to `pattern`.
   *
   * @param pattern A subscription pattern.
   * @returns How many times it was added and not yet removed (0 if absent).
   */
  count(pattern: string): number {
    return this.#counts.get(pattern) ?? 0;
  }

  /** How many distinct patterns are present. */
  get size(): number {
    return this.#counts.size;
  }

  /**
   * Lists the distinct patterns present, in the order they first appeared;
   * what a subscriber replays after reconnecting.
   *
   * @returns A new array, one entry per distinct pattern.
   */
  patterns(): string[] {
    return [...this.#counts.keys()];
  }

  #match(topic: string): boolean {
    // A valid literal pattern equal to the topic: the topic is valid too.
    if (this.#literals.has(topic)) return true;
    if (this.#wildcards === 0) return false;
    // Validity last: most topics that match nothing are never scanned twice.
    return (this.#trie.matchesAll || this.#trie.match(topic)) && isTopic(topic);
  }
}
