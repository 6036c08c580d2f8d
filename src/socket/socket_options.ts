/**
 * Options every socket accepts.
 *
 * @module
 */

import type { Transport } from "../transport/transport.ts";
import type { BackoffOptions } from "../peer/backoff.ts";

/**
 * Options shared by every socket. Each socket's own options type extends this.
 */
export interface SocketOptions {
  /**
   * Transports to use, one per scheme. Left out, the socket uses the running
   * runtime's set (TCP, IPC, TLS where configured, in-process), loaded once.
   */
  transports?: readonly Transport[];
  /**
   * Properties sent to every peer in the handshake (for example an auth
   * token). Values must be MessagePack-encodable.
   * @default {}
   */
  properties?: Record<string, unknown>;
  /**
   * Decides, on the accepting side, whether a connecting peer may talk to this
   * socket, from the properties it sent. Return `true` to accept, `false` or a
   * reason string to refuse. A hook that throws refuses too.
   */
  authenticate?: (
    peerProperties: Record<string, unknown>,
  ) => boolean | string | Promise<boolean | string>;
  /**
   * Time a connection has to finish its handshake, in ms; an accepted
   * connection that says nothing is closed after it. A dialler also gives
   * each dial this long before it counts as failed.
   * @default 5000
   */
  handshakeTimeout?: number;
  /**
   * Writes payloads of 16 KiB or more straight from the caller's array, with
   * no copy: the caller must then leave the array's bytes unchanged after
   * handing it over. Off, such a payload is copied once per call (and shared
   * by every subscriber). It matters only when the codec hands the caller's
   * array through, as the default bytes codec does; other codecs make fresh
   * bytes anyway.
   * @default false
   */
  zeroCopy?: boolean;
  /** Largest frame accepted from a peer, in bytes. @default 16777216 */
  maxFrameSize?: number;
  /** Ms without sending before a ping goes out; 0 turns heartbeats off. @default 5000 */
  heartbeatInterval?: number;
  /** Ms without receiving anything before a peer is declared dead. @default 15000 */
  heartbeatTimeout?: number;
  /** Reconnection schedule of dialers (see `Backoff`). @default { initial: 100, factor: 2, max: 5000, jitter: "full" } */
  reconnect?: BackoffOptions;
  /** How long `close()` keeps flushing queued messages, in ms. 0 drops them. @default 1000 */
  linger?: number;
  /** Most connections a bound endpoint accepts at once; more are refused. @default 1024 */
  maxConnections?: number;
}
