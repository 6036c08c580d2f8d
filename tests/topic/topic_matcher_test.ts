import assert from "node:assert/strict";
import { TopicMatcher } from "../../src/topic/topic_matcher.ts";
import { fc } from "../_helpers/fc.ts";
import { test } from "../_helpers/test.ts";
import {
  NATS_CASES,
  patternArb,
  referenceMatch,
  topicArb,
} from "./_reference.ts";

// -- matches() --

test("TopicMatcher.matches() follows NATS semantics with one pattern", () => {
  for (const [pattern, topic, expected] of NATS_CASES) {
    const matcher = new TopicMatcher();
    matcher.add(pattern);
    assert.equal(matcher.matches(topic), expected, `${pattern} ~ ${topic}`);
  }
});

test("TopicMatcher.matches() backtracks from a literal branch to *", () => {
  const matcher = new TopicMatcher();
  matcher.add("foo.bar.baz");
  matcher.add("foo.*.qux");
  assert.equal(matcher.matches("foo.bar.qux"), true);
  assert.equal(matcher.matches("foo.bar.baz"), true);
  assert.equal(matcher.matches("foo.zip.qux"), true);
  assert.equal(matcher.matches("foo.bar.zip"), false);
});

test("TopicMatcher.matches() backtracks from a literal branch to a shorter >", () => {
  const matcher = new TopicMatcher();
  matcher.add("a.b.c.d");
  matcher.add("a.>");
  matcher.add("x.*.y.>");
  assert.equal(matcher.matches("a.b.c.e"), true);
  assert.equal(matcher.matches("x.q.y.z.w"), true);
  assert.equal(matcher.matches("x.q.y"), false);
});

test("TopicMatcher.matches() is false for an empty matcher and for invalid topics", () => {
  const matcher = new TopicMatcher();
  assert.equal(matcher.matches("a"), false);
  matcher.add(">");
  matcher.add("a.*");
  for (const topic of ["", "a..b", "a.*", ">", "a.>", "a b", "."]) {
    assert.equal(matcher.matches(topic), false, topic);
  }
  assert.equal(matcher.matches("a.b"), true);
});

test("TopicMatcher.matches() sees every change after a cached answer", () => {
  const matcher = new TopicMatcher();
  assert.equal(matcher.matches("a.b"), false);
  matcher.add("a.*");
  assert.equal(matcher.matches("a.b"), true);
  matcher.add("a.b");
  matcher.remove("a.*");
  assert.equal(matcher.matches("a.b"), true);
  matcher.remove("a.b");
  assert.equal(matcher.matches("a.b"), false);
});

test("TopicMatcher.matches() handles topics and patterns of 20000 tokens", () => {
  const deep = Array.from({ length: 20_000 }, () => "t").join(".");
  const matcher = new TopicMatcher();
  matcher.add(`${deep}.>`);
  matcher.add(`*.${deep}`);
  assert.equal(matcher.matches(`${deep}.t.t`), true);
  assert.equal(matcher.matches(`x.${deep}`), true);
  assert.equal(matcher.matches(deep), false);
});

// -- add(), remove(), count(), size, patterns() --

test("TopicMatcher.add() and remove() count references", () => {
  const matcher = new TopicMatcher();
  assert.equal(matcher.add("a.>"), true);
  assert.equal(matcher.add("a.>"), false);
  assert.equal(matcher.count("a.>"), 2);
  assert.equal(matcher.size, 1);
  assert.equal(matcher.remove("a.>"), false);
  assert.equal(matcher.matches("a.b"), true);
  assert.equal(matcher.remove("a.>"), true);
  assert.equal(matcher.matches("a.b"), false);
  assert.equal(matcher.count("a.>"), 0);
  assert.equal(matcher.size, 0);
});

test("TopicMatcher.remove() of an absent pattern returns false and changes nothing", () => {
  const matcher = new TopicMatcher();
  matcher.add("a.*.c");
  assert.equal(matcher.remove("a.b.c"), false);
  assert.equal(matcher.remove("a.*"), false);
  assert.equal(matcher.remove("a.*.c.>"), false);
  assert.equal(matcher.matches("a.b.c"), true);
  assert.deepEqual(matcher.patterns(), ["a.*.c"]);
});

test("TopicMatcher.add() and remove() throw TypeError for invalid patterns and change nothing", () => {
  const matcher = new TopicMatcher();
  assert.throws(() => matcher.add("a.>.b"), /Cannot use pattern "a\.>\.b"/);
  assert.throws(() => matcher.add("a*"), TypeError);
  assert.throws(() => matcher.remove("a..b"), TypeError);
  assert.equal(matcher.size, 0);
});

test("TopicMatcher.patterns() lists distinct patterns in first-added order", () => {
  const matcher = new TopicMatcher();
  for (const pattern of ["b", "a.>", "b", "*"]) matcher.add(pattern);
  assert.deepEqual(matcher.patterns(), ["b", "a.>", "*"]);
  matcher.remove("a.>");
  assert.deepEqual(matcher.patterns(), ["b", "*"]);
});

