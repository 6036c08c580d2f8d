import assert from "node:assert/strict";
import { validatePattern } from "../../src/topic/validate_pattern.ts";
import { validateTopic } from "../../src/topic/validate_topic.ts";
import { fc } from "../_helpers/fc.ts";
import { test } from "../_helpers/test.ts";
import { patternArb, topicArb } from "./_reference.ts";

// -- validateTopic() --

test("validateTopic() accepts dot-separated non-empty tokens", () => {
  for (const topic of ["a", "a.b.c", "prices.btc-usd", "ü.日本.1", "A_b"]) {
    validateTopic(topic);
  }
});

test("validateTopic() rejects empty tokens, wildcards and whitespace naming the topic", () => {
  const bad = ["", ".", "a.", ".a", "a..b", "*", "a.*", ">", "a.>", "a*b"];
  for (const topic of [...bad, "a b", "a\tb", "a\n", "a\u007f"]) {
    assert.throws(
      () => validateTopic(topic),
      (error: unknown) =>
        error instanceof TypeError &&
        error.message.startsWith(`Cannot use topic "${topic}"`),
      topic,
    );
  }
});

test("validateTopic() rejects a value that is not a string", () => {
  assert.throws(() => validateTopic(42 as unknown as string), TypeError);
});

test("validateTopic() accepts every generated topic and rejects it with an empty token", () => {
  fc.assert(fc.property(topicArb, fc.nat(), (topic, at) => {
    // Arrange
    const cut = at % (topic.length + 1);
    const broken = `${topic.slice(0, cut)}.${topic.slice(cut)}`;
    // Act / Assert
    validateTopic(topic);
    if (
      broken.includes("..") || broken.startsWith(".") || broken.endsWith(".")
    ) {
      assert.throws(() => validateTopic(broken), TypeError);
    }
  }));
});

// -- validatePattern() --

test("validatePattern() accepts whole-token wildcards with > last", () => {
  for (const pattern of ["*", ">", "a.*", "*.*", "a.>", "*.>", "a.*.c.>"]) {
    validatePattern(pattern);
  }
});

test("validatePattern() rejects misplaced or mixed wildcards and empty tokens naming the pattern", () => {
  const bad = ["", ".", "a.", ".a", "a..b", "a.>.b", ">.a", ">.>", "a*"];
  for (const pattern of [...bad, "*a", "a>", "a.b*", ">>", "**", "a b"]) {
    assert.throws(
      () => validatePattern(pattern),
      (error: unknown) =>
        error instanceof TypeError &&
        error.message.startsWith(`Cannot use pattern "${pattern}"`),
      pattern,
    );
  }
});

test("validatePattern() explains a > that is not last", () => {
  assert.throws(() => validatePattern("a.>.b"), /">" must be the last token/);
  assert.throws(() => validatePattern("a*"), /must be a whole token/);
});

test("validatePattern() accepts every generated pattern and every valid topic", () => {
  fc.assert(fc.property(patternArb, topicArb, (pattern, topic) => {
    validatePattern(pattern);
    validatePattern(topic);
  }));
});
