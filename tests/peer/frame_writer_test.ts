import { nextTurn } from "../../src/peer/_next_turn.ts";
import assert from "node:assert/strict";
import { test, within } from "../_helpers/test.ts";
import {
  BY_REFERENCE_BYTES,
  FrameWriter,
  SLAB_SIZE,
} from "../../src/peer/frame_writer.ts";
import { FrameParser } from "../../src/frame/decode_frame.ts";
import { type Frame, FrameKind } from "../../src/frame/frame.ts";
import { assertFrames, message } from "./_peers.ts";

/** A transport whose writes complete only when the test says so. */
class ManualSink {
  readonly chunks: Uint8Array[] = [];
  readonly copies: Uint8Array[] = [];
  #pending: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  readonly writable = new WritableStream<Uint8Array>({
    write: (chunk) => {
      this.chunks.push(chunk);
      this.copies.push(chunk.slice());
      return new Promise((resolve, reject) =>
        this.#pending.push({ resolve, reject })
      );
    },
  });

  /**
   * Completes the oldest write in flight, then lets the event loop turn once,
   * as a transport completing a write from an I/O callback does (the writer
   * waits one turn before a small follow-up write).
   */
  async complete(): Promise<void> {
    this.#pending.shift()?.resolve();
    await tick();
    await nextTurn().promise;
    await tick();
  }

  /** Fails the oldest write in flight. */
  async fail(error: unknown): Promise<void> {
    this.#pending.shift()?.reject(error);
    await tick();
  }
}

