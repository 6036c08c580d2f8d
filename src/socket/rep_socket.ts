/**
 * The replying side of request/reply.
 *
 * @module
 */

import { sendable } from "./_sendable.ts";
import type { Codec } from "../codec/codec.ts";
import { bytesCodec } from "../codec/bytes_codec.ts";
import { PeerLostError, ProtocolError } from "../errors.ts";
import { type Frame, FrameKind } from "../frame/frame.ts";
import type { Peer } from "../peer/peer.ts";
import { SocketType } from "../wire/socket_type.ts";
import { ReceiveQueue } from "./_receive_queue.ts";
import { type ConnectionStats, Socket } from "./socket.ts";
import type { SocketOptions } from "./socket_options.ts";

/** Options of {@linkcode RepSocket}. */
export interface RepSocketOptions<T = Uint8Array> extends SocketOptions {
  /**
   * Requests of one peer received but not yet answered; past it the socket
   * stops reading that peer (its requests wait in the network, none is dropped).
   * @default 1024
   */
  maxUnanswered?: number;
  /** Decodes requests and encodes replies. @default bytesCodec */
  codec?: Codec<T>;
}

/** One received request. Answer it with `respond()`, once. */
export interface Request<T = Uint8Array> {
  /** The request's payload. */
  readonly payload: T;
  /** Id of the connection it came on. */
  readonly peerId: number;
  /** The endpoint it came through. */
  readonly endpoint: string;
  /**
   * Sends the reply to the peer that asked. Resolves once the reply is
   * queued within the connection's bound (backpressure). The reply is the
   * caller's again once the call returns (with `zeroCopy`, one of 16 KiB or
   * more is written from its array: leave it unchanged).
   *
   * @throws {PeerLostError} When the peer has gone.
   * @throws {TypeError} When the request was already answered.
   */
  respond(payload: T): Promise<void>;
}

/** Counters of a {@linkcode RepSocket}. */
export interface RepSocketStats extends ConnectionStats {
  /** Requests received. */
  requests: number;
  /** Replies sent. */
  replies: number;
  /** Requests received but not answered yet. */
  unanswered: number;
  /** Replies that could not be sent because the peer had gone. */
  peerLost: number;
  /** Payload bytes received. */
  bytesIn: number;
  /** Payload bytes sent. */
  bytesOut: number;
}

interface PeerState {
  unanswered: number;
  paused: boolean;
  endpoint: string;
}

/**
 * Receives requests from any number of `ReqSocket`s and routes each reply
 * back to the peer and request it answers.
 *
 * - Iterate it (or read `readable`) to receive requests; iteration ends
 *   when the socket closes.
 * - Replies may be sent in any order.
 * - A peer with `maxUnanswered` requests outstanding is not read until some
 *   are answered: memory stays bounded, and nothing is dropped.
 *
 * @typeParam T Payload type; `Uint8Array` unless a `codec` says otherwise.
 *
 * @example An upper-casing service
 * ```ts
 * import { RepSocket, ReqSocket, textCodec } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * await using rep = new RepSocket({ codec: textCodec });
 * const endpoint = await rep.bind("inproc://doc-rep");
 * (async () => { for await (const req of rep) await req.respond(req.payload.toUpperCase()); })();
 * await using req = new ReqSocket({ codec: textCodec });
 * await req.connect(endpoint);
 * assert.equal(await req.request("hi"), "HI");
 * ```
 */