// -- properties --

test("TopicMatcher.matches() agrees with the reference over any set of patterns", () => {
  fc.assert(
    fc.property(
      fc.array(patternArb, { maxLength: 8 }),
      fc.array(topicArb, { minLength: 1, maxLength: 10 }),
      (patterns, topics) => {
        // Arrange
        const matcher = new TopicMatcher();
        for (const pattern of patterns) matcher.add(pattern);
        for (const topic of topics) {
          // Act
          const actual = matcher.matches(topic);
          // Assert
          const expected = patterns.some((p) => referenceMatch(p, topic));
          assert.equal(actual, expected, topic);
        }
      },
    ),
    { numRuns: 1000 },
  );
});

/** The model: a multiset of patterns. */
type Model = Map<string, number>;

class AddCommand implements fc.Command<Model, TopicMatcher> {
  constructor(readonly pattern: string) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: TopicMatcher): void {
    const before = model.get(this.pattern) ?? 0;
    model.set(this.pattern, before + 1);
    assert.equal(real.add(this.pattern), before === 0);
    assert.equal(real.count(this.pattern), before + 1);
    assert.equal(real.size, model.size);
  }
  toString(): string {
    return `add(${this.pattern})`;
  }
}

class RemoveCommand implements fc.Command<Model, TopicMatcher> {
  constructor(readonly pattern: string) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: TopicMatcher): void {
    const before = model.get(this.pattern) ?? 0;
    if (before > 1) model.set(this.pattern, before - 1);
    else model.delete(this.pattern);
    assert.equal(real.remove(this.pattern), before === 1);
    assert.equal(real.count(this.pattern), Math.max(0, before - 1));
    assert.deepEqual(new Set(real.patterns()), new Set(model.keys()));
  }
  toString(): string {
    return `remove(${this.pattern})`;
  }
}

class MatchCommand implements fc.Command<Model, TopicMatcher> {
  constructor(readonly topic: string) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: TopicMatcher): void {
    const expected = [...model.keys()].some((p) =>
      referenceMatch(p, this.topic)
    );
    assert.equal(real.matches(this.topic), expected, this.topic);
  }
  toString(): string {
    return `matches(${this.topic})`;
  }
}

/** A few overlapping patterns, so that removes hit and reference counts climb. */
const POOL = [
  "a",
  "a.b",
  "a.*",
  "*.b",
  "a.>",
  ">",
  "*",
  "a.b.c",
  "a.*.c",
  "*.>",
];
const poolPatternArb = fc.oneof(
  { arbitrary: fc.constantFrom(...POOL), weight: 4 },
  { arbitrary: patternArb, weight: 1 },
);

test("TopicMatcher stays equal to a multiset model under any add/remove sequence", () => {
  // Arrange
  const commands = fc.commands([
    poolPatternArb.map((p) => new AddCommand(p)),
    poolPatternArb.map((p) => new RemoveCommand(p)),
    topicArb.map((t) => new MatchCommand(t)),
  ], { maxCommands: 80 });
  fc.assert(
    fc.property(
      commands,
      fc.array(topicArb, { maxLength: 20 }),
      (cmds, topics) => {
        const model: Model = new Map();
        const real = new TopicMatcher();
        // Act
        fc.modelRun(() => ({ model, real }), cmds);
        // Assert
        for (const topic of topics) new MatchCommand(topic).run(model, real);
      },
    ),
    { numRuns: 500 },
  );
});

test("TopicMatcher agrees with the reference when nodes have many children, through adds and removes", () => {
  // Arrange: twelve tokens, so that nodes pass the scan limit and get indexed.
  const token = fc.constantFrom(
    ...Array.from({ length: 12 }, (_, i) => `t${i}`),
  );
  const wide = fc
    .tuple(
      fc.array(
        fc.oneof({ arbitrary: token, weight: 8 }, {
          arbitrary: fc.constant("*"),
          weight: 1,
        }),
        { minLength: 1, maxLength: 3 },
      ),
      fc.nat(4).map((n) => n === 0),
    )
    .map(([tokens, rest]) => (rest ? [...tokens, ">"] : tokens).join("."));
  const topic = fc.array(token, { minLength: 1, maxLength: 4 }).map((t) =>
    t.join(".")
  );
  fc.assert(
    fc.property(
      fc.array(wide, { minLength: 10, maxLength: 60 }),
      fc.array(fc.nat(), { maxLength: 40 }),
      fc.array(topic, { minLength: 1, maxLength: 20 }),
      (patterns, removals, topics) => {
        const matcher = new TopicMatcher();
        const model: string[] = [...patterns];
        for (const pattern of patterns) matcher.add(pattern);
        // Act
        for (const pick of removals) {
          if (model.length === 0) break;
          const [pattern] = model.splice(pick % model.length, 1);
          matcher.remove(pattern!);
        }
        // Assert
        for (const t of topics) {
          assert.equal(
            matcher.matches(t),
            model.some((p) => referenceMatch(p, t)),
            t,
          );
        }
      },
    ),
    { numRuns: 300 },
  );
});
