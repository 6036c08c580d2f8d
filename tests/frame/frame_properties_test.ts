import assert from "node:assert/strict";
import { fc } from "../_helpers/fc.ts";
import { test } from "../_helpers/test.ts";
import { FrameParser } from "../../src/frame/decode_frame.ts";
import { encodedFrameSize, encodeFrame } from "../../src/frame/encode_frame.ts";
import {
  FLAG_TIMESTAMP,
  type Frame,
  FrameKind,
} from "../../src/frame/frame.ts";
import { ProtocolError } from "../../src/errors.ts";
import { assertFrames, FRAME_VECTORS } from "./_vectors.ts";

// -- arbitraries --

const ID_KINDS = [
  FrameKind.Request,
  FrameKind.Reply,
  FrameKind.Subscribe,
  FrameKind.Unsubscribe,
  FrameKind.Ack,
  FrameKind.Ping,
  FrameKind.Pong,
];
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const payload = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 3000 }) },
);
const topic = fc.oneof(
  fc.constantFrom("", "a.b", "prices.btc", "prix.€"),
  fc.string({ unit: "grapheme", maxLength: 30 }),
);

/** fast-check records have a null prototype; frames are plain objects. */
function plain(frame: Frame): Frame {
  return { ...frame };
}

const idFrame = fc.record({
  kind: fc.constantFrom(...ID_KINDS),
  flags: fc.integer({ min: 0, max: 7 }),
  id: u32,
  topic: fc.constant(""),
  timestamp: fc.constant(0),
  payload,
}).map(plain);
const bareFrame = fc.record({
  kind: fc.constantFrom(FrameKind.Message, FrameKind.Close),
  flags: fc.integer({ min: 0, max: 7 }),
  id: fc.constant(0),
  topic: fc.constant(""),
  timestamp: fc.constant(0),
  payload,
}).map(plain);
const publishFrame = fc.record({
  flags: fc.integer({ min: 0, max: 15 }),
  id: u32,
  topic,
  timestamp: fc.double(),
  payload,
}).map(({ flags, timestamp, ...rest }): Frame => ({
  kind: FrameKind.Publish,
  flags,
  timestamp: (flags & FLAG_TIMESTAMP) === 0 ? 0 : timestamp,
  ...rest,
}));
const anyFrame: fc.Arbitrary<Frame> = fc.oneof(
  idFrame,
  bareFrame,
  publishFrame,
);

/** Bytes that often look like frame headers, so fuzzing gets past the length check. */
const headerLike = fc.tuple(
  fc.integer({ min: 0, max: 80 }),
  fc.integer({ min: 0, max: 12 }),
  fc.integer({ min: 0, max: 20 }),
  fc.uint8Array({ maxLength: 40 }),
).map(([length, kind, flags, rest]) =>
  Uint8Array.of(0, 0, 0, length, kind, flags, ...rest)
);
const garbage = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 400 }),
  fc.array(fc.oneof(headerLike, fc.uint8Array({ maxLength: 8 })), {
    minLength: 1,
    maxLength: 12,
  }).map((parts) => Uint8Array.from(parts.flatMap((part) => [...part]))),
);

/** Cuts `bytes` at the given points (taken modulo its length). */
function cut(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const at = [...new Set(points.map((p) => p % (bytes.length + 1)))]
    .sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const end of [...at, bytes.length]) {
    chunks.push(bytes.subarray(start, end));
    start = end;
  }
  return chunks;
}

function encodeAll(frames: Frame[]): { bytes: Uint8Array; starts: number[] } {
  const bytes = new Uint8Array(
    frames.reduce((n, f) => n + encodedFrameSize(f), 0),
  );
  const starts: number[] = [];
  let offset = 0;
  for (const f of frames) {
    starts.push(offset);
    offset = encodeFrame(f, bytes, offset);
  }
  return { bytes, starts };
}

/** Runs `body` while recording the length of every `new Uint8Array(n)`. */
function largestAllocation(body: () => void): number {
  const original = globalThis.Uint8Array;
  let largest = 0;
  globalThis.Uint8Array = new Proxy(original, {
    construct(target, args, newTarget) {
      if (typeof args[0] === "number") largest = Math.max(largest, args[0]);
      return Reflect.construct(target, args, newTarget);
    },
  });
  try {
    body();
  } finally {
    globalThis.Uint8Array = original;
  }
  return largest;
}

// -- round trip --

