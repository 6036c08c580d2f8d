/**
 * The requesting side of request/reply.
 *
 * @module
 */

import { sendable } from "./_sendable.ts";
import { coarseNow } from "../peer/_coarse_clock.ts";
import type { Codec } from "../codec/codec.ts";
import { bytesCodec } from "../codec/bytes_codec.ts";
import {
  HighWaterMarkError,
  PeerLostError,
  ProtocolError,
  SocketClosedError,
  timeoutError,
} from "../errors.ts";
import { type Frame, FrameKind } from "../frame/frame.ts";
import type { Peer } from "../peer/peer.ts";
import { SocketType } from "../wire/socket_type.ts";
import { Deadlines } from "./_deadlines.ts";
import { LatencyWindow } from "./_latency_window.ts";
import { PeerRequests } from "./_peer_requests.ts";
import { type Pending, RequestTable } from "./_request_table.ts";
import { type ConnectionStats, Socket } from "./socket.ts";
import type { SocketOptions } from "./socket_options.ts";

/** Options of {@linkcode ReqSocket}. */
export interface ReqSocketOptions<T = Uint8Array> extends SocketOptions {
  /** Ms a request may take, counted from the call, connected or not. `Infinity` waits forever. @default 5000 */
  timeout?: number;
  /** Requests in flight at once; past it `request()` waits for room. @default 8192 */
  maxPending?: number;
  /** Past `maxPending`, reject at once with `HighWaterMarkError` instead of waiting. @default false */
  failFast?: boolean;
  /**
   * Treat every request as idempotent: when its connection dies, send it
   * again on another connection instead of failing with `PeerLostError`.
   * @default false
   */
  retry?: boolean;
  /** Encodes requests and decodes replies. @default bytesCodec */
  codec?: Codec<T>;
}

/** Options of one request. */
export interface RequestOptions {
  /** Overrides the socket's `timeout` for this request, in ms. */
  timeout?: number;
  /** Aborts the request; it rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Overrides the socket's `retry` for this request. */
  retry?: boolean;
}

/** A request that is on its way; `reply` settles when the answer comes. */
export interface PendingReply<T> {
  /** The reply, or the reason there is none (timeout, lost peer, close). */
  readonly reply: Promise<T>;
}

/** Counters of a {@linkcode ReqSocket}. */
export interface ReqSocketStats extends ConnectionStats {
  /** Requests sent (retries included). */
  requests: number;
  /** Replies matched to a request. */
  replies: number;
  /** Requests that timed out. */
  timeouts: number;
  /** Requests failed because their connection died. */
  peerLost: number;
  /** Requests sent again after their connection died. */
  retried: number;
  /** Requests waiting for a reply, for a connection, or for room. */
  pending: number;
  /** Payload bytes sent. */
  bytesOut: number;
  /** Payload bytes received. */
  bytesIn: number;
  /** Round-trip times of recent requests, in ms. */
  rtt: { count: number; mean: number; p50: number; p99: number };
}

/**
 * Sends requests to `RepSocket`s and matches each reply to its request.
 *
 * - Connected to several endpoints, it spreads requests round-robin.
 * - Many requests may be in flight; replies may come in any order.
 * - The timeout runs from the call, whether connected or not.
 * - A request whose connection dies fails fast with `PeerLostError`, or is
 *   sent again elsewhere when `retry` is set.
 *
 * @typeParam T Payload type; `Uint8Array` unless a `codec` says otherwise.
 *
 * @example Echo over the in-process transport
 * ```ts
 * import { RepSocket, ReqSocket } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * await using rep = new RepSocket();
 * await rep.bind("inproc://doc-req");
 * (async () => { for await (const req of rep) await req.respond(req.payload); })();
 * await using req = new ReqSocket();
 * await req.connect("inproc://doc-req");
 * const reply = await req.request(new TextEncoder().encode("hi"));
 * assert.equal(new TextDecoder().decode(reply), "hi");
 * ```
 */
