/**
 * Validation of published topics.
 *
 * @module
 */

import { topicFault } from "./_tokens.ts";

/**
 * Checks that `topic` can be published: one or more non-empty tokens
 * separated by `.`, with no wildcard (`*`, `>`), whitespace or control
 * character anywhere. Topics are case-sensitive.
 *
 * @param topic The topic a publisher sends on, e.g. `"prices.btc"`.
 * @throws {TypeError} When `topic` is not a string or is not a valid topic;
 * the message names the topic and the fault.
 *
 * @example Valid and invalid topics
 * ```ts
 * import { validateTopic } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * validateTopic("prices.btc.usd");
 * assert.throws(() => validateTopic("prices..btc"), TypeError);
 * assert.throws(() => validateTopic("prices.*"), /Cannot use topic "prices\.\*"/);
 * ```
 */
export function validateTopic(topic: string): void {
  if (typeof topic !== "string") {
    throw new TypeError(`Cannot use topic ${String(topic)}: not a string`);
  }
  const fault = topicFault(topic);
  if (fault !== undefined) {
    throw new TypeError(`Cannot use topic "${topic}": ${fault}`);
  }
}
