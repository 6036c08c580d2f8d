/**
 * A handshaken connection that carries frames: the unit sockets work with.
 *
 * @module
 */

import type { WireWriter } from "../transport/_wire_ends.ts";
import { SocketClosedError } from "../errors.ts";
import { type Frame, FrameKind } from "../frame/frame.ts";
import type { Connection } from "../transport/transport.ts";
import type { SocketType } from "../wire/socket_type.ts";
import type {
  OpenPeerOptions,
  PeerCloseOptions,
  PeerOptions,
} from "./peer_options.ts";
import { endedError } from "./_peer_errors.ts";
import { handshake, type HandshakeResult } from "../wire/handshake.ts";
import { waitAtMost } from "../wire/_wait_at_most.ts";
import type { FrameWriter, QueueLimits } from "./frame_writer.ts";
import type { Heartbeat } from "./heartbeat.ts";
import { type PeerSettings, peerSettings } from "./_peer_settings.ts";
import { controlFrame } from "./_control_frames.ts";
import type { PeerReader } from "./_peer_reader.ts";
import { peerParts } from "./_peer_parts.ts";

export type {
  OpenPeerOptions,
  PeerCloseOptions,
  PeerOptions,
} from "./peer_options.ts";

let lastPeerId = 0;

function ignore(): void {}

/**
 * Handshakes `conn` and returns a started-but-not-reading {@linkcode Peer}.
 *
 * @param conn A fresh connection.
 * @param options Socket type, role, handshake and peer options.
 * @returns The peer; set `onFrames`, then call `start()`.
 * @throws {HandshakeError} When the handshake fails; `conn` is closed.
 * @throws {RangeError} When an option is out of range; `conn` is closed.
 * @throws {unknown} `options.signal.reason` when the signal aborts.
 *
 * @example Two peers trade a message
 * ```ts
 * import { connectionPair, FrameKind, SocketType } from "@msg-ts/msg";
 * import { openPeer } from "./peer.ts";
 * import assert from "node:assert/strict";
 *
 * const [a, b] = connectionPair();
 * const [pair1, pair2] = await Promise.all([
 *   openPeer(a, { socketType: SocketType.Pair, role: "connect" }),
 *   openPeer(b, { socketType: SocketType.Pair, role: "accept" }),
 * ]);
 * const received = new Promise((resolve) => pair2.onFrames = resolve);
 * pair2.start();
 * pair1.start();
 * pair1.send({ kind: FrameKind.Message, flags: 0, id: 0, topic: "", timestamp: 0, payload: Uint8Array.of(1) });
 * assert.deepEqual((await received as { payload: Uint8Array }[])[0]!.payload, Uint8Array.of(1));
 * await pair1.close();
 * assert.equal(await pair2.closed, undefined);
 * ```
 */
export async function openPeer(
  conn: Connection,
  options: OpenPeerOptions,
): Promise<Peer> {
  try {
    peerSettings(options);
  } catch (error) {
    await conn.close().catch(ignore);
    throw error;
  }
  const shaken = await handshake(conn, {
    socketType: options.socketType,
    role: options.role,
    ...(options.properties !== undefined && { properties: options.properties }),
    ...(options.handshakeTimeout !== undefined &&
      { timeout: options.handshakeTimeout }),
    ...(options.authenticate !== undefined &&
      { authenticate: options.authenticate }),
    ...(options.signal !== undefined && { signal: options.signal }),
  });
  return new Peer(conn, shaken, options);
}

/**
 * One handshaken connection: frames out through a coalescing writer, frames
 * in through a zero-copy parser, with a heartbeat.
 *
 * - `onFrames` gets one array per chunk read, in order, never empty; Ping,
 *   Pong and Close are handled here and never delivered.
 * - `send()` encodes at once; every frame sent in one synchronous run goes
 *   out in one transport write, and frames sent while a write is in flight
 *   go out together when it completes.
 * - `pause()` stops reading (the remote writer then feels backpressure);
 *   batches already read wait for `resume()`. While paused, silence does not
 *   count against the peer.
 * - A malformed frame, a broken connection or a silent peer closes only this
 *   peer; `closed` then resolves with the cause. Nothing rejects unhandled.
 * - After `close()` starts, inbound frames are dropped and `send()` throws.
 */
export class Peer {
  /** Process-unique id; later peers have larger ids. */
  readonly id: number;
  /** This side's address. */
  readonly localAddress: string;
  /** The peer's address. */
  readonly remoteAddress: string;
  /** The peer's socket type, from the handshake. */
  readonly peerType: SocketType;
  /** The peer's properties, from the handshake. */
  readonly peerProperties: Record<string, unknown>;
  /** Resolves once the connection ended: `undefined` when orderly, else the cause. Never rejects. */
  readonly closed: Promise<Error | undefined>;
  /** Receives each batch of inbound frames. Set it before `start()`. */
  onFrames: (frames: Frame[], peer: Peer) => void = ignore;
  #conn: Connection;
  #rawWriter: WireWriter;
  #settings: PeerSettings;
  #writer: FrameWriter;
  #reader: PeerReader;
  #heartbeat: Heartbeat;
  #state: "open" | "closing" | "closed" = "open";
  #started = false;
  #settle!: (cause: Error | undefined) => void;

