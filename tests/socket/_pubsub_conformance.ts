/**
 * Publish/subscribe behaviour every transport must give the same way.
 *
 * @module
 */

import assert from "node:assert/strict";
import { PubSocket } from "../../src/socket/pub_socket.ts";
import { type Message, SubSocket } from "../../src/socket/sub_socket.ts";
import { textCodec } from "../../src/codec/text_codec.ts";
import { matchTopic } from "../../src/topic/match_topic.ts";
import { test, within } from "../_helpers/test.ts";
import type { SocketSetup } from "./_setups.ts";

/** Reads exactly `count` messages from `sub`. */
export async function take<T>(
  sub: SubSocket<T>,
  count: number,
  ms = 20_000,
): Promise<Message<T>[]> {
  const iterator = sub[Symbol.asyncIterator]();
  const got: Message<T>[] = [];
  const read = async () => {
    while (got.length < count) {
      const { value, done } = await iterator.next();
      if (done) break;
      got.push(value);
    }
  };
  await within(read(), ms, `${count} messages (got ${got.length})`);
  return got;
}

/** Declares the publish/subscribe suite for one transport. */
export function pubSubConformance(setup: SocketSetup): void {
  const name = (what: string) => `[${setup.label}] ${what}`;

  test(
    name(
      "SubSocket receives the first message published after subscribe() resolved",
    ),
    async () => {
      const transports = await setup.transports();
      for (let round = 0; round < 20; round++) {
        await using pub = new PubSocket({ transports, codec: textCodec });
        const endpoint = await pub.bind(setup.endpoint());
        await using sub = new SubSocket({ transports, codec: textCodec });
        await sub.connect(endpoint);
        await sub.subscribe("first");
        await pub.publish("first", `round ${round}`);
        const [message] = await take(sub, 1, 5000);
        assert.equal(message!.payload, `round ${round}`);
        assert.equal(message!.seq, 1);
      }
    },
  );

  test(
    name(
      "PubSocket delivers payloads of every size to 1 MiB intact, to each of 3 subscribers",
    ),
    async () => {
      const transports = await setup.transports();
      await using pub = new PubSocket({ transports, policy: "block" });
      const endpoint = await pub.bind(setup.endpoint());
      const subs = [0, 1, 2].map(() => new SubSocket({ transports }));
      try {
        for (const sub of subs) {
          await sub.connect(endpoint);
          await sub.subscribe("size");
        }
        // Around the slab size, the by-reference threshold (16 KiB) and
        // the read slab sizes, and well past them.
        const sizes = [
          0,
          1,
          16383,
          16384,
          65515,
          65536,
          65537,
          262144,
          1 << 20,
        ];
        const payloads = sizes.map((size, i) =>
          Uint8Array.from({ length: size }, (_, j) => (j * 31 + i) & 0xff)
        );
        for (const payload of payloads) await pub.publish("size", payload);
        for (const sub of subs) {
          const got = await take(sub, payloads.length);
          got.forEach((message, i) =>
            assert.deepEqual(message.payload, payloads[i], `size ${sizes[i]}`)
          );
        }
      } finally {
        await Promise.all(subs.map((sub) => sub.close()));
      }
    },
  );

  test(
    name(
      "PubSocket sends what a large payload held at publish(), though the caller reuses the array",
    ),
    async () => {
      const transports = await setup.transports();
      await using pub = new PubSocket({ transports, policy: "block" });
      const endpoint = await pub.bind(setup.endpoint());
      await using sub = new SubSocket({ transports });
      await sub.connect(endpoint);
      await sub.subscribe("reuse");
      const buffer = new Uint8Array(64 * 1024);
      for (let round = 1; round <= 5; round++) {
        buffer.fill(round);
        await pub.publish("reuse", buffer);
      }
      buffer.fill(0);
      const got = await take(sub, 5);
      got.forEach((message, i) =>
        assert.ok(
          message.payload.every((byte) => byte === i + 1),
          `message ${i + 1} changed`,
        )
      );
    },
  );

  test(
    name(
      "PubSocket fans out to 10 subscribers, each getting exactly its matches in order",
    ),
    async () => {
      const transports = await setup.transports();
      await using pub = new PubSocket({
        transports,
        codec: textCodec,
        policy: "block",
      });
      const endpoint = await pub.bind(setup.endpoint());
      const patterns = [
        "a.>",
        "a.*",
        "a.b",
        "*.b",
        ">",
        "b.*",
        "a.*.c",
        "c",
        "a.b.c",
        "*.*.*",
      ];
      const subs = patterns.map(() =>
        new SubSocket({ transports, codec: textCodec, hwm: 10_000 })
      );
      for (const [i, sub] of subs.entries()) {
        await sub.connect(endpoint);
        await sub.subscribe(patterns[i]!);
      }
      const topics = [
        "a.b",
        "a.c",
        "b.b",
        "a.b.c",
        "c",
        "a.x.c",
        "b.a",
        "d.e.f",
      ];
      const sent: string[] = [];
      for (let i = 0; i < 1000; i++) {
        const topic = topics[i % topics.length]!;
        sent.push(topic);
        await pub.publish(topic, `${i}`);
      }
      for (const [i, sub] of subs.entries()) {
        const expected = sent.map((t, n) => [t, `${n}`]).filter(([t]) =>
          matchTopic(patterns[i]!, t!)
        );
        const got = await take(sub, expected.length);
        assert.deepEqual(
          got.map((m) => [m.topic, m.payload]),
          expected,
          `subscriber ${patterns[i]}`,
        );
        assert.deepEqual(got.map((m) => m.seq), expected.map((_, n) => n + 1));
      }
      await Promise.all(subs.map((sub) => sub.close()));
    },
    { timeout: 60_000 },
  );

  test(name("SubSocket fans in from 5 publishers"), async () => {
    const transports = await setup.transports();
    const pubs = Array.from(
      { length: 5 },
      () => new PubSocket({ transports, codec: textCodec }),
    );
    await using sub = new SubSocket({ transports, codec: textCodec });
    const endpoints: string[] = [];
    for (const pub of pubs) {
      const endpoint = await pub.bind(setup.endpoint());
      endpoints.push(endpoint);
      await sub.connect(endpoint);
    }
    await sub.subscribe("news.>");
    for (const [i, pub] of pubs.entries()) {
      for (let n = 0; n < 100; n++) await pub.publish(`news.${i}`, `${i}:${n}`);
    }
    const got = await take(sub, 500);
    for (const [i, endpoint] of endpoints.entries()) {
      const mine = got.filter((m) => m.topic === `news.${i}`);
      assert.deepEqual(
        mine.map((m) => m.payload),
        Array.from({ length: 100 }, (_, n) => `${i}:${n}`),
      );
      assert.ok(mine.every((m) => m.endpoint === endpoint));
    }
    await Promise.all(pubs.map((pub) => pub.close()));
  });

  test(
    name("SubSocket.unsubscribe() stops delivery once it resolves"),
    async () => {
      const transports = await setup.transports();
      await using pub = new PubSocket({ transports, codec: textCodec });
      const endpoint = await pub.bind(setup.endpoint());
      await using sub = new SubSocket({ transports, codec: textCodec });
      await sub.connect(endpoint);
      await sub.subscribe("x");
      await sub.subscribe("y");
      await sub.unsubscribe("x");
      await pub.publish("x", "gone");
      await pub.publish("y", "kept");
      const [message] = await take(sub, 1);
      assert.equal(message!.payload, "kept");
      assert.deepEqual(pub.stats.subscribers[0]!.patterns, ["y"]);
    },
  );

  test(
    name(
      "PubSocket with policy drop counts every message a stalled subscriber misses",
    ),
    async () => {
      const transports = await setup.transports();
      await using pub = new PubSocket({ transports, hwm: 16 });
      const endpoint = await pub.bind(setup.endpoint());
      await using sub = new SubSocket({ transports, hwm: 16 });
      await sub.connect(endpoint);
      await sub.subscribe("t");
      let dropEvents = 0;
      pub.addEventListener("drop", () => dropEvents++);
      const published = 20_000;
      const payload = new Uint8Array(1024);
      for (let i = 0; i < published; i++) await pub.publish("t", payload);
      const s = pub.stats.subscribers[0]!;
      assert.equal(s.delivered + s.dropped, published);
      assert.ok(
        s.dropped > 0,
        "a subscriber that does not read must lose messages",
      );
      assert.equal(dropEvents, s.dropped);
      const got = await take(sub, s.delivered);
      assert.equal(got.length, s.delivered);
      assert.equal(sub.stats.gaps, s.dropped - (published - got.at(-1)!.seq));
    },
    { timeout: 60_000 },
  );

  test(
    name("PubSocket with policy block loses nothing to a slow subscriber"),
    async () => {
      const transports = await setup.transports();
      await using pub = new PubSocket({
        transports,
        hwm: 8,
        policy: "block",
        codec: textCodec,
      });
      const endpoint = await pub.bind(setup.endpoint());
      await using sub = new SubSocket({ transports, hwm: 8, codec: textCodec });
      await sub.connect(endpoint);
      await sub.subscribe("t");
      const count = 5000;
      const publishing = (async () => {
        for (let i = 0; i < count; i++) await pub.publish("t", String(i));
      })();
      const got = await take(sub, count, 60_000);
      await publishing;
      assert.deepEqual(
        got.map((m) => m.payload),
        Array.from({ length: count }, (_, i) => String(i)),
      );
      assert.equal(pub.stats.dropped, 0);
    },
    { timeout: 90_000 },
  );

  test(
    name(
      "PubSocket.close() in the middle of traffic ends the subscriber's stream of that publisher",
    ),
    async () => {
      const transports = await setup.transports();
      const pub = new PubSocket({ transports });
      const endpoint = await pub.bind(setup.endpoint());
      await using sub = new SubSocket({
        transports,
        reconnect: { initial: 10_000 },
      });
      await sub.connect(endpoint);
      await sub.subscribe(">");
      const gone = new Promise<void>((resolve) =>
        sub.addEventListener("disconnect", () => resolve(), { once: true })
      );
      const traffic = (async () => {
        for (let i = 0; pub.stats.state === "open"; i++) {
          await pub.publish(
            "x",
            new Uint8Array(64),
          ).catch(() => {});
        }
      })();
      await take(sub, 10);
      // Keep reading: like a TCP FIN, the end of a publisher is seen after
      // the messages queued before it.
      const draining = (async () => {
        for await (const _ of sub) { /* drain */ }
      })();
      await pub.close();
      await traffic;
      await within(gone, 10_000, "the disconnect");
      assert.equal(sub.stats.peers, 0);
      await sub.close();
      await draining;
    },
  );
}
