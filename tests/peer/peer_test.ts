import { nextTurn } from "../../src/peer/_next_turn.ts";
import assert from "node:assert/strict";
import { test, within } from "../_helpers/test.ts";
import {
  ConnectionError,
  HandshakeError,
  ProtocolError,
  SocketClosedError,
} from "../../src/errors.ts";
import { encodedFrameSize, encodeFrame } from "../../src/frame/encode_frame.ts";
import { type Frame, FrameKind } from "../../src/frame/frame.ts";
import { FrameParser } from "../../src/frame/decode_frame.ts";
import { openPeer } from "../../src/peer/peer.ts";
import { connectionPair } from "../../src/transport/inproc_transport.ts";
import { SocketType } from "../../src/wire/socket_type.ts";
import {
  encodeGreeting,
  encodeReady,
} from "../../src/wire/_handshake_codec.ts";
import {
  assertFrames,
  control,
  Inbox,
  message,
  openPair,
  openRaw,
} from "./_peers.ts";

function bytesOf(frames: Frame[]): Uint8Array {
  const bytes = new Uint8Array(
    frames.reduce((n, f) => n + encodedFrameSize(f), 0),
  );
  let offset = 0;
  for (const frame of frames) offset = encodeFrame(frame, bytes, offset);
  return bytes;
}

function numbered(count: number, size = 16): Frame[] {
  return Array.from(
    { length: count },
    (_, i) => message(new Uint8Array(size).fill(i & 0xff)),
  );
}

// -- handshake and identity --

test("openPeer() gives each peer the other's type and properties", async () => {
  const { a, b } = await openPair({ properties: { name: "a" } }, {
    properties: { name: "b" },
  });
  a.start();
  b.start();
  assert.equal(a.peerType, SocketType.Pair);
  assert.deepEqual(a.peerProperties, { name: "b" });
  assert.deepEqual(b.peerProperties, { name: "a" });
  assert.ok(b.id > a.id || a.id > b.id);
  assert.equal(typeof a.remoteAddress, "string");
  await a.close();
  await b.closed;
});

test("openPeer() rejects with HandshakeError and closes the connection on a refused handshake", async () => {
  const [left, right] = connectionPair();
  const results = await Promise.allSettled([
    openPeer(left, { socketType: SocketType.Sub, role: "connect" }),
    openPeer(right, { socketType: SocketType.Rep, role: "accept" }),
  ]);
  for (const result of results) {
    assert.equal(result.status, "rejected");
    assert.ok(
      (result as PromiseRejectedResult).reason instanceof HandshakeError,
    );
  }
  await within(
    Promise.all([left.closed, right.closed]),
    5000,
    "both ends to close",
  );
});

test("openPeer() throws RangeError for bad peer options and closes the connection", async () => {
  for (
    const bad of [{ maxFrameSize: 0 }, { writeHighWaterMark: -1 }, {
      heartbeatInterval: -5,
    }, { heartbeatTimeout: Number.NaN }]
  ) {
    const [left, right] = connectionPair();
    await assert.rejects(
      openPeer(left, { socketType: SocketType.Pair, role: "connect", ...bad }),
      RangeError,
    );
    await within(right.closed, 5000, "the connection to close");
  }
});

test("Peer ids are process-unique and increasing", async () => {
  const first = await openPair();
  const second = await openPair();
  for (const peer of [first.a, first.b, second.a, second.b]) peer.start();
  assert.ok(
    Math.min(second.a.id, second.b.id) > Math.max(first.a.id, first.b.id),
  );
  await Promise.all([first.a.close(), second.a.close()]);
  await Promise.all([first.b.closed, second.b.closed]);
  assert.ok(first.b.isClosed && second.b.isClosed);
});

test("Peer.closed resolves for a peer that never started once the connection ends", async () => {
  const { a, b } = await openPair();
  a.start();
  a.abort();
  const cause = await within(b.closed, 5000, "closed");
  assert.ok(cause instanceof ConnectionError && cause.code === "reset");
});

// -- sending and receiving --

test("Peer.send() in a synchronous loop makes one transport write", async () => {
  const { a, b, aConn } = await openPair();
  const inbox = new Inbox(b);
  b.start();
  a.start();
  const before = aConn.chunks.length;
  const frames = numbered(1000);
  for (const frame of frames) assert.equal(a.send(frame), true);
  assert.equal(a.queuedFrames, 1000);
  assertFrames(
    await within(inbox.received(1000), 10_000, "1000 frames"),
    frames,
  );
  assert.equal(aConn.chunks.length - before, 1);
  assert.equal(inbox.batches.length, 1);
  await a.close();
  await b.closed;
});