export class RepSocket<T = Uint8Array> extends Socket
  implements AsyncIterable<Request<T>> {
  readonly #codec: Codec<T>;
  readonly #maxUnanswered: number;
  readonly #queue = new ReceiveQueue<Request<T>>(Infinity, () => {});
  readonly #peers = new Map<Peer, PeerState>();
  #stats = { requests: 0, replies: 0, peerLost: 0, bytesIn: 0, bytesOut: 0 };
  #readable: ReadableStream<Request<T>> | undefined;

  /**
   * Makes a reply socket.
   *
   * @param options Per-peer bound, codec and shared socket options.
   */
  constructor(options: RepSocketOptions<T> = {}) {
    super(SocketType.Rep, options);
    this.#codec = options.codec ?? (bytesCodec as unknown as Codec<T>);
    this.#maxUnanswered = options.maxUnanswered ?? 1024;
    this.#zeroCopy = options.zeroCopy ?? false;
  }

  /** Counters, as a plain snapshot. */
  get stats(): RepSocketStats {
    let unanswered = 0;
    for (const state of this.#peers.values()) unanswered += state.unanswered;
    return { ...this.connectionStats(), ...this.#stats, unanswered };
  }

  /** Requests as a stream; it closes when the socket closes. */
  get readable(): ReadableStream<Request<T>> {
    return this.#readable ??= this.#queue.readable();
  }

  /** Iterates over requests until the socket closes. */
  [Symbol.asyncIterator](): AsyncIterator<Request<T>> {
    return this.#queue.iterator();
  }

  /** @internal A handshaken peer joins: route its frames here. */
  protected onPeer(peer: Peer, endpoint: string): void {
    this.#peers.set(peer, { unanswered: 0, paused: false, endpoint });
    peer.onFrames = (frames) => this.#receive(peer, frames);
  }

  #receive(peer: Peer, frames: Frame[]): void {
    const state = this.#peers.get(peer);
    if (state === undefined) return;
    for (const frame of frames) {
      if (frame.kind !== FrameKind.Request) {
        peer.abort(
          new ProtocolError(
            `Cannot accept frame kind ${frame.kind} from a req peer`,
          ),
        );
        return;
      }
      let payload: T;
      try {
        payload = this.#codec.decode(frame.payload);
      } catch (cause) {
        peer.abort(
          new ProtocolError("Cannot decode request payload", { cause }),
        );
        return;
      }
      this.#stats.requests++;
      this.#stats.bytesIn += frame.payload.byteLength;
      state.unanswered++;
      this.#queue.push(this.#request(peer, state, frame.id, payload));
    }
    if (state.unanswered >= this.#maxUnanswered && !state.paused) {
      state.paused = true;
      peer.pause();
    }
  }

  #request(peer: Peer, state: PeerState, id: number, payload: T): Request<T> {
    return new ReceivedRequest(payload, peer, state, id, this.#respond);
  }

  /** Sends `reply` to the peer that asked `request`; shared by every request. */
  readonly #zeroCopy: boolean;
  #respond: Responder<T> = async (peer, state, id, reply) => {
    if (peer.isClosed) {
      this.#stats.peerLost++;
      throw new PeerLostError(
        `Cannot respond: connection to ${peer.remoteAddress} closed`,
      );
    }
    const bytes = sendable(this.#codec.encode(reply), reply, this.#zeroCopy);
    state.unanswered--;
    if (state.paused && state.unanswered < this.#maxUnanswered) {
      state.paused = false;
      peer.resume();
    }
    this.#stats.replies++;
    this.#stats.bytesOut += bytes.byteLength;
    const frame = {
      kind: FrameKind.Reply,
      flags: 0,
      id,
      topic: "",
      timestamp: 0,
      payload: bytes,
    };
    if (!peer.send(frame)) await peer.drained();
  };

  /** @internal A peer has gone: settle what waited on it. */
  protected onPeerClosed(peer: Peer): void {
    this.#peers.delete(peer);
  }

  /** @internal The socket closes: end readers, fail what waits. */
  protected onClose(): void {
    this.#queue.close({ discard: true });
  }
}

/** Sends a reply for request `id` of `peer`. */
type Responder<T> = (
  peer: Peer,
  state: PeerState,
  id: number,
  reply: T,
) => Promise<void>;

/** A request as a `RepSocket` hands it out: its reply goes back through the socket. */
class ReceivedRequest<T> implements Request<T> {
  readonly payload: T;
  readonly peerId: number;
  readonly endpoint: string;
  readonly respond: (payload: T) => Promise<void>;
  #peer: Peer;
  #state: PeerState;
  #id: number;
  #respond: Responder<T>;
  #answered = false;

  constructor(
    payload: T,
    peer: Peer,
    state: PeerState,
    id: number,
    respond: Responder<T>,
  ) {
    this.payload = payload;
    this.peerId = peer.id;
    this.endpoint = state.endpoint;
    this.#peer = peer;
    this.#state = state;
    this.#id = id;
    this.#respond = respond;
    // An own property, so that `const { respond } = request` works too.
    this.respond = (payload) => this.#answer(payload);
  }

  #answer(payload: T): Promise<void> {
    if (this.#answered) {
      return Promise.reject(
        new TypeError("Cannot respond to a request twice"),
      );
    }
    this.#answered = true;
    return this.#respond(this.#peer, this.#state, this.#id, payload);
  }
}