export class ReqSocket<T = Uint8Array> extends Socket {
  readonly #codec: Codec<T>;
  readonly #table: RequestTable;
  readonly #rtt = new LatencyWindow();
  readonly #waiting: Pending[] = [];
  #ring: PeerRequests<Pending>[] = [];
  #next = 0;
  #stats = {
    requests: 0,
    replies: 0,
    timeouts: 0,
    peerLost: 0,
    retried: 0,
    bytesOut: 0,
    bytesIn: 0,
  };
  readonly #options: ReqSocketOptions<T>;
  readonly #identity: boolean;
  readonly #timeout: number;
  readonly #deadlines = new Deadlines<Pending>((pending) =>
    this.#expire(pending)
  );

  /**
   * Makes a request socket.
   *
   * @param options Timeout, bounds, retry policy, codec and shared socket options.
   */
  constructor(options: ReqSocketOptions<T> = {}) {
    super(SocketType.Req, options);
    this.#options = options;
    this.#codec = options.codec ?? (bytesCodec as unknown as Codec<T>);
    this.#identity = this.#codec === (bytesCodec as unknown as Codec<T>);
    this.#timeout = options.timeout ?? 5000;
    this.#table = new RequestTable(options.maxPending ?? 8192);
  }

  /** Counters and recent round-trip times, as a plain snapshot. */
  get stats(): ReqSocketStats {
    return {
      ...this.connectionStats(),
      ...this.#stats,
      pending: this.#table.size,
      rtt: this.#rtt.snapshot(),
    };
  }

  /**
   * Sends a request and waits for its reply.
   *
   * The payload is the caller's again once the call returns (with
   * `zeroCopy`, one of 16 KiB or more is written from its array: leave it
   * unchanged).
   *
   * @param payload The request.
   * @param options Per-request timeout, signal and retry.
   * @returns The reply.
   * @throws {DOMException} `TimeoutError` when no reply came within the timeout.
   * @throws {PeerLostError} When the connection died before the reply.
   * @throws {HighWaterMarkError} When `failFast` is set and `maxPending` is reached.
   * @throws {SocketClosedError} When the socket is (or gets) closed.
   */
  request(payload: T, options: RequestOptions = {}): Promise<T> {
    let pending: Pending;
    try {
      pending = this.#start(payload, options);
    } catch (error) {
      return Promise.reject(error);
    }
    const reply = this.#decoded(pending);
    if (pending.admitted) {
      this.#dispatch(pending, pending.sentAt);
      return reply;
    }
    return this.#table.waitForRoom(pending).then(() => {
      if (!pending.settled) this.#dispatch(pending);
      return reply;
    });
  }

  /**
   * Sends a request without waiting for the reply, so a caller can keep
   * thousands in flight. Resolves once there is room for it (`maxPending`).
   *
   * @param payload The request.
   * @param options Per-request timeout, signal and retry.
   * @returns The pending reply.
   * @throws {HighWaterMarkError} When `failFast` is set and `maxPending` is reached.
   * @throws {SocketClosedError} When the socket is closed.
   */
  async send(
    payload: T,
    options: RequestOptions = {},
  ): Promise<PendingReply<T>> {
    const pending = this.#start(payload, options);
    const reply = this.#decoded(pending);
    reply.catch(() => {});
    if (!pending.admitted) await this.#table.waitForRoom(pending);
    if (!pending.settled) this.#dispatch(pending);
    return { reply };
  }

  /** Checks, encodes, registers and arms a request; admits it when there is room. */
  #start(payload: T, options: RequestOptions): Pending {
    this.core.assertOpen("send request", payload);
    options.signal?.throwIfAborted();
    const bytes = sendable(
      this.#codec.encode(payload),
      payload,
      this.#options.zeroCopy ?? false,
    );
    if (this.#table.full && (this.#options.failFast ?? false)) {
      throw new HighWaterMarkError(
        `Cannot send request: ${this.#table.capacity} requests pending`,
        { value: payload },
      );
    }
    const timeout = options.timeout ?? this.#timeout;
    const retry = options.retry ?? this.#options.retry ?? false;
    const pending = this.#table.create(bytes, payload, retry, timeout);
    const now = coarseNow();
    pending.sentAt = now;
    if (Number.isFinite(timeout)) this.#deadlines.add(pending, timeout, now);
    const signal = options.signal;
    if (signal !== undefined) {
      const onAbort = () => this.#fail(pending, signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      pending.cleanup = () => signal.removeEventListener("abort", onAbort);
    }
    this.#table.tryAdmit(pending);
    return pending;
  }

  /** The reply as the caller sees it; call before the request can settle. */
  #decoded(pending: Pending): Promise<T> {
    const promise = pending.promise!;
    if (this.#identity) {
      return promise as Promise<unknown> as Promise<T>;
    }
    return promise.then((bytes) => this.#codec.decode(bytes));
  }

  #expire(pending: Pending): void {
    this.#stats.timeouts++;
    this.#fail(
      pending,
      timeoutError(`Request timed out after ${pending.timeout} ms`),
    );
  }

  #fail(pending: Pending, error: unknown): void {
    const index = this.#waiting.indexOf(pending);
    if (index >= 0) this.#waiting.splice(index, 1);
    this.#table.settle(pending, error);
  }

  /** Sends `pending` to the next peer, or parks it until one connects; `now` is the send time. */
  #dispatch(pending: Pending, now: number = coarseNow()): void {
    const route = this.#pick();
    if (route === undefined) {
      this.#waiting.push(pending);
      return;
    }
    this.#table.assign(pending, route, now);
    this.#stats.requests++;
    this.#stats.bytesOut += pending.bytes.byteLength;
    route.peer.send({
      kind: FrameKind.Request,
      flags: 0,
      id: pending.id,
      topic: "",
      timestamp: 0,
      payload: pending.bytes,
    });
  }

  #pick(): PeerRequests<Pending> | undefined {
    const ring = this.#ring;
    if (ring.length === 0) return undefined;
    this.#next = (this.#next + 1) % ring.length;
    return ring[this.#next];
  }

  /** @internal A handshaken peer joins: route its frames here. */
  protected onPeer(peer: Peer): void {
    const route = new PeerRequests<Pending>(peer);
    this.#ring = [...this.#ring, route];
    peer.onFrames = (frames) => this.#receive(route, frames);
    const waiting = this.#waiting.splice(0);
    for (const pending of waiting) this.#dispatch(pending);
  }

  #receive(route: PeerRequests<Pending>, frames: Frame[]): void {
    const now = coarseNow();
    for (const frame of frames) {
      if (frame.kind !== FrameKind.Reply) {
        route.peer.abort(
          new ProtocolError(
            `Cannot accept frame kind ${frame.kind} from a rep peer`,
          ),
        );
        return;
      }
      const pending = this.#table.take(route, frame.id);
      if (pending === undefined) continue; // late reply to a request that timed out or was aborted
      this.#stats.replies++;
      this.#stats.bytesIn += frame.payload.byteLength;
      this.#rtt.record(now - pending.sentAt);
      this.#table.settle(pending, undefined, frame.payload);
    }
  }

  /** @internal A peer has gone: settle what waited on it. */
  protected onPeerClosed(peer: Peer, cause: Error | undefined): void {
    const route = this.#ring.find((r) => r.peer === peer);
    this.#ring = this.#ring.filter((r) => r !== route);
    const orphans = route === undefined ? [] : this.#table.orphans(route);
    for (const pending of orphans) {
      if (pending.retry && this.core.state === "open") {
        this.#stats.retried++;
        this.#dispatch(pending);
        continue;
      }
      this.#stats.peerLost++;
      const message = `Cannot complete request: connection to ${
        this.core.endpointOf(peer)
      } closed`;
      this.#table.settle(pending, new PeerLostError(message, { cause }));
    }
  }

  /** @internal The socket closes: end readers, fail what waits. */
  protected onClose(): void {
    this.#waiting.length = 0;
    this.#deadlines.clear();
    this.#table.failAll((pending) =>
      new SocketClosedError('Cannot complete request: socket is "closing"', {
        value: pending.value,
      })
    );
  }
}
