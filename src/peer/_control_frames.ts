/**
 * Ping, Pong and Close: the frames a peer handles itself.
 *
 * @module
 */

import { type Frame, FrameKind } from "../frame/frame.ts";

const EMPTY = new Uint8Array(0);
const NO_PINGS: readonly number[] = Object.freeze([]);

/** A batch split into what the socket gets and what the peer handles. */
export interface SplitBatch {
  /** Frames for the socket, in order. */
  data: Frame[];
  /** Ids of the Pings to answer. */
  pings: readonly number[];
  /** A Close frame was seen; frames after it were dropped. */
  close: boolean;
}

/**
 * Makes a Ping, Pong or Close frame.
 *
 * @param kind Which one.
 * @param id The Ping's id (0 for Close).
 * @returns The frame.
 */
export function controlFrame(
  kind: typeof FrameKind.Ping | typeof FrameKind.Pong | typeof FrameKind.Close,
  id: number,
): Frame {
  return { kind, flags: 0, id, topic: "", timestamp: 0, payload: EMPTY };
}

function isControl(kind: FrameKind): boolean {
  return kind === FrameKind.Ping || kind === FrameKind.Pong ||
    kind === FrameKind.Close;
}

/**
 * Takes the control frames out of a batch. A batch without any (the usual
 * case) is returned as is, not copied.
 *
 * @param frames A decoded batch.
 * @returns The socket's frames, the Pings to answer, and whether the peer
 * said Close (frames after the Close are dropped).
 */
export function splitControl(frames: Frame[]): SplitBatch {
  let first = 0;
  while (first < frames.length && !isControl(frames[first]!.kind)) first++;
  if (first === frames.length) {
    return { data: frames, pings: NO_PINGS, close: false };
  }
  const data = frames.slice(0, first);
  const pings: number[] = [];
  for (let i = first; i < frames.length; i++) {
    const frame = frames[i]!;
    if (frame.kind === FrameKind.Close) return { data, pings, close: true };
    if (frame.kind === FrameKind.Ping) pings.push(frame.id);
    else if (frame.kind !== FrameKind.Pong) data.push(frame);
  }
  return { data, pings, close: false };
}
