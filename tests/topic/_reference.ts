/**
 * A deliberately naive topic matcher (a regular expression per pattern) and
 * arbitraries over a small alphabet of tokens, for property tests.
 *
 * @module
 */

import { fc } from "../_helpers/fc.ts";

function escape(token: string): string {
  return token.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** NATS matching, spelled as a regular expression. */
export function referenceMatch(pattern: string, topic: string): boolean {
  const source = pattern.split(".").map((token) =>
    token === "*" ? "[^.]+" : token === ">" ? ".+" : escape(token)
  ).join("\\.");
  return new RegExp(`^${source}$`).test(topic);
}

const TOKENS = ["a", "b", "c"];

/** Topics of one to five tokens over a three-token alphabet. */
export const topicArb: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 5 })
  .map((tokens) => tokens.join("."));

/** Valid patterns over the same alphabet, with `*` anywhere and an optional trailing `>`. */
export const patternArb: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(fc.constantFrom(...TOKENS, "*"), { minLength: 0, maxLength: 5 }),
    fc.boolean(),
  )
  .filter(([tokens, rest]) => tokens.length > 0 || rest)
  .map(([tokens, rest]) => (rest ? [...tokens, ">"] : tokens).join("."));

/** [pattern, topic, matches] from the NATS subject documentation and msg-rs' bugs. */
export const NATS_CASES: ReadonlyArray<readonly [string, string, boolean]> = [
  ["foo.bar", "foo.bar", true],
  ["foo.bar", "foo", false],
  ["foo", "foo.bar", false],
  ["foo.bar", "foo.bar.baz", false],
  ["Foo", "foo", false],
  ["time.*.east", "time.us.east", true],
  ["time.*.east", "time.us.east.atlanta", false],
  ["time.*.east", "time.east", false],
  ["time.us.>", "time.us.east", true],
  ["time.us.>", "time.us.east.atlanta", true],
  ["time.us.>", "time.us", false],
  [">", "a", true],
  [">", "a.b.c", true],
  ["*", "a", true],
  ["*", "a.b", false],
  ["*.>", "a.b", true],
  ["*.>", "a", false],
  ["*.*", "a.b", true],
  ["*.*", "a.b.c", false],
  ["a.*.>", "a.b.c", true],
  ["a.*.>", "a.b", false],
  ["foo.>", "foo.bar", true], // msg-rs: never matches
  ["préférences.ü", "préférences.ü", true],
];
