/**
 * The subscribing side of publish/subscribe.
 *
 * @module
 */

import type { Codec } from "../codec/codec.ts";
import { bytesCodec } from "../codec/bytes_codec.ts";
import { ProtocolError } from "../errors.ts";
import { type Frame, FrameKind } from "../frame/frame.ts";
import type { Peer } from "../peer/peer.ts";
import { TopicMatcher } from "../topic/topic_matcher.ts";
import { validatePattern } from "../topic/validate_pattern.ts";
import { SocketType } from "../wire/socket_type.ts";
import { ReceiveQueue } from "./_receive_queue.ts";
import { type ConnectionStats, Socket } from "./socket.ts";
import type { SocketOptions } from "./socket_options.ts";

/** Options of {@linkcode SubSocket}. */
export interface SubSocketOptions<T = Uint8Array> extends SocketOptions {
  /**
   * Messages received but not yet read; past it the socket stops reading
   * its publishers, whose own `hwm` and policy then apply.
   * @default 1024
   */
  hwm?: number;
  /** Decodes payloads. @default bytesCodec */
  codec?: Codec<T>;
}

/** One received message. */
export interface Message<T = Uint8Array> {
  /** Its topic. */
  readonly topic: string;
  /** Its payload. */
  readonly payload: T;
  /** Sequence number from its publisher for this subscriber; a gap means the publisher dropped messages. */
  readonly seq: number;
  /** Publish time in ms since the epoch, when the publisher stamps messages; else 0. */
  readonly timestamp: number;
  /** The publisher's endpoint (as dialled). */
  readonly endpoint: string;
  /** Id of the connection it came on. */
  readonly peerId: number;
}

/** Counters of a {@linkcode SubSocket}. */
export interface SubSocketStats extends ConnectionStats {
  /** Messages delivered to the reader's queue. */
  received: number;
  /** Payload bytes received. */
  bytesIn: number;
  /** Messages dropped by the local filter (no subscription matched). */
  filtered: number;
  /** Messages whose payload the codec could not decode. */
  undecodable: number;
  /** Messages missing, by sequence gaps, summed over publishers. */
  gaps: number;
  /** Current subscriptions. */
  subscriptions: string[];
}

interface Publisher {
  readonly endpoint: string;
  readonly acks: Map<number, () => void>;
  nextId: number;
  lastSeq: number;
}

/**
 * Receives messages from any number of `PubSocket`s, filtered by topic.
 *
 * - `subscribe()` resolves once every connected publisher confirmed it, so
 *   a message published after it is never missed.
 * - Subscriptions are sent again to every publisher that connects or
 *   reconnects later, however many there are.
 * - A local filter drops anything no subscription matches.
 * - Iterate it (or read `readable`); iteration ends when the socket closes.
 *
 * @typeParam T Payload type; `Uint8Array` unless a `codec` says otherwise.
 *
 * @example Wildcards
 * ```ts
 * import { PubSocket, SubSocket, textCodec } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * await using pub = new PubSocket({ codec: textCodec });
 * await pub.bind("inproc://doc-sub");
 * await using sub = new SubSocket({ codec: textCodec });
 * await sub.connect("inproc://doc-sub");
 * await sub.subscribe("a.*.c");
 * await pub.publish("a.x.d", "no");
 * await pub.publish("a.b.c", "yes");
 * const { value } = await sub[Symbol.asyncIterator]().next();
 * assert.equal(value?.payload, "yes");
 * ```
 */
