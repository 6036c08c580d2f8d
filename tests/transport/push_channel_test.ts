import assert from "node:assert/strict";
import {
  PushChannel,
  type PushSocket,
} from "../../src/transport/push_channel.ts";
import { streamConnection } from "../../src/transport/stream_connection.ts";
import { test, within } from "../_helpers/test.ts";
import { isCode } from "../_helpers/is_code.ts";

/** A socket that takes at most `room` bytes until drained, like Bun's. */
class FakeSocket implements PushSocket {
  sent: number[] = [];
  events: string[] = [];
  room: number;
  closed = false;
  /** Called when a write found no room. */
  onFull: () => void = () => {};
  constructor(room: number) {
    this.room = room;
  }
  write(bytes: Uint8Array): number {
    if (this.closed) return -1;
    const taken = Math.min(this.room, bytes.byteLength);
    if (taken === 0) this.onFull();
    this.sent.push(...bytes.subarray(0, taken));
    this.room -= taken;
    return taken;
  }
  end(): void {
    this.events.push("end");
  }
  pause(): void {
    this.events.push("pause");
  }
  resume(): void {
    this.events.push("resume");
  }
  destroy(): void {
    this.closed = true;
    this.events.push("destroy");
  }
}

// -- writing --

test("PushChannel write of a chunk taken in parts resolves only once every byte is taken", async () => {
  const socket = new FakeSocket(3);
  const channel = new PushChannel(socket, "fake://partial");
  let done = false;
  let drains = 0;
  socket.onFull = () =>
    queueMicrotask(() => {
      assert.equal(done, false, `resolved after ${socket.sent.length} bytes`);
      drains++;
      socket.room = 2;
      channel.drained();
    });
  const connection = streamConnection(channel, { endpoint: "fake://partial" });
  const writer = connection.writable.getWriter();
  await within(
    writer.write(new Uint8Array([1, 2, 3, 4, 5, 6, 7])).then(() => done = true),
    1_000,
    "the write",
  );
  assert.deepEqual(socket.sent, [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(drains, 2);
  writer.releaseLock();
  await connection.close();
});

test("PushChannel write waiting for drain fails with closed when the socket closes", async () => {
  const socket = new FakeSocket(0);
  const channel = new PushChannel(socket, "fake://stuck");
  const pending = channel.write(new Uint8Array([1]));
  channel.socketClosed();
  await assert.rejects(pending, isCode("closed"));
  await assert.rejects(channel.write(new Uint8Array([2])), isCode("closed"));
});

test("PushChannel keeps writing after the peer's end-of-stream (half-open)", async () => {
  const socket = new FakeSocket(10);
  const channel = new PushChannel(socket, "fake://half");
  channel.ended();
  assert.equal(await channel.read(), null);
  assert.equal(await channel.write(new Uint8Array([9])), 1);
});

// -- reading --

test("PushChannel pauses the socket while nobody reads and resumes when the reader takes the last chunk", async () => {
  const socket = new FakeSocket(0);
  const channel = new PushChannel(socket, "fake://pause");
  channel.received(new Uint8Array([1]));
  channel.received(new Uint8Array([2]));
  assert.deepEqual(socket.events, ["pause"]);
  assert.deepEqual(await channel.read(), new Uint8Array([1]));
  assert.deepEqual(socket.events, ["pause"]);
  assert.deepEqual(await channel.read(), new Uint8Array([2]));
  assert.deepEqual(socket.events, ["pause", "resume"]);
});

test("PushChannel hands a chunk to a waiting read without pausing", async () => {
  const socket = new FakeSocket(0);
  const channel = new PushChannel(socket, "fake://direct");
  const reading = channel.read();
  const chunk = new Uint8Array([5]);
  channel.received(chunk);
  assert.equal(await reading, chunk);
  assert.deepEqual(socket.events, []);
});

test("PushChannel delivers chunks received before a failure, then rejects", async () => {
  const socket = new FakeSocket(0);
  const channel = new PushChannel(socket, "fake://reset");
  const native = Object.assign(new Error("reset"), { code: "ECONNRESET" });
  channel.received(new Uint8Array([1]));
  channel.failed(native);
  assert.deepEqual(await channel.read(), new Uint8Array([1]));
  await assert.rejects(channel.read(), (error) => error === native);
});

test("PushChannel under streamConnection stays paused until the reader drains what was kept", async () => {
  const socket = new FakeSocket(0);
  const channel = new PushChannel(socket, "fake://queue");
  const connection = streamConnection(channel, {
    endpoint: "fake://queue",
    highWaterMark: 4,
  });
  for (let i = 0; i < 10; i++) channel.received(new Uint8Array([i, i]));
  for (let i = 0; i < 50; i++) await Promise.resolve(); // let the readable pull
  assert.deepEqual(socket.events, ["pause"], "paused, and still paused");
  const reader = connection.readable.getReader();
  for (let i = 0; i < 10; i++) {
    assert.deepEqual((await reader.read()).value, new Uint8Array([i, i]));
  }
  assert.deepEqual(socket.events, ["pause", "resume"]);
  reader.releaseLock();
  await connection.close();
});
