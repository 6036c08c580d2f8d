/**
 * Graceful close: `linger` flushes what is queued, `linger: 0` drops it
 * (and counts it), nothing waits forever, no timer stays behind.
 *
 * @module
 */

import assert from "node:assert/strict";
import process from "node:process";
import { SocketClosedError } from "../../src/errors.ts";
import { simulate } from "../../src/sim/simulate.ts";
import { PubSocket } from "../../src/socket/pub_socket.ts";
import { RepSocket } from "../../src/socket/rep_socket.ts";
import { ReqSocket } from "../../src/socket/req_socket.ts";
import { SubSocket } from "../../src/socket/sub_socket.ts";
import { inproc } from "../../src/transport/inproc_transport.ts";
import { test, within } from "../_helpers/test.ts";
import { SETUPS } from "../socket/_setups.ts";
import { measured, nextEvent, take } from "./_events.ts";

const PAYLOAD = new Uint8Array(100).fill(7);

// -- linger --

for (const setup of SETUPS) {
  test(
    `[${setup.label}] PubSocket.close() right after publishing 5000 messages delivers all of them`,
    async () => {
      const count = 5000;
      const transports = await setup.transports();
      await using pub = new PubSocket({ transports, hwm: count });
      const endpoint = await pub.bind(setup.endpoint());
      await using sub = new SubSocket({ transports, hwm: count });
      await sub.connect(endpoint);
      await sub.subscribe("close.>");
      const messages = sub[Symbol.asyncIterator]();
      for (let i = 0; i < count; i++) await pub.publish("close.x", PAYLOAD);
      await pub.close();
      const got = await take(messages, count, 20_000);
      assert.equal(got.length, count);
      assert.deepEqual(got.map((m) => m.seq), got.map((_, i) => i + 1));
      assert.equal(pub.stats.unsent, 0);
      assert.equal(pub.stats.dropped, 0);
    },
  );
}

test(
  "[tcp] PubSocket.close() flushes to a subscriber that starts reading only after close() began",
  async () => {
    const count = 3000;
    const transports = await SETUPS[1]!.transports();
    await using pub = new PubSocket({ transports, hwm: count, linger: 20_000 });
    const endpoint = await pub.bind("tcp://127.0.0.1:0");
    // A small queue: the subscriber stops reading its connection at 10.
    await using sub = new SubSocket({ transports, hwm: 10 });
    await sub.connect(endpoint);
    await sub.subscribe("close.>");
    for (let i = 0; i < count; i++) await pub.publish("close.x", PAYLOAD);
    const closing = pub.close();
    const got = await take(sub[Symbol.asyncIterator](), count, 20_000);
    await within(closing, 20_000, "close()");
    assert.equal(got.length, count);
    assert.equal(pub.stats.unsent, 0);
  },
);

/** A link slow enough that most of 500 KiB is still queued when close() runs. */
function slowLink() {
  return simulate(inproc({ isolated: true }), {
    bandwidth: 200_000,
    window: 16 * 1024,
    seed: 3,
  });
}

test(
  "PubSocket with linger: 0 drops what is queued at close() and counts it in stats.unsent",
  async () => {
    const count = 500;
    const payload = new Uint8Array(1024);
    const sim = slowLink();
    await using pub = new PubSocket({
      transports: [sim],
      hwm: count,
      linger: 0,
    });
    const endpoint = await pub.bind("inproc://close-linger-0");
    await using sub = new SubSocket({ transports: [sim], hwm: count });
    await sub.connect(endpoint);
    await sub.subscribe("close.>");
    for (let i = 0; i < count; i++) await pub.publish("close.x", payload);
    const gone = nextEvent(sub, "disconnect");
    const started = performance.now();
    await pub.close();
    measured("close() with linger 0", performance.now() - started);
    await within(gone, 10_000, "the subscriber to see the end");
    const { received } = sub.stats;
    const { unsent } = pub.stats;
    measured("linger 0: received", received, "messages");
    measured("linger 0: unsent", unsent, "frames");
    assert.ok(received < count, `received ${received}`);
    assert.ok(unsent > 0);
    // Each message was received or counted as unsent, except those the
    // (simulated) network had taken and not delivered: at most its 16 KiB
    // window, 16 messages of 1 KiB. A frame whose write was under way
    // counts as unsent even if part of it went out.
    assert.ok(received + unsent >= count - 16, `${received} + ${unsent}`);
  },
);

test(
  "PubSocket.close() returns once linger ran out when the subscriber cannot keep up",
  async () => {
    const count = 500;
    const linger = 300;
    const payload = new Uint8Array(1024);
    const sim = slowLink();
    await using pub = new PubSocket({ transports: [sim], hwm: count, linger });
    const endpoint = await pub.bind("inproc://close-linger-expires");
    await using sub = new SubSocket({ transports: [sim], hwm: count });
    await sub.connect(endpoint);
    await sub.subscribe("close.>");
    for (let i = 0; i < count; i++) await pub.publish("close.x", payload);
    const started = performance.now();
    await within(pub.close(), linger + 5_000, "close()");
    const took = performance.now() - started;
    measured(`close() with linger ${linger} ms and a slow link`, took);
    assert.ok(took >= linger - 50, `close() took ${took} ms`);
    assert.ok(pub.stats.unsent > 0);
  },
);

// -- what waits on a closing socket --

/** Timers alive now, where the runtime can tell (Deno's sanitizer checks them anyway). */
function timers(): number | undefined {
  const info = (process as { getActiveResourcesInfo?: () => string[] })
    .getActiveResourcesInfo?.();
  return info?.filter((kind) => kind === "Timeout").length;
}

test(
  "ReqSocket.close() rejects requests in flight, waiting for a connection or for room with SocketClosedError and leaves no timer",
  async () => {
    const before = timers();
    const rep = new RepSocket();
    const endpoint = await rep.bind("inproc://close-req");
    const req = new ReqSocket({ maxPending: 2 });
    await req.connect(endpoint);
    const unanswered = rep[Symbol.asyncIterator]();
    const inFlight = req.request(new Uint8Array([1]));
    await within(unanswered.next(), 5_000, "the request");
    const nobody = req.connect("inproc://close-req-nobody");
    const waitingForRoom = [
      req.request(new Uint8Array([2])),
      req.request(new Uint8Array([3])),
    ];
    // Handled before close() rejects them (Node reports a rejection that
    // waits a turn unhandled).
    const outcomes = [inFlight, nobody, ...waitingForRoom].map((pending) =>
      pending.then(() => undefined, (error: unknown) => error)
    );
    await req.close();
    for (const outcome of await Promise.all(outcomes)) {
      assert.ok(outcome instanceof SocketClosedError, String(outcome));
    }
    await assert.rejects(req.request(new Uint8Array([4])), SocketClosedError);
    await rep.close();
    assert.equal((await unanswered.next()).done, true);
    assert.equal(req.stats.state, "closed");
    assert.equal(timers(), before);
  },
);

test(
  "SubSocket.close() ends a pending iteration with done and rejects later calls",
  async () => {
    const before = timers();
    const pub = new PubSocket();
    const endpoint = await pub.bind("inproc://close-sub");
    const sub = new SubSocket();
    await sub.connect(endpoint);
    await sub.subscribe("a");
    const next = sub[Symbol.asyncIterator]().next();
    await sub.close();
    assert.equal((await within(next, 5_000, "the iteration")).done, true);
    await assert.rejects(sub.subscribe("b"), SocketClosedError);
    await pub.close();
    await assert.rejects(pub.publish("a", PAYLOAD), SocketClosedError);
    assert.equal(timers(), before);
  },
);
