/**
 * Peers over in-process connections, for the peer tests.
 *
 * @module
 */

import assert from "node:assert/strict";
import { connectionPair } from "../../src/transport/inproc_transport.ts";
import type { Connection } from "../../src/transport/transport.ts";
import { type Frame, FrameKind } from "../../src/frame/frame.ts";
import { openPeer, type Peer } from "../../src/peer/peer.ts";
import type { OpenPeerOptions } from "../../src/peer/peer_options.ts";
import { handshake, type HandshakeResult } from "../../src/wire/handshake.ts";
import { SocketType } from "../../src/wire/socket_type.ts";

/** Peer options without the handshake's required fields. */
export type Options = Partial<OpenPeerOptions>;

/** A message frame carrying `payload`. */
export function message(payload: Uint8Array): Frame {
  return {
    kind: FrameKind.Message,
    flags: 0,
    id: 0,
    topic: "",
    timestamp: 0,
    payload,
  };
}

/** A Ping, Pong or Close frame. */
export function control(kind: FrameKind, id: number): Frame {
  return { ...message(new Uint8Array(0)), kind, id };
}

/**
 * Asserts two frame lists are equal, one frame at a time, so a failure
 * prints one small diff instead of diffing thousands of frames at once.
 */
export function assertFrames(actual: Frame[], expected: Frame[]): void {
  for (let i = 0; i < Math.min(actual.length, expected.length); i++) {
    assert.deepEqual(actual[i], expected[i], `frame ${i} differs`);
  }
  assert.equal(actual.length, expected.length, "frame count differs");
}

/**
 * Wraps a connection's writable to count the transport writes made on it.
 */
export class CountedConnection implements Connection {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly localAddress: string;
  readonly remoteAddress: string;
  readonly closed: Promise<void>;
  /** Every chunk written, in order. */
  readonly chunks: Uint8Array[] = [];
  #inner: Connection;
  #waiters: { count: number; wake: () => void }[] = [];

  /** @param inner The connection to wrap. */
  constructor(inner: Connection) {
    this.#inner = inner;
    this.readable = inner.readable;
    this.localAddress = inner.localAddress;
    this.remoteAddress = inner.remoteAddress;
    this.closed = inner.closed;
    const writer = inner.writable.getWriter();
    this.writable = new WritableStream<Uint8Array>({
      write: (chunk) => {
        this.chunks.push(chunk);
        this.#waiters = this.#waiters.filter((waiter) => {
          if (this.chunks.length < waiter.count) return true;
          waiter.wake();
          return false;
        });
        return writer.write(chunk);
      },
      close: () => writer.close(),
      abort: (reason) => writer.abort(reason),
    });
  }

  /** Resolves once `count` writes were made. */
  writes(count: number): Promise<void> {
    if (this.chunks.length >= count) return Promise.resolve();
    return new Promise((wake) => this.#waiters.push({ count, wake }));
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}

/** Two connected peers (a dialling pair and an accepting pair). */
export interface PeerPair {
  a: Peer;
  b: Peer;
  /** The dialling side's connection, counting its writes. */
  aConn: CountedConnection;
}

/**
 * Opens two `pair` peers over an in-process connection.
 *
 * @param a Options of the dialling peer.
 * @param b Options of the accepting peer.
 * @param highWaterMark Bytes in flight per direction of the connection.
 */
export async function openPair(
  a: Options = {},
  b: Options = {},
  highWaterMark?: number,
): Promise<PeerPair> {
  const [left, right] = connectionPair(
    highWaterMark === undefined ? {} : { highWaterMark },
  );
  const aConn = new CountedConnection(left);
  const [peerA, peerB] = await Promise.all([
    openPeer(aConn, { socketType: SocketType.Pair, role: "connect", ...a }),
    openPeer(right, { socketType: SocketType.Pair, role: "accept", ...b }),
  ]);
  return { a: peerA, b: peerB, aConn };
}

/** A peer facing a hand-driven end that only did the handshake. */
export interface RawPair {
  peer: Peer;
  raw: HandshakeResult;
  rawConn: Connection;
}

/**
 * Opens one peer whose other end is driven by hand after the handshake.
 *
 * @param options The peer's options.
 */
export async function openRaw(options: Options = {}): Promise<RawPair> {
  const [left, right] = connectionPair();
  const [peer, raw] = await Promise.all([
    openPeer(left, {
      socketType: SocketType.Pair,
      role: "connect",
      ...options,
    }),
    handshake(right, { socketType: SocketType.Pair, role: "accept" }),
  ]);
  return { peer, raw, rawConn: right };
}

/** Collects every frame a peer delivers, and the batches they came in. */
export class Inbox {
  readonly frames: Frame[] = [];
  readonly batches: Frame[][] = [];
  #waiters: { count: number; wake: () => void }[] = [];

  /** @param peer The peer to listen to (its `onFrames` is replaced). */
  constructor(peer: Peer) {
    peer.onFrames = (frames) => {
      this.batches.push(frames);
      this.frames.push(...frames);
      this.#waiters = this.#waiters.filter((waiter) => {
        if (this.frames.length < waiter.count) return true;
        waiter.wake();
        return false;
      });
    };
  }

  /** Resolves once `count` frames arrived. */
  received(count: number): Promise<Frame[]> {
    if (this.frames.length >= count) return Promise.resolve(this.frames);
    return new Promise((wake) =>
      this.#waiters.push({ count, wake: () => wake(this.frames) })
    );
  }
}
