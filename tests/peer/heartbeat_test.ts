import assert from "node:assert/strict";
import { test, within } from "../_helpers/test.ts";
import { ConnectionError } from "../../src/errors.ts";
import { Heartbeat } from "../../src/peer/heartbeat.ts";
import { openPair, openRaw } from "./_peers.ts";

/** Calls `each` every `interval` ms until it returns true. */
function ticker(interval: number, each: (n: number) => boolean): Promise<void> {
  return new Promise((resolve) => {
    let n = 0;
    const clock = new Heartbeat({
      interval,
      timeout: 0,
      onIdle: () => {
        if (!each(++n)) return;
        clock.stop();
        resolve();
      },
      onSilent: () => {},
    });
    clock.start();
  });
}

// -- Heartbeat --

test("Heartbeat asks for a Ping after interval ms of send-idleness", async () => {
  const started = performance.now();
  let idle = 0;
  await within(
    new Promise<void>((resolve) => {
      const heartbeat = new Heartbeat({
        interval: 30,
        timeout: 0,
        onIdle: () => {
          if (++idle < 3) return;
          heartbeat.stop();
          resolve();
        },
        onSilent: () => assert.fail("no timeout was set"),
      });
      heartbeat.start();
    }),
    10_000,
    "3 idle calls",
  );
  assert.ok(performance.now() - started >= 85);
});

test("Heartbeat does not ask for a Ping while sending goes on", async () => {
  let idle = 0;
  const heartbeat = new Heartbeat({
    interval: 400,
    timeout: 0,
    onIdle: () => idle++,
    onSilent: () => {},
  });
  heartbeat.start();
  await within(
    ticker(10, (n) => {
      heartbeat.sent();
      return n >= 80;
    }),
    20_000,
    "80 sends",
  );
  heartbeat.stop();
  assert.equal(idle, 0);
});

test("Heartbeat declares silence once, after timeout ms without received()", async () => {
  const started = performance.now();
  let calls = 0;
  const silentFor = await within(
    new Promise<number>((resolve) => {
      const heartbeat = new Heartbeat({
        interval: 0,
        timeout: 60,
        onIdle: () => {},
        onSilent: (ms) => {
          calls++;
          heartbeat.stop();
          resolve(ms);
        },
      });
      heartbeat.start();
    }),
    10_000,
    "silence",
  );
  assert.ok(silentFor >= 60);
  assert.ok(performance.now() - started >= 59);
  assert.equal(calls, 1);
});

test("Heartbeat stays quiet while bytes keep arriving", async () => {
  let silent = false;
  const heartbeat = new Heartbeat({
    interval: 0,
    timeout: 400,
    onIdle: () => {},
    onSilent: () => silent = true,
  });
  heartbeat.start();
  await within(
    ticker(10, (n) => {
      heartbeat.received();
      return n >= 100;
    }),
    20_000,
    "100 receipts",
  );
  heartbeat.stop();
  assert.equal(silent, false);
});

test("Heartbeat.suspend() turns the silence check off until resume()", async () => {
  let silentAt = 0;
  const silence = new Promise<void>((resolve) => {
    const heartbeat = new Heartbeat({
      interval: 0,
      timeout: 40,
      onIdle: () => {},
      onSilent: () => {
        silentAt = performance.now();
        heartbeat.stop();
        resolve();
      },
    });
    heartbeat.start();
    heartbeat.suspend();
    void ticker(10, (n) => n >= 20).then(() => {
      assert.equal(silentAt, 0);
      resumedAt = performance.now();
      heartbeat.resume();
    });
  });
  let resumedAt = 0;
  await within(silence, 10_000, "silence after resume()");
  assert.ok(silentAt - resumedAt >= 39);
});

// -- Peer --

test("Peer closes with ConnectionError timeout when the other side falls silent", async () => {
  const { peer, rawConn } = await openRaw({ heartbeatTimeout: 200 });
  const started = performance.now();
  peer.start();
  const cause = await within(peer.closed, 10_000, "closed");
  assert.ok(cause instanceof ConnectionError);
  assert.equal(cause.code, "timeout");
  assert.match(cause.message, /nothing received for \d+ ms/);
  assert.ok(performance.now() - started >= 199);
  await rawConn.closed;
});

test("Peer heartbeats keep an idle connection alive", async () => {
  const options = { heartbeatInterval: 10, heartbeatTimeout: 300 };
  const { a, b, aConn } = await openPair(options, options);
  a.start();
  b.start();
  // Pings are all that flows: 100 of them span more than 3 timeouts.
  await within(aConn.writes(aConn.chunks.length + 100), 30_000, "100 pings");
  assert.equal(a.isClosed, false);
  assert.equal(b.isClosed, false);
  await a.close();
  assert.equal(await b.closed, undefined);
});

test("Peer.pause() keeps a silent peer from being declared dead", async () => {
  const { peer, rawConn } = await openRaw({
    heartbeatTimeout: 50,
    heartbeatInterval: 10,
  });
  peer.start();
  peer.pause();
  await within(ticker(10, (n) => n >= 20), 10_000, "200 ms");
  assert.equal(peer.isClosed, false);
  peer.resume();
  const cause = await within(peer.closed, 10_000, "closed after resume()");
  assert.ok(cause instanceof ConnectionError && cause.code === "timeout");
  await rawConn.closed;
});