test("FrameParser decodes any encoded frames, cut into any chunks, to the same frames", () => {
  fc.assert(
    fc.property(
      fc.array(anyFrame, { maxLength: 25 }),
      fc.array(fc.nat(), { maxLength: 30 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
      (frames, points, copies) => {
        // Arrange: some chunks are copies, no longer back to back in memory
        const { bytes, starts } = encodeAll(frames);
        const chunks = cut(bytes, points);
        const copied = chunks.map((_, i) => copies[i % copies.length]!);
        const fed = chunks.map((c, i) => copied[i] ? c.slice() : c);
        const parser = new FrameParser();
        // Act
        const decoded = fed.flatMap((chunk) => parser.push(chunk));
        parser.finish();
        // Assert
        assertFrames(decoded, frames);
        let chunkStart = 0;
        const spans = chunks.map((c) => [chunkStart, chunkStart += c.length]);
        decoded.forEach((f, i) => {
          const [start, end] = [starts[i]!, starts[i]! + encodedFrameSize(f)];
          const touched = spans.flatMap(([a, b], k) =>
            (a! < end && b! > start) || (a === b && start < a! && a! < end)
              ? [k]
              : []
          );
          const buffer = f.payload.buffer;
          if (touched.length === 1) {
            assert.equal(buffer, fed[touched[0]!]!.buffer, "view of its chunk");
          } else if (touched.every((k) => !copied[k])) {
            assert.equal(buffer, bytes.buffer, "view across adjacent chunks");
          } else {
            assert.equal(buffer.byteLength, end - start - 4, "own buffer");
          }
        });
      },
    ),
    { numRuns: 300 },
  );
});

// -- fuzz --

function assertOnlyProtocolErrors(
  parser: FrameParser,
  chunks: Uint8Array[],
  total: number,
  from: number,
): Frame[] {
  const decoded: Frame[] = [];
  try {
    for (const chunk of chunks) decoded.push(...parser.push(chunk));
    parser.finish();
  } catch (error) {
    assert.ok(error instanceof ProtocolError, `unexpected ${String(error)}`);
    assert.ok(Number.isInteger(error.offset), "offset missing");
    assert.ok(
      error.offset! >= from && error.offset! < total,
      `offset ${error.offset}`,
    );
    assert.throws(() => parser.push(new Uint8Array(1)), (e) => e === error);
  }
  return decoded;
}

test("FrameParser throws only ProtocolError on arbitrary bytes and never allocates past maxFrameSize", () => {
  const maxFrameSize = 64;
  fc.assert(
    fc.property(
      garbage,
      fc.array(fc.nat(), { maxLength: 20 }),
      (bytes, points) => {
        const parser = new FrameParser({ maxFrameSize });
        const largest = largestAllocation(() =>
          assertOnlyProtocolErrors(parser, cut(bytes, points), bytes.length, 0)
        );
        assert.ok(largest <= maxFrameSize, `allocated ${largest} bytes`);
        // The same parser, reset, still decodes a known frame.
        parser.reset();
        const vector = FRAME_VECTORS[0]!;
        assert.deepEqual(parser.push(vector.bytes), [vector.frame]);
      },
    ),
    { numRuns: 500 },
  );
});

test("FrameParser keeps the valid frames before arbitrary bytes and faults only inside them", () => {
  fc.assert(
    fc.property(
      fc.array(anyFrame, { maxLength: 8 }),
      garbage,
      fc.array(fc.nat(), { maxLength: 20 }),
      (frames, tail, points) => {
        const { bytes: valid } = encodeAll(frames);
        const bytes = new Uint8Array(valid.length + tail.length);
        bytes.set(valid);
        bytes.set(tail, valid.length);
        const parser = new FrameParser();
        const decoded = assertOnlyProtocolErrors(
          parser,
          cut(bytes, points),
          bytes.length,
          valid.length,
        );
        const common = Math.min(decoded.length, frames.length);
        assertFrames(decoded.slice(0, common), frames.slice(0, common));
      },
    ),
    { numRuns: 300 },
  );
});

test("FrameParser sees the allocation tracker at work on a spanning frame", () => {
  const vector = FRAME_VECTORS[0]!;
  const parser = new FrameParser();
  const largest = largestAllocation(() => {
    parser.push(vector.bytes.subarray(0, 6));
    parser.push(vector.bytes.slice(6));
  });
  assert.equal(largest, vector.bytes.length - 4);
});

test("FrameParser joins a frame across back-to-back chunks of one buffer without allocating", () => {
  const vector = FRAME_VECTORS[0]!;
  const parser = new FrameParser();
  const frames: Frame[] = [];
  const largest = largestAllocation(() => {
    frames.push(...parser.push(vector.bytes.subarray(0, 3)));
    frames.push(...parser.push(vector.bytes.subarray(3, 6)));
    frames.push(...parser.push(vector.bytes.subarray(6)));
  });
  assert.equal(largest, 0);
  assert.equal(frames.length, 1);
  assert.equal(frames[0]!.payload.buffer, vector.bytes.buffer);
});