test("Peer.send() batches frames sent while a write is in flight", async () => {
  const { a, b, aConn } = await openPair({}, {}, 256);
  const inbox = new Inbox(b);
  a.start();
  const before = aConn.chunks.length;
  const frames = numbered(5000, 32);
  // b reads nothing yet, so writes stall and frames pile up behind them.
  for (let i = 0; i < frames.length; i += 50) {
    for (const frame of frames.slice(i, i + 50)) a.send(frame);
    await Promise.resolve();
  }
  b.start();
  assertFrames(
    await within(inbox.received(5000), 10_000, "5000 frames"),
    frames,
  );
  const writes = aConn.chunks.length - before;
  assert.ok(writes < 20, `${writes} writes for 100 bursts`);
  await a.close();
  await b.closed;
});

test("Peer.send() hands the transport bytes it never rewrites", async () => {
  const { a, b, aConn } = await openPair();
  const inbox = new Inbox(b);
  a.start();
  b.start();
  const frames = numbered(3000, 100);
  const copies: Uint8Array[] = [];
  for (let round = 0; round < 6; round++) {
    for (const frame of frames.slice(round * 500, round * 500 + 500)) {
      a.send(frame);
    }
    await within(
      inbox.received((round + 1) * 500),
      10_000,
      "a round of frames",
    );
    copies.push(
      ...aConn.chunks.slice(copies.length).map((chunk) => chunk.slice()),
    );
  }
  aConn.chunks.forEach((chunk, i) =>
    assert.deepEqual(chunk, copies[i], `chunk ${i} changed`)
  );
  assertFrames(inbox.frames, frames);
  await a.close();
  await b.closed;
});

test("Peer.send() sends frames larger than a slab, in order", async () => {
  const { a, b } = await openPair();
  const inbox = new Inbox(b);
  a.start();
  b.start();
  const frames = [
    message(new Uint8Array(10).fill(1)),
    message(new Uint8Array(200_000).fill(2)),
    message(new Uint8Array(60_000).fill(3)),
    message(new Uint8Array(10).fill(4)),
  ];
  for (const frame of frames) a.send(frame);
  assert.deepEqual(await within(inbox.received(4), 10_000, "4 frames"), frames);
  await a.close();
  await b.closed;
});

test("Peer.send() throws RangeError for a frame over maxFrameSize", async () => {
  const { a, b } = await openPair({ maxFrameSize: 100 });
  a.start();
  b.start();
  assert.throws(
    () => a.send(message(new Uint8Array(99))),
    /101 bytes exceed maxFrameSize 100/,
  );
  assert.equal(a.send(message(new Uint8Array(98))), true);
  await a.close();
  await b.closed;
});

test("Peer delivers the frames that came with the handshake", async () => {
  const [left, right] = connectionPair();
  const frames = numbered(3);
  const greeting = encodeGreeting(SocketType.Pair, {});
  const rawWriter = right.writable.getWriter();
  const handshakeDone = openPeer(left, {
    socketType: SocketType.Pair,
    role: "accept",
  });
  const chunk = new Uint8Array(greeting.length + 1 + bytesOf(frames).length);
  chunk.set(greeting);
  chunk.set(encodeReady(), greeting.length);
  chunk.set(bytesOf(frames), greeting.length + 1);
  await rawWriter.write(chunk);
  const peer = await handshakeDone;
  const inbox = new Inbox(peer);
  peer.start();
  assert.deepEqual(await within(inbox.received(3), 5000, "3 frames"), frames);
  peer.abort();
  await peer.closed;
});

test("Peer decodes a handshake and frames that arrive one byte at a time", async () => {
  const [left, right] = connectionPair();
  const frames = [message(Uint8Array.of(1, 2, 3)), message(new Uint8Array(0))];
  const rawWriter = right.writable.getWriter();
  const rawReader = right.readable.getReader();
  const opening = openPeer(left, {
    socketType: SocketType.Pair,
    role: "accept",
  });
  const all = [...encodeGreeting(SocketType.Pair, {}), ...encodeReady()];
  for (const byte of all) await rawWriter.write(Uint8Array.of(byte));
  const peer = await opening;
  const inbox = new Inbox(peer);
  peer.start();
  for (const byte of bytesOf(frames)) {
    await rawWriter.write(Uint8Array.of(byte));
  }
  assertFrames(await within(inbox.received(2), 5000, "2 frames"), frames);
  assert.equal(inbox.batches.length, 2);
  peer.abort();
  await peer.closed;
  rawReader.releaseLock();
});

