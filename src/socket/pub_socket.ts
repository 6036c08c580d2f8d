/**
 * The publishing side of publish/subscribe.
 *
 * @module
 */

import { PublishPacer } from "./_publish_pacer.ts";
import { mustCopy } from "./_sendable.ts";
import type { Codec } from "../codec/codec.ts";
import { bytesCodec } from "../codec/bytes_codec.ts";
import { ProtocolError } from "../errors.ts";
import { FLAG_TIMESTAMP, type Frame, FrameKind } from "../frame/frame.ts";
import type { Peer } from "../peer/peer.ts";
import { TopicMatcher } from "../topic/topic_matcher.ts";
import { validatePattern } from "../topic/validate_pattern.ts";
import { validateTopic } from "../topic/validate_topic.ts";
import { SocketType } from "../wire/socket_type.ts";
import { type ConnectionStats, Socket } from "./socket.ts";
import type { SocketOptions } from "./socket_options.ts";

/** What a publisher does for a subscriber whose queue is full. */
export type SlowSubscriberPolicy = "drop" | "block";

/** Options of {@linkcode PubSocket}. */
export interface PubSocketOptions<T = Uint8Array> extends SocketOptions {
  /** Messages queued per subscriber before `policy` applies. @default 1024 */
  hwm?: number;
  /** Bytes queued per subscriber before `policy` applies. @default 16777216 */
  hwmBytes?: number;
  /**
   * `"drop"`: a full subscriber misses the newest message (counted, and a
   * `drop` event); others are not held up. `"block"`: `publish()` waits until
   * every matching subscriber has room, so nothing is lost.
   * @default "drop"
   */
  policy?: SlowSubscriberPolicy;
  /** Stamp each message with the publish time (ms since the epoch). @default false */
  timestamps?: boolean;
  /** Encodes payloads. @default bytesCodec */
  codec?: Codec<T>;
}

/** A message to publish through `writable`. */
export interface Publication<T = Uint8Array> {
  /** Dot-separated topic, e.g. `"prices.btc"`. */
  topic: string;
  /** The payload. */
  payload: T;
}

/** Counters of one subscriber. */
export interface SubscriberStats {
  /** Connection id. */
  peerId: number;
  /** The endpoint it came through. */
  endpoint: string;
  /** Its subscriptions. */
  patterns: string[];
  /** Messages handed to its connection. */
  delivered: number;
  /** Messages it missed because its queue was full. */
  dropped: number;
  /** Messages queued for it now. */
  queued: number;
}

/** Counters of a {@linkcode PubSocket}. */
export interface PubSocketStats extends ConnectionStats {
  /** `publish()` calls accepted. */
  published: number;
  /** Messages handed to subscriber connections, all subscribers together. */
  delivered: number;
  /** Messages dropped at a full subscriber, all subscribers together. */
  dropped: number;
  /** Payload bytes handed to subscriber connections. */
  bytesOut: number;
  /** One entry per subscriber. */
  subscribers: SubscriberStats[];
}

interface Subscriber {
  readonly matcher: TopicMatcher;
  readonly endpoint: string;
  seq: number;
  delivered: number;
  dropped: number;
}

/**
 * Publishes messages by topic to every `SubSocket` whose subscriptions match.
 *
 * - Filtering happens here, per subscriber: a subscriber receives only what
 *   it subscribed to (NATS-style patterns: `*` one token, `>` the rest).
 * - Each subscriber has its own queue, bounded by `hwm` messages and
 *   `hwmBytes`; past that, `policy` decides (drop for that subscriber only,
 *   or block `publish()`). Memory stays bounded whatever a subscriber does.
 * - Each subscriber sees consecutive sequence numbers; a gap means drops.
 *
 * @typeParam T Payload type; `Uint8Array` unless a `codec` says otherwise.
 *
 * @example Publish after the subscription is confirmed: nothing is missed
 * ```ts
 * import { PubSocket, SubSocket, textCodec } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * await using pub = new PubSocket({ codec: textCodec });
 * const endpoint = await pub.bind("inproc://doc-pub");
 * await using sub = new SubSocket({ codec: textCodec });
 * await sub.connect(endpoint);
 * await sub.subscribe("prices.>");
 * await pub.publish("prices.btc", "97000");
 * const { value } = await sub[Symbol.asyncIterator]().next();
 * assert.equal(value?.topic, "prices.btc");
 * assert.equal(value?.payload, "97000");
 * ```
 */
