/**
 * The golden vectors of PROTOCOL.md §4, shared by the frame tests.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  FLAG_TIMESTAMP,
  type Frame,
  FrameKind,
} from "../../src/frame/frame.ts";

/** Parses `"00 0b 01"` into bytes. */
export function hex(text: string): Uint8Array {
  const parts = text.trim().split(/\s+/).filter((part) => part !== "");
  return Uint8Array.from(parts, (part) => parseInt(part, 16));
}

/** Builds a frame with the unused fields left at `0`/`""`. */
export function frame(kind: FrameKind, fields: Partial<Frame> = {}): Frame {
  return {
    kind,
    flags: 0,
    id: 0,
    topic: "",
    timestamp: 0,
    payload: new Uint8Array(0),
    ...fields,
  };
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** A frame and its exact bytes on the wire. */
export interface Vector {
  name: string;
  frame: Frame;
  bytes: Uint8Array;
}

/** Every frame vector of PROTOCOL.md §4. */
export const FRAME_VECTORS: Vector[] = [
  {
    name: "Request id 7",
    frame: frame(FrameKind.Request, { id: 7, payload: utf8("hello") }),
    bytes: hex("00 00 00 0b 01 00 00 00 00 07 68 65 6c 6c 6f"),
  },
  {
    name: "Reply id 7",
    frame: frame(FrameKind.Reply, { id: 7, payload: utf8("world") }),
    bytes: hex("00 00 00 0b 02 00 00 00 00 07 77 6f 72 6c 64"),
  },
  {
    name: "Publish without timestamp",
    frame: frame(FrameKind.Publish, {
      id: 1,
      topic: "a.b",
      payload: utf8("hi"),
    }),
    bytes: hex("00 00 00 0d 03 00 00 00 00 01 00 03 61 2e 62 68 69"),
  },
  {
    name: "Publish with timestamp",
    frame: frame(FrameKind.Publish, {
      id: 2,
      flags: FLAG_TIMESTAMP,
      topic: "HELLO",
      timestamp: 1700000000000,
      payload: utf8("WORLD"),
    }),
    bytes: hex(
      "00 00 00 1a 03 08 00 00 00 02 00 05 48 45 4c 4c 4f " +
        "42 78 bc fe 56 80 00 00 57 4f 52 4c 44",
    ),
  },
  {
    name: "Subscribe id 1",
    frame: frame(FrameKind.Subscribe, { id: 1, payload: utf8("prices.>") }),
    bytes: hex("00 00 00 0e 04 00 00 00 00 01 70 72 69 63 65 73 2e 3e"),
  },
  {
    name: "Unsubscribe id 2",
    frame: frame(FrameKind.Unsubscribe, { id: 2, payload: utf8("prices.>") }),
    bytes: hex("00 00 00 0e 05 00 00 00 00 02 70 72 69 63 65 73 2e 3e"),
  },
  {
    name: "Ack id 1",
    frame: frame(FrameKind.Ack, { id: 1 }),
    bytes: hex("00 00 00 06 06 00 00 00 00 01"),
  },
  {
    name: "Ping id 3",
    frame: frame(FrameKind.Ping, { id: 3 }),
    bytes: hex("00 00 00 06 07 00 00 00 00 03"),
  },
  {
    name: "Pong id 3",
    frame: frame(FrameKind.Pong, { id: 3 }),
    bytes: hex("00 00 00 06 08 00 00 00 00 03"),
  },
  {
    name: "Close",
    frame: frame(FrameKind.Close, { payload: utf8("bye") }),
    bytes: hex("00 00 00 05 09 00 62 79 65"),
  },
  {
    name: "Message",
    frame: frame(FrameKind.Message, { payload: utf8("x") }),
    bytes: hex("00 00 00 03 0a 00 78"),
  },
];

/** Bytes that must be rejected, with the stream offset the error names. */
export interface BadVector {
  name: string;
  bytes: Uint8Array;
  offset: number;
  message: RegExp;
}

/** The rejected inputs of PROTOCOL.md §4. */
export const BAD_VECTORS: BadVector[] = [
  {
    name: "length 2^32-1",
    bytes: hex("ff ff ff ff"),
    offset: 0,
    message: /length 4294967295 exceeds maximum 16777216/,
  },
  {
    name: "length 1",
    bytes: hex("00 00 00 01 0a"),
    offset: 0,
    message: /length 1 is shorter than kind and flags/,
  },
  {
    name: "unknown kind",
    bytes: hex("00 00 00 02 0b 00"),
    offset: 4,
    message: /unknown kind 0x0b/,
  },
  {
    name: "short Request header",
    bytes: hex("00 00 00 05 01 00 00 00 00"),
    offset: 0,
    message: /length 5 is shorter than the 6-byte Request header/,
  },
  {
    name: "reserved flag bit",
    bytes: hex("00 00 00 06 01 10 00 00 00 01"),
    offset: 5,
    message: /flags 0x10 are not allowed on Request/,
  },
  {
    name: "topic overrun",
    bytes: hex("00 00 00 08 03 00 00 00 00 01 00 05"),
    offset: 10,
    message: /topic of 5 bytes overruns/,
  },
];

/** Concatenates byte arrays. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Asserts two frame lists are equal one frame at a time, so a failure diffs
 * one frame, not the whole list.
 */
export function assertFrames(actual: Frame[], expected: Frame[]): void {
  for (let i = 0; i < Math.min(actual.length, expected.length); i++) {
    assert.deepEqual(actual[i], expected[i], `frame ${i} differs`);
  }
  assert.equal(actual.length, expected.length, "frame count differs");
}
