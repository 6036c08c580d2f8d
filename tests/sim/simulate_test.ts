import assert from "node:assert/strict";
import { simulate } from "../../src/sim/simulate.ts";
import { inproc } from "../../src/transport/inproc_transport.ts";
import { fc } from "../_helpers/fc.ts";
import { test, within } from "../_helpers/test.ts";
import { counting, join, readBytes, simPair } from "./_sim_pair.ts";

// -- latency and jitter --

test("simulate() delays each direction by at least its latency", async () => {
  await using pair = await simPair({
    toListener: { latency: 25 },
    toDialer: { latency: 40 },
  });
  const up = pair.client.writable.getWriter();
  const down = pair.server.writable.getWriter();
  const atServer = pair.server.readable.getReader();
  const atClient = pair.client.readable.getReader();

  let start = performance.now();
  await up.write(new Uint8Array([1]));
  assert.deepEqual(await readBytes(atServer, 1), new Uint8Array([1]));
  assert.ok(performance.now() - start >= 25, "toListener arrived early");

  start = performance.now();
  await down.write(new Uint8Array([2]));
  assert.deepEqual(await readBytes(atClient, 1), new Uint8Array([2]));
  assert.ok(performance.now() - start >= 40, "toDialer arrived early");
  for (const lock of [up, down, atServer, atClient]) lock.releaseLock();
});

test("simulate() never reorders bytes under jitter", async () => {
  await using pair = await simPair({ latency: 1, jitter: 15 });
  const writer = pair.client.writable.getWriter();
  const reader = pair.server.readable.getReader();
  const sent = counting(300 * 7);
  for (let i = 0; i < 300; i++) {
    void writer.write(sent.subarray(i * 7, i * 7 + 7));
  }
  assert.deepEqual(await readBytes(reader, sent.length), sent);
  writer.releaseLock();
  reader.releaseLock();
});

test("simulate() delivers exactly the written bytes in order for any chunks, latency and jitter", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), {
        minLength: 1,
        maxLength: 40,
      }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 6 }),
      fc.integer({ min: 64, max: 4096 }),
      fc.nat(),
      async (chunks, latency, jitter, window, seed) => {
        // Arrange
        await using pair = await simPair({ latency, jitter, window, seed });
        const writer = pair.client.writable.getWriter();
        const reader = pair.server.readable.getReader();
        const sent = join(chunks);
        // Act
        const writing = (async () => {
          for (const chunk of chunks) {
            await writer.ready;
            void writer.write(chunk);
          }
        })();
        const received = await readBytes(reader, sent.length);
        await writing;
        // Assert
        assert.deepEqual(received, sent);
        writer.releaseLock();
        reader.releaseLock();
      },
    ),
    { numRuns: 25 },
  );
});

// -- bandwidth and backpressure --

test("simulate() limits throughput to the bandwidth", async () => {
  const bandwidth = 100_000; // bytes per second
  await using pair = await simPair({ bandwidth });
  const writer = pair.client.writable.getWriter();
  const reader = pair.server.readable.getReader();
  const total = 40_000;
  const start = performance.now();
  const writing = (async () => {
    for (let i = 0; i < total / 1000; i++) {
      await writer.ready;
      void writer.write(counting(1000, i));
    }
  })();
  await readBytes(reader, total);
  await writing;
  const seconds = (performance.now() - start) / 1000;
  const expected = total / bandwidth;
  assert.ok(seconds >= expected * 0.95, `${seconds} s is faster than the link`);
  assert.ok(
    seconds <= expected * 2.5,
    `${seconds} s is far slower than the link`,
  );
  writer.releaseLock();
  reader.releaseLock();
});

test("simulate() counts delayed bytes against the writer's window", async () => {
  const window = 1024;
  const latency = 20;
  await using pair = await simPair({ latency, window });
  const writer = pair.client.writable.getWriter();
  const reader = pair.server.readable.getReader();
  const total = 8 * 1024;
  const reading = readBytes(reader, total);
  const start = performance.now();
  let worst = 0;
  for (let i = 0; i < total / 256; i++) {
    await writer.ready;
    void writer.write(counting(256, i));
    const stats = pair.sim.stats();
    worst = Math.max(worst, stats.written - stats.delivered);
  }
  await reading;
  // The stream's own queue holds a window too, so at most two windows wait.
  assert.ok(worst <= 2 * window + 256, `${worst} bytes in flight`);
  // Each window's worth waits one latency: at least total / (2 × window) of them.
  const floor = (total / (2 * window) - 1) * latency;
  assert.ok(performance.now() - start >= floor, "writes outran the window");
  writer.releaseLock();
  reader.releaseLock();
});

// -- update() and options --

test("SimulatedTransport.update() changes the latency of an open connection", async () => {
  await using pair = await simPair();
  const writer = pair.client.writable.getWriter();
  const reader = pair.server.readable.getReader();
  await writer.write(new Uint8Array([1]));
  await readBytes(reader, 1);
  pair.sim.update({ latency: 30 });
  const start = performance.now();
  await writer.write(new Uint8Array([2]));
  assert.deepEqual(await readBytes(reader, 1), new Uint8Array([2]));
  assert.ok(performance.now() - start >= 30);
  writer.releaseLock();
  reader.releaseLock();
});

test("SimulatedTransport.update() throws RangeError and keeps the old values", async () => {
  await using pair = await simPair({ latency: 0 });
  assert.throws(() => pair.sim.update({ latency: 5, loss: 2 }), RangeError);
  const writer = pair.client.writable.getWriter();
  const reader = pair.server.readable.getReader();
  await writer.write(new Uint8Array([9]));
  assert.deepEqual(
    await within(readBytes(reader, 1), 1000, "undelayed byte"),
    new Uint8Array([9]),
  );
  writer.releaseLock();
  reader.releaseLock();
});

test("simulate() throws RangeError for out-of-range options", () => {
  const bad = [
    { latency: -1 },
    { jitter: Infinity },
    { loss: 1.5 },
    { bandwidth: 0 },
    { resetAfterBytes: -1 },
    { window: 0 },
    { toDialer: { latency: NaN } },
  ];
  for (const options of bad) {
    assert.throws(
      () => simulate(inproc(), options),
      RangeError,
      JSON.stringify(options),
    );
  }
});

test("simulate() serves the inner transport's scheme and reports its seed", () => {
  const sim = simulate(inproc(), { seed: 42 });
  assert.equal(sim.scheme, "inproc");
  assert.equal(sim.seed, 42);
});