export class PubSocket<T = Uint8Array> extends Socket {
  readonly #codec: Codec<T>;
  readonly #hwm: number;
  readonly #hwmBytes: number;
  readonly #block: boolean;
  readonly #timestamps: boolean;
  readonly #subscribers = new Map<Peer, Subscriber>();
  #blocked: Promise<void> | undefined;
  #lastTopic = "";
  #pacer = new PublishPacer();
  readonly #zeroCopy: boolean;
  /** The current publish's payload is the caller's array and must be copied before it is sent. */
  #copyPending = false;
  /** Every matching subscriber's queue was full at the last publish. */
  #allDropped = false;
  /** The last publish's frame, free for the next one. */
  #spareFrame: Frame | undefined;
  #stats = { published: 0, delivered: 0, dropped: 0, bytesOut: 0 };
  #writable: WritableStream<Publication<T>> | undefined;

  /**
   * Makes a publish socket.
   *
   * @param options Bounds, slow-subscriber policy, codec and shared socket options.
   */
  constructor(options: PubSocketOptions<T> = {}) {
    super(SocketType.Pub, options);
    this.#codec = options.codec ?? (bytesCodec as unknown as Codec<T>);
    this.#hwm = options.hwm ?? 1024;
    this.#hwmBytes = options.hwmBytes ?? 16 * 1024 * 1024;
    this.#block = (options.policy ?? "drop") === "block";
    this.#timestamps = options.timestamps ?? false;
    this.#zeroCopy = options.zeroCopy ?? false;
    if (!(this.#hwm >= 1)) {
      throw new RangeError(
        `Cannot make PubSocket: hwm must be at least 1, got ${this.#hwm}`,
      );
    }
  }

  /** Counters, overall and per subscriber, as a plain snapshot. */
  get stats(): PubSocketStats {
    const subscribers = [...this.#subscribers].map(([peer, s]) => ({
      peerId: peer.id,
      endpoint: s.endpoint,
      patterns: s.matcher.patterns(),
      delivered: s.delivered,
      dropped: s.dropped,
      queued: peer.queuedFrames,
    }));
    return { ...this.connectionStats(), ...this.#stats, subscribers };
  }