  /**
   * Wraps a handshaken connection; {@linkcode openPeer} is the usual way.
   *
   * @param conn The connection.
   * @param shaken What the handshake returned.
   * @param options Peer options.
   * @throws {RangeError} When an option is out of range.
   */
  constructor(
    conn: Connection,
    shaken: HandshakeResult,
    options: PeerOptions = {},
  ) {
    this.#settings = peerSettings(options);
    this.id = ++lastPeerId;
    this.#conn = conn;
    this.localAddress = conn.localAddress;
    this.remoteAddress = conn.remoteAddress;
    this.peerType = shaken.peerType;
    this.peerProperties = shaken.peerProperties;
    this.#rawWriter = shaken.writer;
    this.closed = new Promise((resolve) => this.#settle = resolve);
    // A peer that never started reading learns of the end from `conn.closed`.
    conn.closed.then(() => {
      if (!this.#started) this.#lost(endedError(this.remoteAddress));
    }, ignore);
    const parts = peerParts(shaken, this.#settings, this.remoteAddress, {
      isOpen: () => this.#state === "open",
      deliver: (frames) => this.#deliver(frames),
      closeSeen: () => this.#finish(undefined),
      lost: (cause) => this.#lost(cause),
    });
    this.#writer = parts.writer;
    this.#reader = parts.reader;
    this.#heartbeat = parts.heartbeat;
  }

  /** Bytes encoded but not yet accepted by the transport. */
  get bufferedBytes(): number {
    return this.#writer.bufferedBytes;
  }

  /** Frames encoded but not yet accepted by the transport. */
  get queuedFrames(): number {
    return this.#writer.queuedFrames;
  }

  /** `true` once `close()` or `abort()` was called or the connection ended. */
  get isClosed(): boolean {
    return this.#state !== "open";
  }

  /** Begins reading and starts the heartbeat. Idempotent. */
  start(): void {
    if (this.#started || this.#state !== "open") return;
    this.#started = true;
    this.#heartbeat.start();
    this.#reader.read();
  }

  /**
   * Encodes `frame` into the send buffer; it goes out on the next flush.
   *
   * @param frame The frame to send.
   * @returns `false` when `bufferedBytes` reached `writeHighWaterMark` (the
   * frame is queued anyway): wait for `drained()` before sending more.
   * @throws {SocketClosedError} Once the peer is closing or closed; the
   * frame is its `value`.
   * @throws {RangeError} When the frame is invalid or exceeds `maxFrameSize`.
   */
  send(frame: Frame): boolean {
    if (this.#state !== "open") {
      throw new SocketClosedError(
        `Cannot send to ${this.remoteAddress}: peer is ${this.#state}`,
        { value: frame },
      );
    }
    this.#writer.write(frame);
    return this.#writer.bufferedBytes < this.#settings.writeHighWaterMark;
  }

  /**
   * Resolves when the queue is below the limits, or the peer closes.
   *
   * @param limits `bytes` (default `writeHighWaterMark`) and `frames`
   * (default unbounded) to get below.
   * @returns A promise that never rejects.
   */
  drained(limits: Partial<QueueLimits> = {}): Promise<void> {
    return this.#writer.below({
      bytes: limits.bytes ?? this.#settings.writeHighWaterMark,
      ...(limits.frames !== undefined && { frames: limits.frames }),
    });
  }

  /** Stops reading; batches already read wait for `resume()`. */
  pause(): void {
    this.#heartbeat.suspend();
    this.#reader.pause();
  }

  /** Restarts reading, delivering held batches first. */
  resume(): void {
    this.#heartbeat.resume();
    this.#reader.resume();
  }

  /**
   * Closes in order: queued frames get up to `linger` ms to go out, then a
   * Close frame; then the connection closes. Idempotent.
   *
   * @param options `linger` in ms.
   * @returns A promise that resolves once the connection is closed.
   */
  async close(options: PeerCloseOptions = {}): Promise<void> {
    if (this.#state === "open") {
      this.#state = "closing";
      void this.#shutDown(options.linger ?? 1000);
    }
    await this.closed;
  }

  /**
   * Closes now, dropping queued frames.
   *
   * @param reason What `closed` resolves with; `undefined` when omitted.
   */
  abort(reason?: Error): void {
    this.#finish(reason);
  }

  async #shutDown(linger: number): Promise<void> {
    const deadline = performance.now() + linger;
    this.#heartbeat.stop();
    this.#writer.write(controlFrame(FrameKind.Close, 0));
    if (await waitAtMost(this.#writer.below({ bytes: 1 }), linger)) {
      // Half-close, then wait for the peer to hang up after our Close.
      await waitAtMost(this.#rawWriter.close(), deadline - performance.now());
      this.#reader.discard();
      await waitAtMost(this.#reader.ended, deadline - performance.now());
    }
    this.#finish(undefined);
  }

  #finish(cause: Error | undefined): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#heartbeat.stop();
    this.#writer.stop();
    this.#reader.stop();
    this.#rawWriter.abort().catch(ignore);
    this.#conn.close().then(
      () => this.#settle(cause),
      () => this.#settle(cause),
    );
  }

  #deliver(frames: Frame[]): void {
    try {
      this.onFrames(frames, this);
    } catch (error) {
      this.abort(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** A failure while open closes the peer with it; while closing, it only ends the wait. */
  #lost(cause: Error): void {
    if (this.#state === "open") this.#finish(cause);
  }
}
