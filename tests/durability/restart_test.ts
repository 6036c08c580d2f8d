/**
 * A server process is killed (SIGKILL) and started again on the same port:
 * the clients resume by themselves, and what was lost is what the stats say.
 *
 * The servers run in a child process of the same runtime as the tests
 * (`deno run`, `bun`, or `node` on the compiled copy).
 *
 * @module
 */

import assert from "node:assert/strict";
import { ConnectionError, PeerLostError } from "../../src/errors.ts";
import { ReqSocket } from "../../src/socket/req_socket.ts";
import { type Message, SubSocket } from "../../src/socket/sub_socket.ts";
import { test, within } from "../_helpers/test.ts";
import { startServer } from "./_child.ts";
import { measured, nextEvent, take } from "./_events.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** The clients' reconnection schedule: the cap is what "within the cap" means. */
const RECONNECT = { initial: 50, max: 500 };
/** Slack on top of the cap for a dial and a handshake on a loaded machine. */
const TOLERANCE = 5_000;

function text(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

// -- ReqSocket --

test(
  "ReqSocket fails requests in flight with PeerLostError when the server process dies, and resumes once it is back on the same port",
  async () => {
    const first = await startServer("rep-hold", "tcp://127.0.0.1:0");
    const endpoint = first.endpoint;
    await using req = new ReqSocket({ reconnect: RECONNECT, timeout: 30_000 });
    await req.connect(endpoint);
    assert.equal(text(await req.request(encoder.encode("ping"))), "ping");

    // Three requests the server holds, in flight when it dies.
    const held = [1, 2, 3].map((i) =>
      req.request(encoder.encode(`hold-${i}`)).then(
        () => assert.fail("a held request got a reply"),
        (error: unknown) => ({ error, at: performance.now() }),
      )
    );
    for (let i = 0; i < 3; i++) {
      await first.next((l) => "held" in l, 10_000, "a held request");
    }
    const disconnected = nextEvent(req, "disconnect");
    const killedAt = performance.now();
    await first.kill();
    const lost = await within(Promise.all(held), 10_000, "the held requests");
    for (const { error } of lost) assert.ok(error instanceof PeerLostError);
    const failFast = Math.max(...lost.map((l) => l.at)) - killedAt;
    measured("held requests failed after the kill", failFast);
    const gone = await within(disconnected, 10_000, "disconnect");
    assert.ok(gone.detail.cause instanceof ConnectionError);
    assert.notEqual(req.connections()[0]?.state, "connected");

    // While the server is down: one request times out, one waits.
    await assert.rejects(
      req.request(encoder.encode("too-late"), { timeout: 100 }),
      { name: "TimeoutError" },
    );
    const waiting = req.request(encoder.encode("while-down"));
    const reconnected = nextEvent(req, "reconnect");
    await using second = await startServer("rep", endpoint);
    const readyAt = performance.now();
    const back = await within(
      reconnected,
      RECONNECT.max + TOLERANCE,
      "reconnect",
    );
    measured("reconnect after the Rep restarted", back.at - readyAt);
    measured("Rep downtime seen by the Req", back.detail.downtime ?? NaN);
    assert.ok(back.detail.cause instanceof ConnectionError);
    assert.ok((back.detail.attempts ?? 0) >= 1);
    assert.equal(
      text(await within(waiting, 10_000, "the waiting request")),
      "while-down",
    );

    const stats = req.stats;
    assert.equal(stats.peerLost, lost.length);
    assert.equal(stats.timeouts, 1);
    assert.equal(stats.replies, 2);
    assert.equal(stats.retried, 0);
    assert.equal(stats.pending, 0);
    assert.equal(stats.reconnects, 1);
    const [info] = req.connections();
    assert.equal(info?.state, "connected");
    assert.equal(info?.reconnects, 1);
    assert.equal(info?.peerId, back.detail.peerId);
    assert.ok(info?.lastError instanceof ConnectionError);
    await second.kill();
  },
  { timeout: 60_000 },
);

test(
  "ReqSocket with retry: true sends a request in flight again on the restarted server",
  async () => {
    const first = await startServer("rep-hold", "tcp://127.0.0.1:0");
    const endpoint = first.endpoint;
    await using req = new ReqSocket({
      reconnect: RECONNECT,
      timeout: 30_000,
      retry: true,
    });
    await req.connect(endpoint);
    const reply = req.request(encoder.encode("hold-again"));
    await first.next((l) => "held" in l, 10_000, "the held request");
    const reconnected = nextEvent(req, "reconnect");
    await first.kill();
    await using second = await startServer("rep", endpoint);
    await within(reconnected, RECONNECT.max + TOLERANCE, "reconnect");
    assert.equal(text(await within(reply, 10_000, "the reply")), "hold-again");
    assert.equal(req.stats.retried, 1);
    assert.equal(req.stats.peerLost, 0);
    assert.equal(req.stats.requests, 2);
    await second.kill();
  },
  { timeout: 60_000 },
);

// -- SubSocket --

/** 150 patterns of three shapes; `topics[i]` matches `patterns[i]` only. */
const PATTERNS = Array.from(
  { length: 150 },
  (_, i) => [`t.${i}.*`, `t.${i}.>`, `t.${i}.x`][i % 3]!,
);
const TOPICS = PATTERNS.map((_, i) => `t.${i}.x`);

function topicsOf(messages: Message[]): string[] {
  return messages.map((m) => m.topic).sort();
}

test(
  "SubSocket gets all 150 subscriptions back after its publisher's process is killed and restarted on the same port",
  async () => {
    const first = await startServer("pub", "tcp://127.0.0.1:0");
    const endpoint = first.endpoint;
    await using sub = new SubSocket({ reconnect: RECONNECT, hwm: 1000 });
    await sub.connect(endpoint);
    await Promise.all(PATTERNS.map((p) => sub.subscribe(p)));
    const messages = sub[Symbol.asyncIterator]();

    first.send({ publish: TOPICS });
    const before = await take(messages, TOPICS.length, 10_000);
    assert.deepEqual(topicsOf(before), [...TOPICS].sort());
    assert.deepEqual(before.map((m) => m.seq), TOPICS.map((_, i) => i + 1));
    const sent = await first.next((l) => "published" in l, 10_000, "stats");
    assert.equal((sent.stats as { delivered: number }).delivered, 150);

    const reconnected = nextEvent(sub, "reconnect");
    await first.kill();
    await using second = await startServer("pub", endpoint);
    const readyAt = performance.now();
    const back = await within(
      reconnected,
      RECONNECT.max + TOLERANCE,
      "reconnect",
    );
    measured("reconnect after the Pub restarted", back.at - readyAt);
    // The replayed subscriptions went out before this one on the same
    // connection: once it is confirmed, the publisher has them all.
    await within(sub.subscribe("sync"), 10_000, "the sync subscription");
    second.send({ stats: true });
    const status = await second.next((l) => "stats" in l, 10_000, "stats");
    const pubStats = status.stats as {
      published: number;
      delivered: number;
      patterns: number[];
    };
    assert.deepEqual(pubStats.patterns, [151]);
    // Published before anyone could subscribe: counted, never delivered.
    assert.equal(pubStats.published, 10);
    assert.equal(pubStats.delivered, 0);

    second.send({ publish: TOPICS });
    const after = await take(messages, TOPICS.length, 10_000);
    assert.deepEqual(topicsOf(after), [...TOPICS].sort());
    // Each connection numbers its messages from 1: the reconnect, not a
    // sequence gap, is what marks the possible loss.
    assert.deepEqual(after.map((m) => m.seq), TOPICS.map((_, i) => i + 1));
    assert.ok(after.every((m) => m.peerId === back.detail.peerId));
    assert.ok(before.every((m) => m.peerId !== back.detail.peerId));
    const stats = sub.stats;
    assert.equal(stats.received, 300);
    assert.equal(stats.gaps, 0);
    assert.equal(stats.reconnects, 1);
    assert.equal(stats.subscriptions.length, 151);
    await second.kill();
  },
  { timeout: 60_000 },
);
