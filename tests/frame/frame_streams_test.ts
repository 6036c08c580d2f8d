import assert from "node:assert/strict";
import { test } from "../_helpers/test.ts";
import { FrameDecoderStream } from "../../src/frame/frame_decoder_stream.ts";
import { FrameEncoderStream } from "../../src/frame/frame_encoder_stream.ts";
import { ProtocolError } from "../../src/errors.ts";
import { concat, FRAME_VECTORS, hex } from "./_vectors.ts";

/** Reads a stream to its end (`Array.fromAsync` is missing on Node 20). */
async function collect<T>(stream: ReadableStream<T>): Promise<T[]> {
  const out: T[] = [];
  const reader = stream.getReader();
  while (true) {
    const { value, done } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

function decodeChunks(chunks: Uint8Array[]): Promise<unknown[]> {
  return collect(
    ReadableStream.from(chunks).pipeThrough(new FrameDecoderStream()),
  );
}

// -- FrameDecoderStream --

test("FrameDecoderStream emits one array per chunk that completes frames", async () => {
  const [a, b, c] = FRAME_VECTORS.map((vector) => vector.bytes);
  const chunks = [
    concat([a!, b!.subarray(0, 3)]),
    b!.subarray(3, 5),
    concat([b!.subarray(5), c!]),
  ];
  const batches = await decodeChunks(chunks);
  assert.deepEqual(batches, [
    [FRAME_VECTORS[0]!.frame],
    [FRAME_VECTORS[1]!.frame, FRAME_VECTORS[2]!.frame],
  ]);
});

test("FrameDecoderStream never emits an empty array for one-byte chunks", async () => {
  const all = concat(FRAME_VECTORS.map((vector) => vector.bytes));
  const bytes = Array.from(all, (byte) => Uint8Array.of(byte));
  const batches = await decodeChunks(bytes) as unknown[][];
  assert.equal(batches.length, FRAME_VECTORS.length);
  assert.deepEqual(batches.flat(), FRAME_VECTORS.map((vector) => vector.frame));
});

test("FrameDecoderStream errors with ProtocolError on bad bytes", async () => {
  await assert.rejects(
    decodeChunks([FRAME_VECTORS[0]!.bytes, hex("00 00 00 02 0b 00")]),
    (error) => error instanceof ProtocolError && error.offset === 19,
  );
});

test("FrameDecoderStream errors with ProtocolError when the input ends mid-frame", async () => {
  await assert.rejects(
    decodeChunks([FRAME_VECTORS[0]!.bytes.subarray(0, 9)]),
    (error) =>
      error instanceof ProtocolError && /left over/.test(error.message),
  );
});

test("FrameDecoderStream honours maxFrameSize", async () => {
  const stream = ReadableStream.from([FRAME_VECTORS[0]!.bytes])
    .pipeThrough(new FrameDecoderStream({ maxFrameSize: 10 }));
  await assert.rejects(collect(stream), /length 11 exceeds maximum 10/);
});

// -- FrameEncoderStream --

test("FrameEncoderStream emits one chunk per batch and nothing for an empty batch", async () => {
  const frames = FRAME_VECTORS.map((vector) => vector.frame);
  const chunks = await collect(
    ReadableStream.from([frames.slice(0, 3), [], frames.slice(3)])
      .pipeThrough(new FrameEncoderStream()),
  );
  assert.equal(chunks.length, 2);
  assert.deepEqual(concat(chunks), concat(FRAME_VECTORS.map((v) => v.bytes)));
});

test("FrameEncoderStream errors with RangeError on an invalid frame", async () => {
  const bad = { ...FRAME_VECTORS[0]!.frame, id: -1 };
  await assert.rejects(
    collect(
      ReadableStream.from([[bad]]).pipeThrough(new FrameEncoderStream()),
    ),
    RangeError,
  );
});