/** Lets queued microtasks (and the promise jobs they start) run. */
async function tick(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function writerFor(sink: ManualSink, options: { maxFrameSize?: number } = {}) {
  const errors: unknown[] = [];
  let writes = 0;
  const writer = new FrameWriter(sink.writable.getWriter(), {
    maxFrameSize: options.maxFrameSize ?? 1 << 24,
    onError: (error) => errors.push(error),
    onWrite: () => writes++,
  });
  return { writer, errors, writes: () => writes };
}

function frames(count: number, size: number, from = 0): Frame[] {
  return Array.from(
    { length: count },
    (_, i) => message(new Uint8Array(size).fill((from + i) & 0xff)),
  );
}

function decodeAll(chunks: Uint8Array[]): Frame[] {
  const parser = new FrameParser();
  return chunks.flatMap((chunk) => parser.push(chunk));
}

// -- coalescing --

test("FrameWriter flushes a synchronous burst as one write on the next microtask", async () => {
  const sink = new ManualSink();
  const { writer, writes } = writerFor(sink);
  const burst = frames(500, 20);
  for (const frame of burst) writer.write(frame);
  assert.equal(sink.chunks.length, 0);
  assert.equal(writer.bufferedBytes, 500 * 26);
  assert.equal(writer.queuedFrames, 500);
  await tick();
  assert.equal(sink.chunks.length, 1);
  assert.equal(writes(), 1);
  await sink.complete();
  assert.equal(writer.bufferedBytes, 0);
  assert.equal(writer.queuedFrames, 0);
  assertFrames(decodeAll(sink.chunks), burst);
});

test("FrameWriter accumulates while a write is in flight and sends it all next", async () => {
  const sink = new ManualSink();
  const { writer } = writerFor(sink);
  const first = frames(3, 10);
  for (const frame of first) writer.write(frame);
  await tick();
  const later = frames(100, 10, 3);
  for (const frame of later) {
    writer.write(frame);
    await tick();
  }
  assert.equal(sink.chunks.length, 1);
  assert.equal(writer.queuedFrames, 103);
  await sink.complete();
  assert.equal(sink.chunks.length, 2);
  assert.equal(sink.chunks[1]!.length, 100 * 16);
  assert.equal(writer.queuedFrames, 100);
  await sink.complete();
  assertFrames(decodeAll(sink.chunks), [...first, ...later]);
});

test("FrameWriter moves to a new slab when one runs low and never rewrites handed-out bytes", async () => {
  const sink = new ManualSink();
  const { writer } = writerFor(sink);
  const sent: Frame[] = [];
  for (let round = 0; round < 40; round++) {
    const batch = frames(97, 300, round);
    for (const frame of batch) writer.write(frame);
    sent.push(...batch);
    await tick();
    await sink.complete();
  }
  while (writer.bufferedBytes > 0) await sink.complete();
  assert.ok(sink.chunks.every((chunk) => chunk.length <= SLAB_SIZE));
  assert.ok(new Set(sink.chunks.map((chunk) => chunk.buffer)).size > 10);
  sink.chunks.forEach((chunk, i) =>
    assert.deepEqual(chunk, sink.copies[i], `chunk ${i}`)
  );
  assertFrames(decodeAll(sink.chunks), sent);
});

test("FrameWriter writes a large payload from the sender's array, uncopied, between slab chunks", async () => {
  const sink = new ManualSink();
  const { writer } = writerFor(sink);
  const big = message(new Uint8Array(BY_REFERENCE_BYTES).fill(7));
  const sent = [...frames(2, 10), big, ...frames(2, 10, 5)];
  for (const frame of sent) writer.write(frame);
  await tick();
  while (writer.bufferedBytes > 0) await sink.complete();
  assert.equal(sink.chunks.length, 3);
  assert.equal(sink.chunks[1], big.payload, "the payload itself");
  assert.equal(sink.chunks[2]!.buffer, sink.chunks[0]!.buffer);
  assertFrames(decodeAll(sink.chunks), sent);
});

test("FrameWriter copies a payload just under the by-reference size into the slab", async () => {
  const sink = new ManualSink();
  const { writer } = writerFor(sink);
  const sent = [message(new Uint8Array(BY_REFERENCE_BYTES - 1).fill(3))];
  writer.write(sent[0]!);
  await tick();
  while (writer.bufferedBytes > 0) await sink.complete();
  assert.equal(sink.chunks.length, 1);
  assert.notEqual(sink.chunks[0]!.buffer, sent[0]!.payload.buffer);
  assertFrames(decodeAll(sink.chunks), sent);
});

test("FrameWriter gives a frame larger than a slab, with a small payload, its own buffer", async () => {
  const sink = new ManualSink();
  const { writer } = writerFor(sink);
  const big: Frame = {
    kind: FrameKind.Publish,
    flags: 0,
    id: 1,
    topic: "t".repeat(60_000),
    timestamp: 0,
    payload: new Uint8Array(BY_REFERENCE_BYTES - 1).fill(9),
  };
  const sent = [...frames(2, 10), big, ...frames(2, 10, 5)];
  for (const frame of sent) writer.write(frame);
  await tick();
  while (writer.bufferedBytes > 0) await sink.complete();
  assert.equal(sink.chunks.length, 3);
  assert.ok(sink.chunks[1]!.length > SLAB_SIZE);
  assert.equal(sink.chunks[2]!.buffer, sink.chunks[0]!.buffer);
  assertFrames(decodeAll(sink.chunks), sent);
});

test("FrameWriter.flushNow() writes what is queued at once, not on the next microtask", async () => {
  const sink = new ManualSink();
  const { writer } = writerFor(sink);
  await tick(); // the sink has started
  writer.write(frames(1, 10)[0]!);
  assert.equal(sink.chunks.length, 0, "waits for the microtask");
  writer.flushNow();
  assert.equal(sink.chunks.length, 1, "written at once");
  writer.flushNow();
  assert.equal(sink.chunks.length, 1, "one write in flight at a time");
  await sink.complete();
  assert.equal(writer.bufferedBytes, 0);
});

/**
 * A writer over a transport that copies each chunk as it takes it (and so
 * says `copiesOnWrite`); `drain()` completes writes until nothing is queued.
 */
function copyingWriter() {
  const copies: Uint8Array[] = [];
  const buffers = new Set<ArrayBufferLike>();
  let release: () => void = () => {};
  const writer = new FrameWriter({
    write: (chunk) => {
      copies.push(chunk.slice()); // the transport takes the bytes now
      buffers.add(chunk.buffer);
      return new Promise<void>((resolve) => release = resolve);
    },
    close: () => Promise.resolve(),
    abort: () => Promise.resolve(),
    copiesOnWrite: true,
  }, { maxFrameSize: 1 << 20, onError: (error) => assert.fail(String(error)) });
  async function drain(): Promise<void> {
    while (writer.bufferedBytes > 0) {
      await tick();
      release();
      await tick();
      await nextTurn().promise;
    }
  }
  return { writer, copies, buffers, drain };
}

test("FrameWriter over a transport that copies on write reuses written-out slabs", async () => {
  const { writer, copies, buffers, drain } = copyingWriter();
  const sent: Frame[] = [];
  for (let round = 0; round < 60; round++) {
    const batch = frames(50, 1000, round);
    for (const frame of batch) writer.write(frame);
    sent.push(...batch);
    await drain();
  }
  assert.ok(buffers.size <= 6, `${buffers.size} slabs for 60 rounds`);
  assertFrames(decodeAll(copies), sent);
});

test("FrameWriter never takes a payload written by reference for a slab, even one of slab size", async () => {
  const { writer, copies, drain } = copyingWriter();
  const big = message(new Uint8Array(SLAB_SIZE).fill(0x5a)); // a 64 KiB buffer of its own
  const sent: Frame[] = [];
  for (let round = 0; round < 40; round++) {
    const batch = [big, ...frames(60, 1000, round)];
    for (const frame of batch) writer.write(frame);
    sent.push(...batch);
    await drain();
  }
  assert.ok(big.payload.every((byte) => byte === 0x5a), "payload untouched");
  assertFrames(decodeAll(copies), sent);
});

// -- limits and waiting --

test("FrameWriter.below() resolves once bytes and frames drop under the limits", async () => {
  const sink = new ManualSink();
  const { writer } = writerFor(sink);
  for (const frame of frames(10, 10)) writer.write(frame);
  await tick();
  for (const frame of frames(10, 10)) writer.write(frame);
  let byBytes = false;
  let byFrames = false;
  void writer.below({ bytes: 161 }).then(() => byBytes = true);
  void writer.below({ bytes: Infinity, frames: 10 }).then(() =>
    byFrames = true
  );
  await tick();
  assert.deepEqual([byBytes, byFrames], [false, false]);
  await sink.complete();
  assert.deepEqual([byBytes, byFrames], [true, false]);
  await sink.complete();
  assert.deepEqual([byBytes, byFrames], [true, true]);
  await within(writer.below({ bytes: 1 }), 1000, "an empty queue");
});

test("FrameWriter.stop() drops the queue, wakes waiters and ignores later writes", async () => {
  const sink = new ManualSink();
  const { writer } = writerFor(sink);
  for (const frame of frames(10, 10)) writer.write(frame);
  await tick();
  writer.write(frames(1, 10)[0]!);
  const waiting = writer.below({ bytes: 1 });
  writer.stop();
  await within(waiting, 1000, "below() after stop()");
  assert.equal(writer.bufferedBytes, 0);
  writer.write(frames(1, 10)[0]!);
  assert.equal(writer.queuedFrames, 0);
  await sink.complete();
  assert.equal(sink.chunks.length, 1);
});

test("FrameWriter reports a failed write once and stops", async () => {
  const sink = new ManualSink();
  const { writer, errors } = writerFor(sink);
  writer.write(frames(1, 10)[0]!);
  await tick();
  writer.write(frames(1, 10)[0]!);
  const waiting = writer.below({ bytes: 1 });
  const failure = new Error("reset");
  await sink.fail(failure);
  assert.deepEqual(errors, [failure]);
  await within(waiting, 1000, "below() after a failure");
  assert.equal(writer.bufferedBytes, 0);
});

test("FrameWriter.write() throws RangeError for an oversized or invalid frame and queues nothing", () => {
  const sink = new ManualSink();
  const { writer } = writerFor(sink, { maxFrameSize: 100 });
  assert.throws(
    () => writer.write(message(new Uint8Array(99))),
    /101 bytes exceed maxFrameSize 100/,
  );
  assert.throws(
    () => writer.write({ ...message(new Uint8Array(1)), flags: 0x80 }),
    RangeError,
  );
  assert.equal(writer.bufferedBytes, 0);
  assert.equal(writer.queuedFrames, 0);
  writer.stop();
});