// -- backpressure --

test("Peer.send() returns false at writeHighWaterMark and drained() waits for the reader", async () => {
  const { a, b } = await openPair({ writeHighWaterMark: 4096 }, {}, 1024);
  const inbox = new Inbox(b);
  a.start();
  let sent = 0;
  while (a.send(message(new Uint8Array(100)))) sent++;
  sent++;
  assert.ok(a.bufferedBytes >= 4096);
  let drained = false;
  const wait = a.drained().then(() => drained = true);
  await Promise.resolve();
  await within(a.drained({ bytes: Infinity }), 1000, "drained() with no bound");
  assert.equal(drained, false);
  b.start();
  await within(wait, 10_000, "drained()");
  assert.ok(a.bufferedBytes < 4096);
  await within(inbox.received(sent), 10_000, "every frame");
  await a.close();
  await b.closed;
});

test("Peer.drained() waits for a frame count too", async () => {
  const { a, b } = await openPair({}, {}, 256);
  const inbox = new Inbox(b);
  a.start();
  for (const frame of numbered(100, 64)) a.send(frame);
  let done = false;
  const wait = a.drained({ frames: 10 }).then(() => done = true);
  await Promise.resolve();
  assert.equal(done, false);
  b.start();
  await within(wait, 10_000, "drained({ frames: 10 })");
  assert.ok(a.queuedFrames < 10);
  await within(inbox.received(100), 10_000, "every frame");
  await a.close();
  await b.closed;
});

test("Peer.drained() resolves when the peer closes", async () => {
  const { a, b } = await openPair({ writeHighWaterMark: 10 }, {}, 64);
  a.start();
  a.send(message(new Uint8Array(1000)));
  const wait = a.drained();
  a.abort();
  await within(wait, 5000, "drained() after abort()");
  await b.closed;
});

test("Peer.pause() holds batches until resume(), in order", async () => {
  const { a, b } = await openPair();
  const inbox = new Inbox(b);
  a.start();
  b.start();
  a.send(message(Uint8Array.of(1)));
  await within(inbox.received(1), 5000, "the first frame");
  b.pause();
  a.send(message(Uint8Array.of(2)));
  a.send(message(Uint8Array.of(3)));
  await a.drained({ bytes: 1 });
  assert.equal(inbox.frames.length, 1);
  b.resume();
  const frames = await within(inbox.received(3), 5000, "held frames");
  assert.deepEqual(frames.map((f) => f.payload[0]), [1, 2, 3]);
  await a.close();
  await b.closed;
});

test("Peer delivers batches held while paused before reporting the Close behind them", async () => {
  const { a, b } = await openPair();
  const inbox = new Inbox(b);
  a.start();
  b.start();
  a.send(message(Uint8Array.of(1)));
  await within(inbox.received(1), 5000, "the first frame");
  b.pause();
  a.send(message(Uint8Array.of(2)));
  a.send(message(Uint8Array.of(3)));
  const closing = a.close({ linger: 5000 });
  await a.drained({ bytes: 1 });
  // Two turns of the loop let the in-process transport hand b the chunk that
  // holds frames 2, 3 and the Close, while b is paused.
  await nextTurn().promise;
  await nextTurn().promise;
  assert.equal(inbox.frames.length, 1);
  b.resume();
  const frames = await within(inbox.received(3), 5000, "the held frames");
  assert.deepEqual(frames.map((f) => f.payload[0]), [1, 2, 3]);
  assert.equal(await within(b.closed, 5000, "b to close"), undefined);
  await closing;
});

// -- closing --

test("Peer.close() flushes queued frames, sends Close, and both sides end orderly", async () => {
  const { a, b } = await openPair({}, {}, 1024);
  const inbox = new Inbox(b);
  a.start();
  b.start();
  const frames = numbered(2000, 64);
  for (const frame of frames) a.send(frame);
  const closing = a.close();
  assert.throws(() => a.send(frames[0]!), SocketClosedError);
  await within(closing, 10_000, "close()");
  assertFrames(inbox.frames, frames);
  assert.equal(await a.closed, undefined);
  assert.equal(await b.closed, undefined);
  assert.equal(b.isClosed, true);
});

