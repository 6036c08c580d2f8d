/**
 * Builds the three moving parts of a peer (writer, reader, heartbeat) and
 * wires them to each other, so `Peer` only keeps the life cycle.
 *
 * @module
 */

import { type Frame, FrameKind } from "../frame/frame.ts";
import type { HandshakeResult } from "../wire/handshake.ts";
import { controlFrame } from "./_control_frames.ts";
import { brokenError, endedError, silentError } from "./_peer_errors.ts";
import { PeerReader } from "./_peer_reader.ts";
import type { PeerSettings } from "./_peer_settings.ts";
import { FrameWriter } from "./frame_writer.ts";
import { Heartbeat } from "./heartbeat.ts";

/** What the parts need from the peer that owns them. */
export interface PeerHooks {
  /** Whether the peer is open; Pings go out only then. */
  isOpen(): boolean;
  /** A batch of socket frames. */
  deliver(frames: Frame[]): void;
  /** The remote said Close. */
  closeSeen(): void;
  /** The connection failed: it ended, broke, fell silent or sent bad bytes. */
  lost(cause: Error): void;
}

/** A peer's writer, reader and heartbeat. */
export interface PeerParts {
  writer: FrameWriter;
  reader: PeerReader;
  heartbeat: Heartbeat;
}

/**
 * Makes and wires the parts: Pings go out when sending idles, Pongs answer
 * Pings, any inbound byte feeds the heartbeat, and every failure becomes one
 * `lost(cause)` call with a `ConnectionError` or `ProtocolError`.
 *
 * @param shaken The handshaken connection's streams and leftover bytes.
 * @param settings Resolved peer options.
 * @param remote The remote address, for error messages.
 * @param hooks The owning peer.
 * @returns The parts, not started.
 */
export function peerParts(
  shaken: HandshakeResult,
  settings: PeerSettings,
  remote: string,
  hooks: PeerHooks,
): PeerParts {
  let pings = 0;
  const heartbeat = new Heartbeat({
    interval: settings.heartbeatInterval,
    timeout: settings.heartbeatTimeout,
    onIdle: () => {
      writer.releaseSpares();
      if (!hooks.isOpen()) return;
      pings = (pings + 1) >>> 0;
      writer.write(controlFrame(FrameKind.Ping, pings));
    },
    onSilent: (ms) => hooks.lost(silentError(remote, ms)),
  });
  const writer = new FrameWriter(shaken.writer, {
    maxFrameSize: settings.maxFrameSize,
    onError: (cause) => hooks.lost(brokenError("write to", remote, cause)),
    onWrite: () => heartbeat.sent(),
  });
  const reader = new PeerReader(
    shaken.reader,
    shaken.rest,
    settings.maxFrameSize,
    {
      onBytes: () => heartbeat.received(),
      beforeRead: () => writer.flushNow(),
      onFrames: (frames) => hooks.deliver(frames),
      onPings: (ids) => {
        for (const id of ids) writer.write(controlFrame(FrameKind.Pong, id));
      },
      onClose: () => hooks.closeSeen(),
      onEnd: () => hooks.lost(endedError(remote)),
      onError: (error, reading) =>
        hooks.lost(
          reading ? brokenError("read from", remote, error) : error as Error,
        ),
    },
  );
  return { writer, reader, heartbeat };
}