  /** Publications as a stream sink; each write is one `publish()`. */
  get writable(): WritableStream<Publication<T>> {
    return this.#writable ??= new WritableStream<Publication<T>>({
      write: (message) => this.publish(message.topic, message.payload),
    });
  }

  /**
   * Publishes a message to every subscriber whose subscriptions match.
   *
   * The payload is the caller's again once the call returns (with
   * `zeroCopy`, one of 16 KiB or more is written from its array: leave it
   * unchanged).
   *
   * @param topic Dot-separated topic without wildcards.
   * @param payload The message.
   * @returns Resolves when the message is accepted: at once under `"drop"`,
   *   once every matching subscriber has room under `"block"`.
   * @throws {TypeError} When the topic is invalid.
   * @throws {SocketClosedError} When the socket is closed.
   */
  publish(topic: string, payload: T): Promise<void> {
    try {
      this.core.assertOpen("publish", payload);
      if (topic !== this.#lastTopic) {
        validateTopic(topic);
        this.#lastTopic = topic;
      }
      const bytes = this.#codec.encode(payload);
      // Peers encode a frame at once: unless a subscriber blocks, the same
      // object serves the next publish.
      const frame: Frame = this.#spareFrame ?? {
        kind: FrameKind.Publish,
        flags: 0,
        id: 0,
        topic,
        timestamp: 0,
        payload: bytes,
      };
      this.#spareFrame = undefined;
      frame.flags = this.#timestamps ? FLAG_TIMESTAMP : 0;
      frame.topic = topic;
      frame.timestamp = this.#timestamps ? Date.now() : 0;
      frame.payload = bytes;
      this.#stats.published++;
      // The caller's own large array is copied once, and only when some
      // subscriber takes the message: a dropped one costs no copy.
      this.#copyPending = mustCopy(bytes, payload, this.#zeroCopy);
      if (this.#blocked !== undefined) {
        this.#takePayload(frame);
        return this.#publishAfter(this.#blocked, frame);
      }
      const blocked = this.#fanOut(frame);
      if (blocked !== undefined) return blocked;
      frame.payload = EMPTY;
      this.#spareFrame = frame;
      return this.#pacer.next(this.#allDropped);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Makes the pending copy of the caller's payload, if one is due. */
  #takePayload(frame: Frame): void {
    if (!this.#copyPending) return;
    this.#copyPending = false;
    frame.payload = frame.payload.slice();
  }

  async #publishAfter(previous: Promise<void>, frame: Frame): Promise<void> {
    await previous;
    await this.#fanOut(frame);
  }

  /** Sends to every matching subscriber; returns a promise only when one blocks. */
  #fanOut(frame: Frame): Promise<void> | undefined {
    let waits: Promise<void>[] | undefined;
    this.#allDropped = false;
    let sent = 0;
    let dropped = 0;
    for (const [peer, sub] of this.#subscribers) {
      if (!sub.matcher.matches(frame.topic)) continue;
      sub.seq = (sub.seq + 1) >>> 0;
      if (
        peer.queuedFrames >= this.#hwm || peer.bufferedBytes >= this.#hwmBytes
      ) {
        if (this.#block) {
          this.#takePayload(frame);
          (waits ??= []).push(this.#sendWhenDrained(peer, sub, frame, sub.seq));
          continue;
        }
        sub.dropped++;
        dropped++;
        this.#stats.dropped++;
        if (this.listening("drop")) {
          this.emit("drop", {
            reason: "hwm",
            topic: frame.topic,
            peerId: peer.id,
          });
        }
        continue;
      }
      this.#takePayload(frame);
      this.#send(peer, sub, frame, sub.seq);
      sent++;
    }
    this.#allDropped = dropped > 0 && sent === 0;
    if (waits === undefined) return undefined;
    const blocked = Promise.all(waits).then(() => {
      if (this.#blocked === blocked) this.#blocked = undefined;
    });
    this.#blocked = blocked;
    return blocked;
  }

  async #sendWhenDrained(
    peer: Peer,
    sub: Subscriber,
    frame: Frame,
    seq: number,
  ): Promise<void> {
    await peer.drained({ frames: this.#hwm, bytes: this.#hwmBytes });
    if (!peer.isClosed) this.#send(peer, sub, frame, seq);
  }

  #send(peer: Peer, sub: Subscriber, frame: Frame, seq: number): void {
    frame.id = seq;
    peer.send(frame);
    sub.delivered++;
    this.#stats.delivered++;
    this.#stats.bytesOut += frame.payload.byteLength;
  }

  /** @internal A handshaken peer joins: route its frames here. */
  protected onPeer(peer: Peer, endpoint: string): void {
    this.#subscribers.set(peer, {
      matcher: new TopicMatcher(),
      endpoint,
      seq: 0,
      delivered: 0,
      dropped: 0,
    });
    peer.onFrames = (frames) => this.#control(peer, frames);
  }

  #control(peer: Peer, frames: Frame[]): void {
    const sub = this.#subscribers.get(peer);
    if (sub === undefined) return;
    for (const frame of frames) {
      const subscribe = frame.kind === FrameKind.Subscribe;
      if (!subscribe && frame.kind !== FrameKind.Unsubscribe) {
        peer.abort(
          new ProtocolError(
            `Cannot accept frame kind ${frame.kind} from a sub peer`,
          ),
        );
        return;
      }
      const pattern = DECODER.decode(frame.payload);
      try {
        validatePattern(pattern);
      } catch (cause) {
        peer.abort(
          new ProtocolError(
            `Cannot subscribe to "${pattern}": invalid pattern`,
            { cause },
          ),
        );
        return;
      }
      if (subscribe) sub.matcher.add(pattern);
      else if (sub.matcher.count(pattern) > 0) sub.matcher.remove(pattern);
      peer.send({
        kind: FrameKind.Ack,
        flags: 0,
        id: frame.id,
        topic: "",
        timestamp: 0,
        payload: EMPTY,
      });
    }
  }

  /** @internal A peer has gone: settle what waited on it. */
  protected onPeerClosed(peer: Peer): void {
    this.#subscribers.delete(peer);
  }

  /** @internal The socket closes: end readers, fail what waits. */
  protected onClose(): void {}
}

const EMPTY = new Uint8Array(0);
const DECODER = new TextDecoder();