test("Peer.close() gives up after linger when the peer does not read", async () => {
  const { a, b } = await openPair({}, {}, 64);
  a.start();
  for (const frame of numbered(100, 1000)) a.send(frame);
  const started = performance.now();
  await within(a.close({ linger: 50 }), 5000, "close({ linger: 50 })");
  assert.ok(performance.now() - started < 4000);
  assert.equal(await a.closed, undefined);
  await b.closed;
});

test("Peer.send() throws SocketClosedError carrying the frame once closed", async () => {
  const { a, b } = await openPair();
  a.abort();
  const frame = message(Uint8Array.of(9));
  assert.throws(
    () => a.send(frame),
    (error) => error instanceof SocketClosedError && error.value === frame,
  );
  await b.closed;
});

test("Peer.abort() resolves closed with the reason and drops the queue", async () => {
  const { a, b } = await openPair({}, {}, 64);
  const inbox = new Inbox(b);
  b.start();
  a.start();
  for (const frame of numbered(100, 1000)) a.send(frame);
  const reason = new Error("gone");
  a.abort(reason);
  assert.equal(await a.closed, reason);
  assert.equal(a.bufferedBytes, 0);
  const cause = await within(b.closed, 5000, "the other side to close");
  assert.ok(cause instanceof ConnectionError && cause.code === "reset");
  assert.ok(inbox.frames.length < 100);
});

test("Peer.closed resolves with ConnectionError reset when the stream ends without Close", async () => {
  const { peer, rawConn } = await openRaw();
  peer.start();
  await rawConn.close();
  const cause = await within(peer.closed, 5000, "closed");
  assert.ok(cause instanceof ConnectionError);
  assert.equal(cause.code, "reset");
});

test("Peer stops delivering at a Close frame and ends orderly", async () => {
  const { peer, raw, rawConn } = await openRaw();
  const inbox = new Inbox(peer);
  peer.start();
  const close = control(FrameKind.Close, 0);
  await raw.writer.write(
    bytesOf([message(Uint8Array.of(1)), close, message(Uint8Array.of(2))]),
  );
  assert.equal(await within(peer.closed, 5000, "closed"), undefined);
  assert.deepEqual(inbox.frames.map((f) => f.payload[0]), [1]);
  await rawConn.close();
});

// -- faults --

test("Peer closes with ProtocolError on a malformed frame, leaving other peers alone", async () => {
  const { peer, raw, rawConn } = await openRaw();
  const other = await openPair();
  const inbox = new Inbox(other.b);
  peer.start();
  other.a.start();
  other.b.start();
  await raw.writer.write(Uint8Array.of(0, 0, 0, 2, 0x0b, 0));
  const cause = await within(peer.closed, 5000, "closed");
  assert.ok(cause instanceof ProtocolError);
  assert.equal(cause.offset, 4);
  other.a.send(message(Uint8Array.of(7)));
  await within(inbox.received(1), 5000, "a frame on the other pair");
  await other.a.close();
  await other.b.closed;
  await rawConn.closed;
});

test("Peer closes with the error an onFrames callback throws", async () => {
  const { a, b } = await openPair();
  const boom = new Error("handler failed");
  b.onFrames = () => {
    throw boom;
  };
  a.start();
  b.start();
  a.send(message(Uint8Array.of(1)));
  assert.equal(await within(b.closed, 5000, "closed"), boom);
  await a.closed;
});

test("Peer answers a Ping with a Pong of the same id and does not deliver either", async () => {
  const { peer, raw, rawConn } = await openRaw({ heartbeatInterval: 0 });
  const inbox = new Inbox(peer);
  peer.start();
  const ping = control(FrameKind.Ping, 77);
  const pong = control(FrameKind.Pong, 5);
  await raw.writer.write(bytesOf([ping, pong, message(Uint8Array.of(1))]));
  const parser = new FrameParser();
  const { value } = await within(raw.reader.read(), 5000, "the Pong");
  assert.deepEqual(parser.push(value!), [control(FrameKind.Pong, 77)]);
  await within(inbox.received(1), 5000, "the message");
  assert.equal(inbox.frames.length, 1);
  peer.abort();
  await rawConn.closed;
});
