/**
 * Model-based test of subscriptions: any sequence of subscribe, unsubscribe
 * and publish delivers exactly what a multiset of patterns says it should.
 *
 * @module
 */

import assert from "node:assert/strict";
import { PubSocket } from "../../src/socket/pub_socket.ts";
import { SubSocket } from "../../src/socket/sub_socket.ts";
import { textCodec } from "../../src/codec/text_codec.ts";
import { matchTopic } from "../../src/topic/match_topic.ts";
import { inproc } from "../../src/transport/inproc_transport.ts";
import { fc } from "../_helpers/fc.ts";
import { test, within } from "../_helpers/test.ts";

interface Model {
  patterns: string[];
}

interface Real {
  pub: PubSocket<string>;
  sub: SubSocket<string>;
  next(): Promise<{ topic: string; payload: string }>;
}

const MARKER = "marker";

class Subscribe implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pattern: string) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    model.patterns.push(this.pattern);
    await within(real.sub.subscribe(this.pattern), 5000, "subscribe");
  }
  toString(): string {
    return `subscribe(${this.pattern})`;
  }
}

class Unsubscribe implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pattern: string) {}
  check(model: Readonly<Model>): boolean {
    return model.patterns.includes(this.pattern);
  }
  async run(model: Model, real: Real): Promise<void> {
    model.patterns.splice(model.patterns.indexOf(this.pattern), 1);
    await within(real.sub.unsubscribe(this.pattern), 5000, "unsubscribe");
  }
  toString(): string {
    return `unsubscribe(${this.pattern})`;
  }
}

class Publish implements fc.AsyncCommand<Model, Real> {
  constructor(readonly topic: string) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    // Act: publish the topic, then a marker that is always subscribed.
    await real.pub.publish(this.topic, "probe");
    await real.pub.publish(MARKER, "marker");
    // Assert: the probe arrives before the marker exactly when a pattern matches.
    const expected = model.patterns.some((p) => matchTopic(p, this.topic));
    const first = await within(real.next(), 5000, "a message");
    if (expected) {
      assert.equal(first.topic, this.topic);
      assert.equal(
        (await within(real.next(), 5000, "the marker")).topic,
        MARKER,
      );
    } else {
      assert.equal(
        first.topic,
        MARKER,
        `unexpected delivery of ${first.topic}`,
      );
    }
  }
  toString(): string {
    return `publish(${this.topic})`;
  }
}

const token = fc.constantFrom("a", "b");
const topicArb = fc.array(token, { minLength: 1, maxLength: 3 }).map((t) =>
  t.join(".")
);
const patternArb = fc.tuple(
  fc.array(fc.constantFrom("a", "b", "*"), { minLength: 0, maxLength: 2 }),
  fc.constantFrom("a", "b", "*", ">"),
).map(([head, last]) => [...head, last].join("."));

test(
  "SubSocket delivers exactly what its subscriptions match, for any sequence of changes",
  async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.commands([
          patternArb.map((p) => new Subscribe(p)),
          patternArb.map((p) => new Unsubscribe(p)),
          topicArb.map((t) => new Publish(t)),
        ], { maxCommands: 25 }),
        async (commands) => {
          const transports = [inproc()];
          const endpoint = `inproc://sub-model-${run++}`;
          const pub = new PubSocket({ transports, codec: textCodec });
          const sub = new SubSocket({ transports, codec: textCodec });
          try {
            await pub.bind(endpoint);
            await sub.connect(endpoint);
            await sub.subscribe(MARKER);
            const iterator = sub[Symbol.asyncIterator]();
            const next = async () => {
              const { value, done } = await iterator.next();
              assert.ok(!done && value !== undefined);
              return value;
            };
            await fc.asyncModelRun(
              () => ({ model: { patterns: [] }, real: { pub, sub, next } }),
              commands,
            );
          } finally {
            await sub.close();
            await pub.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  },
  { timeout: 120_000 },
);
