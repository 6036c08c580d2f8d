import assert from "node:assert/strict";
import { test } from "../_helpers/test.ts";
import { encodedFrameSize, encodeFrame } from "../../src/frame/encode_frame.ts";
import { FrameParser } from "../../src/frame/decode_frame.ts";
import { FLAG_TIMESTAMP, FrameKind } from "../../src/frame/frame.ts";
import { frame, FRAME_VECTORS } from "./_vectors.ts";

function encode(value: Parameters<typeof encodeFrame>[0]): Uint8Array {
  const bytes = new Uint8Array(encodedFrameSize(value));
  assert.equal(encodeFrame(value, bytes, 0), bytes.length);
  return bytes;
}

// -- golden vectors --

for (const vector of FRAME_VECTORS) {
  test(`encodeFrame() writes the PROTOCOL.md bytes of ${vector.name}`, () => {
    assert.deepEqual(encode(vector.frame), vector.bytes);
    assert.equal(encodedFrameSize(vector.frame), vector.bytes.length);
  });
}

test("encodeFrame() writes at an offset and returns the next one", () => {
  const [first, second] = FRAME_VECTORS;
  const target = new Uint8Array(3 + first!.bytes.length + second!.bytes.length);
  const middle = encodeFrame(first!.frame, target, 3);
  assert.equal(middle, 3 + first!.bytes.length);
  assert.equal(encodeFrame(second!.frame, target, middle), target.length);
  assert.deepEqual(target.subarray(3, middle), first!.bytes);
  assert.deepEqual(target.subarray(middle), second!.bytes);
  assert.deepEqual(target.subarray(0, 3), new Uint8Array(3));
});

test("encodeFrame() leaves out the fields a kind does not carry", () => {
  const message = frame(FrameKind.Message, {
    id: 99,
    topic: "ignored",
    payload: Uint8Array.of(1),
  });
  assert.deepEqual(encode(message), Uint8Array.of(0, 0, 0, 3, 0x0a, 0, 1));
  const ack = frame(FrameKind.Ack, { id: 5, topic: "ignored" });
  assert.equal(encode(ack).length, 10);
});

test("encodeFrame() copies payloads of every size", () => {
  for (const size of [0, 1, 16, 17, 1000, 70_000]) {
    const payload = Uint8Array.from({ length: size }, (_, i) => i * 7);
    const bytes = encode(frame(FrameKind.Message, { payload }));
    assert.deepEqual(bytes.subarray(6), payload);
  }
});

test("encodeFrame() encodes multi-byte topics and many distinct topics", () => {
  const parser = new FrameParser();
  for (let i = 0; i < 1500; i++) {
    const topic = `prix.€.${i % 1100}`;
    const published = frame(FrameKind.Publish, { id: i, topic });
    assert.deepEqual(parser.push(encode(published)), [published]);
  }
});

// -- invalid frames --

test("encodeFrame() throws RangeError for an unknown kind", () => {
  const bad = frame(0x0b as FrameKind);
  assert.throws(() => encodedFrameSize(bad), RangeError);
  assert.throws(() => encodeFrame(bad, new Uint8Array(64), 0), RangeError);
});

test("encodeFrame() throws RangeError for reserved or misplaced flags", () => {
  for (const flags of [0x10, 0x80, -1, 1.5, 256]) {
    assert.throws(
      () => encodedFrameSize(frame(FrameKind.Message, { flags })),
      /Cannot encode frame: flags .* use reserved bits/,
    );
  }
  assert.throws(
    () => encodedFrameSize(frame(FrameKind.Request, { flags: FLAG_TIMESTAMP })),
    /FLAG_TIMESTAMP is only allowed on Publish/,
  );
});

test("encodeFrame() throws RangeError for an id that is not a u32", () => {
  for (const id of [-1, 2 ** 32, 1.5, Number.NaN]) {
    assert.throws(
      () => encodedFrameSize(frame(FrameKind.Request, { id })),
      /Cannot encode frame: id .* is not a u32/,
    );
  }
});

test("encodeFrame() throws RangeError for a topic over 65535 UTF-8 bytes", () => {
  const fits = frame(FrameKind.Publish, { topic: "a".repeat(65535) });
  assert.equal(encodedFrameSize(fits), 4 + 8 + 65535);
  const tooLong = frame(FrameKind.Publish, { topic: "é".repeat(32768) });
  assert.throws(() => encodedFrameSize(tooLong), /65536 UTF-8 bytes exceed/);
});

test("encodeFrame() throws RangeError when the frame does not fit", () => {
  const vector = FRAME_VECTORS[0]!;
  const target = new Uint8Array(vector.bytes.length);
  assert.throws(() => encodeFrame(vector.frame, target, 1), /do not fit/);
  assert.throws(() => encodeFrame(vector.frame, target, -1), /do not fit/);
  assert.deepEqual(target, new Uint8Array(target.length));
});
