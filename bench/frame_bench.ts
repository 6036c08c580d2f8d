/**
 * Cost of the frame codec per message: `deno bench bench/frame_bench.ts`.
 *
 * Each case handles a batch of 1000 frames, so the time per iteration in
 * microseconds is the cost per frame in nanoseconds.
 *
 * - encode: `encodedFrameSize` + `encodeFrame` into one buffer, the way the
 *   peer's writer fills its slab.
 * - decode: `FrameParser.push` of the batch as one chunk (payloads are views,
 *   nothing is copied), and of the batch cut into 16 KiB reads, where the
 *   frames that straddle two reads are assembled.
 *
 * @module
 */

import { FrameParser } from "../src/frame/decode_frame.ts";
import { encodedFrameSize, encodeFrame } from "../src/frame/encode_frame.ts";
import { FLAG_TIMESTAMP, type Frame, FrameKind } from "../src/frame/frame.ts";

const BATCH = 1000;
const READ_SIZE = 16 * 1024;

function message(size: number): Frame {
  return {
    kind: FrameKind.Message,
    flags: 0,
    id: 0,
    topic: "",
    timestamp: 0,
    payload: new Uint8Array(size).fill(0x61),
  };
}

function publish(size: number): Frame {
  return {
    kind: FrameKind.Publish,
    flags: FLAG_TIMESTAMP,
    id: 1,
    topic: "prices.btc",
    timestamp: 1_700_000_000_000,
    payload: new Uint8Array(size).fill(0x62),
  };
}

function request(size: number): Frame {
  return { ...message(size), kind: FrameKind.Request, id: 7 };
}

function batchOf(frame: Frame): Frame[] {
  return Array.from({ length: BATCH }, (_, i) => ({ ...frame, id: i }));
}

function encodeBatch(frames: Frame[], target: Uint8Array): number {
  let offset = 0;
  for (const frame of frames) {
    if (offset + encodedFrameSize(frame) > target.length) offset = 0;
    offset = encodeFrame(frame, target, offset);
  }
  return offset;
}

function encoded(frames: Frame[]): Uint8Array {
  const bytes = new Uint8Array(
    frames.reduce((n, frame) => n + encodedFrameSize(frame), 0),
  );
  encodeBatch(frames, bytes);
  return bytes;
}

function reads(bytes: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += READ_SIZE) {
    chunks.push(bytes.subarray(at, at + READ_SIZE));
  }
  return chunks;
}

const cases: [string, Frame][] = [
  ["Message 64 B", message(64)],
  ["Request 64 B", request(64)],
  ["Publish 64 B", publish(64)],
  ["Message 1 KiB", message(1024)],
  ["Publish 1 KiB", publish(1024)],
];

for (const [name, frame] of cases) {
  const frames = batchOf(frame);
  const bytes = encoded(frames);
  const slab = new Uint8Array(64 * 1024);
  const parser = new FrameParser();
  const pieces = reads(bytes);
  let sink = 0;

  Deno.bench(`encode 1000 × ${name}`, { group: `encode ${name}` }, () => {
    sink += encodeBatch(frames, slab);
  });
  Deno.bench(`decode 1000 × ${name}, one chunk`, {
    group: `decode ${name}`,
    baseline: true,
  }, () => {
    sink += parser.push(bytes).length;
  });
  Deno.bench(`decode 1000 × ${name}, 16 KiB reads`, {
    group: `decode ${name}`,
  }, () => {
    for (const piece of pieces) sink += parser.push(piece).length;
  });
  if (sink < 0) throw new Error("unreachable");
}
