import assert from "node:assert/strict";
import { ConnectionError } from "../../src/errors.ts";
import {
  type ByteChannel,
  streamConnection,
} from "../../src/transport/stream_connection.ts";
import { wireEnds } from "../../src/transport/_wire_ends.ts";
import { connectionPair } from "../../src/transport/inproc_transport.ts";
import { fc } from "../_helpers/fc.ts";
import { test, within } from "../_helpers/test.ts";

/** A byte socket in memory: the test feeds reads and sees writes. */
class FakeChannel implements ByteChannel {
  written: number[] = [];
  events: string[] = [];
  /** Bytes taken per `write()` call; 0 means all. */
  takePerWrite = 0;
  #incoming: (Uint8Array | null | Error)[] = [];
  #reader: ((value: Uint8Array | null | Error) => void) | undefined;

  /** Queues what the next `read()` returns: bytes, the end, or a failure. */
  feed(value: Uint8Array | null | Error): void {
    const reader = this.#reader;
    this.#reader = undefined;
    if (reader !== undefined) reader(value);
    else this.#incoming.push(value);
  }

  read(): Promise<Uint8Array | null> {
    this.events.push("read");
    const next = this.#incoming.length > 0
      ? Promise.resolve(this.#incoming.shift()!)
      : new Promise<Uint8Array | null | Error>((resolve) =>
        this.#reader = resolve
      );
    return next.then((value) => {
      if (value instanceof Error) throw value;
      return value;
    });
  }

  async write(bytes: Uint8Array): Promise<number> {
    await Promise.resolve();
    const taken = this.takePerWrite === 0
      ? bytes.length
      : Math.min(this.takePerWrite, bytes.length);
    this.written.push(...bytes.subarray(0, taken));
    return taken;
  }

  closeWrite(): Promise<void> {
    this.events.push("closeWrite");
    return Promise.resolve();
  }

  close(): void {
    this.events.push("close");
    this.feed(null);
  }
}

function open(channel: FakeChannel) {
  const conn = streamConnection(channel, { endpoint: "fake://direct" });
  return { conn, ...wireEnds(conn) };
}

// -- taking the connection --

test("wireEnds() on an untouched streamConnection leaves both streams locked", () => {
  const { conn } = open(new FakeChannel());
  assert.equal(conn.readable.locked, true);
  assert.equal(conn.writable.locked, true);
  conn.close();
});

test("wireEnds() on a connection whose stream was used falls back to the streams", async () => {
  const channel = new FakeChannel();
  const conn = streamConnection(channel, { endpoint: "fake://streams" });
  const readable = conn.readable;
  const { reader } = wireEnds(conn);
  assert.equal(readable.locked, true);
  channel.feed(Uint8Array.of(4));
  assert.deepEqual((await reader.read()).value, Uint8Array.of(4));
  await conn.close();
});

test("wireEnds() on an inproc connection uses its streams", async () => {
  const [a, b] = connectionPair();
  const ends = [wireEnds(a), wireEnds(b)];
  await ends[0]!.writer.write(Uint8Array.of(1, 2));
  assert.deepEqual((await ends[1]!.reader.read()).value, Uint8Array.of(1, 2));
  await Promise.all([a.close(), b.close()]);
});

// -- reading --

test("direct reader reads only when asked, delivers in order, then done", async () => {
  const channel = new FakeChannel();
  const { conn, reader } = open(channel);
  assert.deepEqual(channel.events, [], "no read before asked");
  channel.feed(Uint8Array.of(1));
  channel.feed(Uint8Array.of(2, 3));
  channel.feed(null);
  assert.deepEqual(await reader.read(), {
    done: false,
    value: Uint8Array.of(1),
  });
  assert.deepEqual(channel.events, ["read"]);
  assert.deepEqual(await reader.read(), {
    done: false,
    value: Uint8Array.of(2, 3),
  });
  assert.equal((await reader.read()).done, true);
  assert.equal((await reader.read()).done, true);
  await conn.close();
});

test("direct reader skips empty chunks", async () => {
  const channel = new FakeChannel();
  const { conn, reader } = open(channel);
  channel.feed(new Uint8Array(0));
  channel.feed(Uint8Array.of(9));
  assert.deepEqual((await reader.read()).value, Uint8Array.of(9));
  await conn.close();
});

test("direct reader rejects with ConnectionError when the socket fails, and the connection closes", async () => {
  const channel = new FakeChannel();
  const { conn, reader, writer } = open(channel);
  const reading = reader.read();
  channel.feed(new Error("ECONNRESET"));
  await assert.rejects(
    reading,
    (error: unknown) =>
      error instanceof ConnectionError &&
      error.message.includes("fake://direct"),
  );
  await assert.rejects(reader.read(), ConnectionError);
  await within(conn.closed, 1000, "closed after a read failure");
  await assert.rejects(writer.write(Uint8Array.of(1)), ConnectionError);
});

test("direct reader's cancel() ends a pending read with done", async () => {
  const channel = new FakeChannel();
  const { conn, reader } = open(channel);
  const reading = reader.read();
  await reader.cancel();
  assert.equal((await reading).done, true);
  await conn.close();
});

test("close() ends a pending direct read with done and fails later writes", async () => {
  const channel = new FakeChannel();
  const { conn, reader, writer } = open(channel);
  const reading = reader.read();
  await conn.close();
  assert.equal((await reading).done, true);
  await assert.rejects(
    writer.write(Uint8Array.of(1)),
    (error: unknown) =>
      error instanceof ConnectionError && error.code === "closed",
  );
});

// -- writing --

test("direct writes loop over partial writes and never interleave", async () => {
  const channel = new FakeChannel();
  channel.takePerWrite = 2;
  const { conn, writer } = open(channel);
  await Promise.all([
    writer.write(Uint8Array.of(1, 2, 3, 4, 5)),
    writer.write(Uint8Array.of(6, 7, 8)),
  ]);
  assert.deepEqual(channel.written, [1, 2, 3, 4, 5, 6, 7, 8]);
  await conn.close();
});

test("direct writer's close() half-closes after queued writes; the connection closes once reading ended", async () => {
  const channel = new FakeChannel();
  const { conn, reader, writer } = open(channel);
  void writer.write(Uint8Array.of(1));
  await writer.close();
  assert.deepEqual(channel.written, [1]);
  assert.ok(channel.events.includes("closeWrite"));
  assert.ok(!channel.events.includes("close"), "still open for reading");
  channel.feed(null);
  assert.equal((await reader.read()).done, true);
  await within(conn.closed, 1000, "closed after both directions ended");
});

test("direct writer refuses writes once close() was called, and leaves the socket open", async () => {
  const channel = new FakeChannel();
  const { conn, writer } = open(channel);
  const closing = writer.close();
  await assert.rejects(
    writer.write(Uint8Array.of(1)),
    (error: unknown) =>
      error instanceof ConnectionError && error.code === "closed",
  );
  await closing;
  assert.deepEqual(channel.written, []);
  assert.ok(channel.events.includes("closeWrite"));
  assert.ok(!channel.events.includes("close"), "half-closed, not destroyed");
  await conn.close();
});

test("direct writer's abort() closes the socket", async () => {
  const channel = new FakeChannel();
  const { conn, writer } = open(channel);
  await writer.abort();
  assert.ok(channel.events.includes("close"));
  await within(conn.closed, 1000, "closed after abort");
});

test("direct ends carry any chunks, written in any parts, unchanged", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), {
        maxLength: 12,
      }),
      fc.integer({ min: 0, max: 7 }),
      async (chunks, takePerWrite) => {
        // Arrange
        const channel = new FakeChannel();
        channel.takePerWrite = takePerWrite;
        const { conn, reader, writer } = open(channel);
        for (const chunk of chunks) channel.feed(chunk);
        channel.feed(null);
        // Act
        const read: number[] = [];
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          read.push(...value);
        }
        await Promise.all(chunks.map((chunk) => writer.write(chunk)));
        await conn.close();
        // Assert
        const all = chunks.flatMap((chunk) => [...chunk]);
        assert.deepEqual(read, all);
        assert.deepEqual(channel.written, all);
      },
    ),
  );
});
