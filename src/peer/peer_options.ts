/**
 * Options of a peer and of opening one.
 *
 * @module
 */

import type { Authenticate } from "../wire/handshake.ts";
import type { SocketType } from "../wire/socket_type.ts";

/** Options of a {@linkcode Peer}. */
export interface PeerOptions {
  /** Largest frame sent or accepted, in bytes after the length prefix. @default {DEFAULT_MAX_FRAME_SIZE} (16 MiB) */
  maxFrameSize?: number;
  /** Bytes queued before `send()` returns false. @default 1048576 (1 MiB) */
  writeHighWaterMark?: number;
  /** ms without sending before a Ping goes out; 0 disables. @default 5000 */
  heartbeatInterval?: number;
  /** ms without any inbound byte before the peer is declared dead; 0 disables. @default 15000 */
  heartbeatTimeout?: number;
}

/** Options of {@linkcode openPeer}. */
export interface OpenPeerOptions extends PeerOptions {
  /** This side's socket type. */
  socketType: SocketType;
  /** Sent to the peer in the handshake. @default {} */
  properties?: Record<string, unknown>;
  /** Bound on the handshake, in ms. @default 5000 */
  handshakeTimeout?: number;
  /** Lets the peer in or not; runs on the accepting side only. */
  authenticate?: Authenticate;
  /** Whether this side dialled or accepted the connection. */
  role: "connect" | "accept";
  /** Cancels the handshake. */
  signal?: AbortSignal;
}

/** Options of {@linkcode Peer.close}. */
export interface PeerCloseOptions {
  /** Longest wait, in ms, for queued frames to go out before closing anyway. @default 1000 */
  linger?: number;
}
