/**
 * Peer options with their defaults applied and checked.
 *
 * @module
 */

import { DEFAULT_MAX_FRAME_SIZE } from "../frame/frame.ts";
import type { PeerOptions } from "./peer.ts";

/** Default bytes queued before `Peer.send()` returns false: 1 MiB. */
export const DEFAULT_WRITE_HIGH_WATER_MARK = 1024 * 1024;
/** Default ms of send-idleness before a Ping. */
export const DEFAULT_HEARTBEAT_INTERVAL = 5000;
/** Default ms of receive-silence before the peer is declared dead. */
export const DEFAULT_HEARTBEAT_TIMEOUT = 15000;
/** Longest delay a timer takes. */
const MAX_DELAY = 2 ** 31 - 1;

/** Every peer option, resolved. */
export interface PeerSettings {
  maxFrameSize: number;
  writeHighWaterMark: number;
  heartbeatInterval: number;
  heartbeatTimeout: number;
}

/**
 * Applies defaults and checks ranges.
 *
 * @param options What the caller gave.
 * @returns The settings.
 * @throws {RangeError} When a value is out of range.
 */
export function peerSettings(options: PeerOptions): PeerSettings {
  const settings = {
    maxFrameSize: options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE,
    writeHighWaterMark: options.writeHighWaterMark ??
      DEFAULT_WRITE_HIGH_WATER_MARK,
    heartbeatInterval: options.heartbeatInterval ?? DEFAULT_HEARTBEAT_INTERVAL,
    heartbeatTimeout: options.heartbeatTimeout ?? DEFAULT_HEARTBEAT_TIMEOUT,
  };
  const { maxFrameSize, writeHighWaterMark } = settings;
  if (
    !Number.isInteger(maxFrameSize) || maxFrameSize < 1 ||
    maxFrameSize > 0xffffffff
  ) {
    throw new RangeError(
      `Cannot open peer: maxFrameSize ${maxFrameSize} is not an integer in 1..4294967295`,
    );
  }
  if (!(writeHighWaterMark >= 0)) {
    throw new RangeError(
      `Cannot open peer: writeHighWaterMark ${writeHighWaterMark} is not >= 0`,
    );
  }
  for (const name of ["heartbeatInterval", "heartbeatTimeout"] as const) {
    const value = settings[name];
    if (!(value >= 0 && value <= MAX_DELAY)) {
      throw new RangeError(
        `Cannot open peer: ${name} ${value} is not a number of ms in 0..${MAX_DELAY}`,
      );
    }
  }
  return settings;
}