export class SubSocket<T = Uint8Array> extends Socket
  implements AsyncIterable<Message<T>> {
  readonly #codec: Codec<T>;
  readonly #matcher = new TopicMatcher();
  readonly #queue: ReceiveQueue<Message<T>>;
  readonly #publishers = new Map<Peer, Publisher>();
  #paused = false;
  #stats = { received: 0, bytesIn: 0, filtered: 0, undecodable: 0, gaps: 0 };
  #readable: ReadableStream<Message<T>> | undefined;

  /**
   * Makes a subscribe socket.
   *
   * @param options Receive bound, codec and shared socket options.
   */
  constructor(options: SubSocketOptions<T> = {}) {
    super(SocketType.Sub, options);
    this.#codec = options.codec ?? (bytesCodec as unknown as Codec<T>);
    this.#queue = new ReceiveQueue(options.hwm ?? 1024, () => this.#resume());
  }

  /** Counters, as a plain snapshot. */
  get stats(): SubSocketStats {
    return {
      ...this.connectionStats(),
      ...this.#stats,
      subscriptions: this.#matcher.patterns(),
    };
  }

  /** Messages as a stream; it closes when the socket closes. */
  get readable(): ReadableStream<Message<T>> {
    return this.#readable ??= this.#queue.readable();
  }

  /** Iterates over messages until the socket closes. */
  [Symbol.asyncIterator](): AsyncIterator<Message<T>> {
    return this.#queue.iterator();
  }

  /**
   * Subscribes to a pattern: `.` separates tokens, `*` matches one token,
   * `>` one or more trailing tokens. Subscribing twice needs two unsubscribes.
   *
   * @param pattern E.g. `"prices.>"`.
   * @returns Resolves once every connected publisher has confirmed it.
   * @throws {TypeError} When the pattern is invalid.
   * @throws {SocketClosedError} When the socket is closed.
   */
  subscribe(pattern: string): Promise<void> {
    return this.#change(pattern, FrameKind.Subscribe);
  }

  /**
   * Removes one subscription to a pattern.
   *
   * @param pattern A pattern passed to `subscribe()`.
   * @returns Resolves once every connected publisher has confirmed it.
   * @throws {TypeError} When not subscribed to it.
   */
  unsubscribe(pattern: string): Promise<void> {
    return this.#change(pattern, FrameKind.Unsubscribe);
  }

  async #change(
    pattern: string,
    kind: typeof FrameKind.Subscribe | typeof FrameKind.Unsubscribe,
  ): Promise<void> {
    this.core.assertOpen(
      kind === FrameKind.Subscribe ? "subscribe" : "unsubscribe",
    );
    validatePattern(pattern);
    if (kind === FrameKind.Subscribe) {
      this.#matcher.add(pattern);
    } else {
      if (this.#matcher.count(pattern) === 0) {
        throw new TypeError(
          `Cannot unsubscribe from "${pattern}": not subscribed`,
        );
      }
      this.#matcher.remove(pattern);
    }
    await Promise.all(
      [...this.#publishers].map(([peer, p]) =>
        this.#sendControl(peer, p, kind, pattern)
      ),
    );
  }

  #sendControl(
    peer: Peer,
    publisher: Publisher,
    kind: FrameKind,
    pattern: string,
  ): Promise<void> {
    if (peer.isClosed) return Promise.resolve();
    const id = publisher.nextId;
    publisher.nextId = (id + 1) >>> 0;
    const payload = ENCODER.encode(pattern);
    const acked = new Promise<void>((resolve) =>
      publisher.acks.set(id, resolve)
    );
    peer.send({ kind, flags: 0, id, topic: "", timestamp: 0, payload });
    return acked;
  }

  /** @internal A handshaken peer joins: route its frames here. */
  protected onPeer(peer: Peer, endpoint: string): void {
    const publisher: Publisher = {
      endpoint,
      acks: new Map(),
      nextId: 0,
      lastSeq: 0,
    };
    this.#publishers.set(peer, publisher);
    peer.onFrames = (frames) => this.#receive(peer, publisher, frames);
    for (const pattern of this.#matcher.patterns()) {
      void this.#sendControl(peer, publisher, FrameKind.Subscribe, pattern);
    }
    if (this.#paused) peer.pause();
  }

  #receive(peer: Peer, publisher: Publisher, frames: Frame[]): void {
    for (const frame of frames) {
      if (frame.kind === FrameKind.Ack) {
        const resolve = publisher.acks.get(frame.id);
        publisher.acks.delete(frame.id);
        resolve?.();
        continue;
      }
      if (frame.kind !== FrameKind.Publish) {
        peer.abort(
          new ProtocolError(
            `Cannot accept frame kind ${frame.kind} from a pub peer`,
          ),
        );
        return;
      }
      this.#deliver(peer, publisher, frame);
    }
    if (this.#queue.full && !this.#paused) {
      this.#paused = true;
      for (const p of this.#publishers.keys()) p.pause();
    }
  }

  #deliver(peer: Peer, publisher: Publisher, frame: Frame): void {
    const expected = (publisher.lastSeq + 1) >>> 0;
    if (frame.id !== expected) this.#stats.gaps += (frame.id - expected) >>> 0;
    publisher.lastSeq = frame.id;
    if (!this.#matcher.matches(frame.topic)) {
      this.#stats.filtered++;
      this.emit("drop", {
        reason: "filtered",
        topic: frame.topic,
        peerId: peer.id,
      });
      return;
    }
    let payload: T;
    try {
      payload = this.#codec.decode(frame.payload);
    } catch {
      this.#stats.undecodable++;
      this.emit("drop", {
        reason: "decode",
        topic: frame.topic,
        peerId: peer.id,
      });
      return;
    }
    this.#stats.received++;
    this.#stats.bytesIn += frame.payload.byteLength;
    this.#queue.push({
      topic: frame.topic,
      payload,
      seq: frame.id,
      timestamp: frame.timestamp,
      endpoint: publisher.endpoint,
      peerId: peer.id,
    });
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    for (const peer of this.#publishers.keys()) peer.resume();
  }

  /** @internal A peer has gone: settle what waited on it. */
  protected onPeerClosed(peer: Peer): void {
    const publisher = this.#publishers.get(peer);
    this.#publishers.delete(peer);
    for (const resolve of publisher?.acks.values() ?? []) resolve();
  }

  /** @internal The socket closes: end readers, fail what waits. */
  protected onClose(): void {
    this.#queue.close({ discard: true });
    for (const publisher of this.#publishers.values()) {
      for (const resolve of publisher.acks.values()) resolve();
      publisher.acks.clear();
    }
  }
}

const ENCODER = new TextEncoder();
