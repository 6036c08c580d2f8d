import assert from "node:assert/strict";
import { ConnectionError } from "../../src/errors.ts";
import { parseEndpoint } from "../../src/transport/endpoint.ts";
import { fc } from "../_helpers/fc.ts";
import { test } from "../_helpers/test.ts";
import { counting, readAll, readBytes, simPair } from "./_sim_pair.ts";

function isReset(error: unknown): boolean {
  return error instanceof ConnectionError && error.code === "reset";
}

// -- blackhole and partition --

test("simulate() blackhole accepts every write and delivers nothing", async () => {
  await using pair = await simPair({
    toListener: { blackhole: true },
    window: 1024,
  });
  const writer = pair.client.writable.getWriter();
  const reader = pair.server.readable.getReader();
  for (let i = 0; i < 1000; i++) await writer.write(counting(1000, i));
  assert.equal(pair.sim.stats().discarded, 1_000_000);
  assert.equal(pair.sim.stats().delivered, 0);
  pair.sim.update({ toListener: { blackhole: false } });
  await writer.write(new Uint8Array([7, 7]));
  // The first bytes to arrive are those written after the blackhole ended.
  assert.deepEqual(await readBytes(reader, 2), new Uint8Array([7, 7]));
  writer.releaseLock();
  reader.releaseLock();
});

test("SimulatedTransport.partition() silences both ways and refuses new connections until heal()", async () => {
  await using pair = await simPair();
  const up = pair.client.writable.getWriter();
  const down = pair.server.writable.getWriter();
  const atServer = pair.server.readable.getReader();
  const atClient = pair.client.readable.getReader();
  pair.sim.partition();
  assert.equal(pair.sim.partitioned, true);
  await up.write(counting(100));
  await down.write(counting(50));
  assert.equal(pair.sim.stats().discarded, 150);
  await assert.rejects(
    pair.sim.connect(parseEndpoint("inproc://sim-test")),
    (error: unknown) =>
      error instanceof ConnectionError && error.code === "timeout",
  );
  pair.sim.heal();
  await up.write(new Uint8Array([1]));
  await down.write(new Uint8Array([2]));
  assert.deepEqual(await readBytes(atServer, 1), new Uint8Array([1]));
  assert.deepEqual(await readBytes(atClient, 1), new Uint8Array([2]));
  for (const lock of [up, down, atServer, atClient]) lock.releaseLock();
});

test("SimulatedTransport.partition() drops bytes already in flight when they arrive", async () => {
  await using pair = await simPair({ latency: 20 });
  const writer = pair.client.writable.getWriter();
  const reader = pair.server.readable.getReader();
  await writer.write(counting(10));
  pair.sim.partition();
  const closing = pair.client.close(); // delivers the 10 bytes into the partition
  assert.equal((await reader.read()).done, true);
  await closing;
  assert.equal(pair.sim.stats().discarded, 10);
  writer.releaseLock();
  reader.releaseLock();
});

// -- resets --

test("simulate() loss 1 resets the connection on the first write", async () => {
  await using pair = await simPair({ toListener: { loss: 1 } });
  const writer = pair.client.writable.getWriter();
  const atClient = pair.client.readable.getReader();
  const atServer = pair.server.readable.getReader();
  await assert.rejects(writer.write(counting(10)), isReset);
  await assert.rejects(atClient.read(), isReset);
  assert.equal((await atServer.read()).done, true);
  await pair.client.closed;
  assert.equal(pair.sim.stats().resets, 1);
  writer.releaseLock();
  atClient.releaseLock();
  atServer.releaseLock();
});

test("simulate() loss delivers a prefix of what was written, never a stream with holes", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.double({ min: 0.01, max: 0.5, noNaN: true }),
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 64 }), {
        minLength: 1,
        maxLength: 60,
      }),
      fc.nat(),
      async (loss, chunks, seed) => {
        // Arrange
        await using pair = await simPair({ toListener: { loss }, seed });
        const writer = pair.client.writable.getWriter();
        const reader = pair.server.readable.getReader();
        const sent: number[] = [];
        // Act
        const receiving = readAll(reader);
        for (const chunk of chunks) {
          try {
            await writer.write(chunk);
            sent.push(...chunk);
          } catch (error) {
            assert.ok(isReset(error));
            break;
          }
        }
        await pair.client.close();
        const received = await receiving;
        // Assert
        assert.deepEqual([...received], sent.slice(0, received.length));
        writer.releaseLock();
      },
    ),
    { numRuns: 40 },
  );
});

test("simulate() resetAfterBytes cuts the stream at the limit", async () => {
  await using pair = await simPair({ resetAfterBytes: 10 });
  const writer = pair.client.writable.getWriter();
  const atServer = pair.server.readable.getReader();
  const atClient = pair.client.readable.getReader();
  const receiving = readAll(atServer);
  await writer.write(counting(4));
  await writer.write(counting(4, 4));
  await writer.write(counting(4, 8)); // crosses the limit: cut after 2 bytes
  assert.deepEqual(await receiving, counting(10));
  await assert.rejects(writer.write(counting(1)), isReset);
  await assert.rejects(atClient.read(), isReset);
  writer.releaseLock();
  atClient.releaseLock();
});

test("SimulatedTransport.reset() resets every open end", async () => {
  await using pair = await simPair({ latency: 1000 });
  const writer = pair.client.writable.getWriter();
  const reader = pair.server.readable.getReader();
  await writer.write(counting(10)); // in flight for a second: its timer must go
  assert.equal(pair.sim.stats().connections, 2);
  assert.equal(pair.sim.reset(), 2);
  await assert.rejects(reader.read(), isReset);
  await pair.client.closed;
  await pair.server.closed;
  assert.equal(pair.sim.stats().connections, 0);
  assert.equal(pair.sim.stats().delivered, 0);
  writer.releaseLock();
  reader.releaseLock();
});

// -- close --

test("simulate() close() delivers bytes in flight after their delay", async () => {
  await using pair = await simPair({ latency: 20 });
  const writer = pair.client.writable.getWriter();
  const reader = pair.server.readable.getReader();
  const receiving = readAll(reader);
  await writer.write(counting(5));
  const start = performance.now();
  await pair.client.close();
  assert.ok(
    performance.now() - start >= 15,
    "close() did not wait for the delay",
  );
  assert.deepEqual(await receiving, counting(5));
  writer.releaseLock();
});

test("simulate() writer.close() ends the peer's stream after the delayed bytes", async () => {
  await using pair = await simPair({ latency: 10, jitter: 10 });
  const writer = pair.client.writable.getWriter();
  const reader = pair.server.readable.getReader();
  const receiving = readAll(reader);
  for (let i = 0; i < 20; i++) void writer.write(counting(3, i * 3));
  await writer.close();
  assert.deepEqual(await receiving, counting(60));
  writer.releaseLock();
});

test("simulate() clears the timers of delayed bytes when the peer closes", async () => {
  await using pair = await simPair({ latency: 60_000 });
  const writer = pair.client.writable.getWriter();
  await writer.write(counting(10));
  await pair.server.close();
  await pair.client.closed;
  await assert.rejects(writer.write(counting(1)), ConnectionError);
  writer.releaseLock();
});
