import assert from "node:assert/strict";
import { matchTopic } from "../../src/topic/match_topic.ts";
import { fc } from "../_helpers/fc.ts";
import { test } from "../_helpers/test.ts";
import {
  NATS_CASES,
  patternArb,
  referenceMatch,
  topicArb,
} from "./_reference.ts";

test("matchTopic() follows NATS semantics on fixed cases", () => {
  for (const [pattern, topic, expected] of NATS_CASES) {
    assert.equal(matchTopic(pattern, topic), expected, `${pattern} ~ ${topic}`);
  }
});

test("matchTopic() throws TypeError for an invalid pattern or topic", () => {
  assert.throws(() => matchTopic("a.>.b", "a.b"), TypeError);
  assert.throws(() => matchTopic("a.*", "a.*"), TypeError);
  assert.throws(() => matchTopic("a", ""), TypeError);
});

test("matchTopic() agrees with a regular-expression reference", () => {
  fc.assert(
    fc.property(patternArb, topicArb, (pattern, topic) => {
      // Arrange
      const expected = referenceMatch(pattern, topic);
      // Act
      const actual = matchTopic(pattern, topic);
      // Assert
      assert.equal(actual, expected);
    }),
    { numRuns: 2000 },
  );
});

test("matchTopic() matches a topic with itself and with all-* of its length", () => {
  fc.assert(fc.property(topicArb, (topic) => {
    // Arrange
    const stars = topic.split(".").map(() => "*").join(".");
    // Act / Assert
    assert.equal(matchTopic(topic, topic), true);
    assert.equal(matchTopic(stars, topic), true);
    assert.equal(matchTopic(">", topic), true);
  }));
});
