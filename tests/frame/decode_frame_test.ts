import assert from "node:assert/strict";
import { test } from "../_helpers/test.ts";
import { FrameParser } from "../../src/frame/decode_frame.ts";
import { FrameKind } from "../../src/frame/frame.ts";
import { ProtocolError } from "../../src/errors.ts";
import type { Frame } from "../../src/frame/frame.ts";
import { BAD_VECTORS, concat, frame, FRAME_VECTORS, hex } from "./_vectors.ts";

function byteByByte(parser: FrameParser, bytes: Uint8Array): Frame[] {
  const frames: Frame[] = [];
  for (let i = 0; i < bytes.length; i++) {
    frames.push(...parser.push(bytes.slice(i, i + 1)));
  }
  return frames;
}

function isProtocolError(offset: number, message: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof ProtocolError, String(error));
    assert.equal(error.offset, offset);
    assert.match(error.message, message);
    return true;
  };
}

// -- golden vectors --

for (const vector of FRAME_VECTORS) {
  test(`FrameParser.push() decodes the PROTOCOL.md bytes of ${vector.name}`, () => {
    const parser = new FrameParser();
    assert.deepEqual(parser.push(vector.bytes), [vector.frame]);
    parser.finish();
  });

  test(`FrameParser.push() decodes ${vector.name} fed one byte at a time`, () => {
    const parser = new FrameParser();
    assert.deepEqual(byteByByte(parser, vector.bytes), [vector.frame]);
    assert.equal(parser.bufferedBytes, 0);
    parser.finish();
  });
}

test("FrameParser.push() decodes every vector back to back, whole and byte by byte", () => {
  const all = concat(FRAME_VECTORS.map((vector) => vector.bytes));
  const expected = FRAME_VECTORS.map((vector) => vector.frame);
  assert.deepEqual(new FrameParser().push(all), expected);
  assert.deepEqual(byteByByte(new FrameParser(), all), expected);
});

for (const vector of BAD_VECTORS) {
  test(`FrameParser.push() rejects ${vector.name} with its offset`, () => {
    const prefix = FRAME_VECTORS[0]!.bytes;
    const check = isProtocolError(
      prefix.length + vector.offset,
      vector.message,
    );
    assert.throws(
      () => new FrameParser().push(concat([prefix, vector.bytes])),
      check,
    );
    const parser = new FrameParser();
    assert.throws(
      () => byteByByte(parser, concat([prefix, vector.bytes])),
      check,
    );
  });
}

test("FrameParser.push() rejects a topic that is not valid UTF-8", () => {
  const bytes = hex("00 00 00 0a 03 00 00 00 00 01 00 02 c3 28");
  assert.throws(
    () => new FrameParser().push(bytes),
    isProtocolError(12, /topic is not valid UTF-8/),
  );
});

test("FrameParser.push() rejects a timestamp flag outside Publish", () => {
  const bytes = hex("00 00 00 02 0a 08");
  assert.throws(() => new FrameParser().push(bytes), isProtocolError(5, /0x8/));
});

test("FrameParser.push() rejects a timestamp that overruns a Publish", () => {
  const bytes = hex("00 00 00 0c 03 08 00 00 00 01 00 00 01 02 03 04");
  assert.throws(
    () => new FrameParser().push(bytes),
    isProtocolError(10, /overruns/),
  );
});

// -- limits --

test("FrameParser.push() rejects length 2^32-1 as soon as its 4 bytes are in", () => {
  const parser = new FrameParser();
  assert.deepEqual(parser.push(hex("ff ff ff")), []);
  assert.throws(() => parser.push(hex("ff")), isProtocolError(0, /4294967295/));
});

test("FrameParser honours maxFrameSize at the boundary", () => {
  const parser = new FrameParser({ maxFrameSize: 3 });
  assert.deepEqual(parser.push(hex("00 00 00 03 0a 00 07")), [
    frame(FrameKind.Message, { payload: Uint8Array.of(7) }),
  ]);
  assert.throws(
    () => parser.push(hex("00 00 00 04")),
    isProtocolError(7, /length 4 exceeds maximum 3/),
  );
});

test("new FrameParser() throws RangeError for a bad maxFrameSize", () => {
  for (const maxFrameSize of [0, -1, 1.5, 2 ** 32, Number.NaN]) {
    assert.throws(() => new FrameParser({ maxFrameSize }), RangeError);
  }
});

// -- buffers --

test("FrameParser.push() returns payloads as views into the chunk", () => {
  const chunk = concat(FRAME_VECTORS.map((vector) => vector.bytes));
  for (const decoded of new FrameParser().push(chunk)) {
    assert.equal(decoded.payload.buffer, chunk.buffer);
  }
});

test("FrameParser.push() assembles a frame that spans chunks into a buffer of its length", () => {
  const bytes = FRAME_VECTORS[0]!.bytes;
  const parser = new FrameParser();
  assert.deepEqual(parser.push(bytes.slice(0, 2)), []);
  assert.deepEqual(parser.push(bytes.slice(2, 7)), []);
  assert.equal(parser.bufferedBytes, 7);
  const [decoded] = parser.push(bytes.slice(7));
  assert.deepEqual(decoded, FRAME_VECTORS[0]!.frame);
  assert.equal(decoded!.payload.buffer.byteLength, bytes.length - 4);
});

test("FrameParser.push() accepts empty chunks anywhere", () => {
  const bytes = FRAME_VECTORS[2]!.bytes;
  const parser = new FrameParser();
  const empty = new Uint8Array(0);
  assert.deepEqual(parser.push(empty), []);
  assert.deepEqual(parser.push(bytes.subarray(0, 5)), []);
  assert.deepEqual(parser.push(empty), []);
  assert.deepEqual(parser.push(bytes.subarray(5)), [FRAME_VECTORS[2]!.frame]);
});

test("FrameParser.push() gives equal topics for repeated topic bytes", () => {
  const bytes = FRAME_VECTORS[3]!.bytes;
  const parser = new FrameParser();
  const frames = parser.push(concat([bytes, bytes, bytes]));
  assert.deepEqual(frames.map((f) => f.topic), ["HELLO", "HELLO", "HELLO"]);
});

// -- end and failure --

test("FrameParser.finish() throws ProtocolError on a partial frame", () => {
  const parser = new FrameParser();
  parser.push(FRAME_VECTORS[0]!.bytes);
  parser.push(FRAME_VECTORS[1]!.bytes.subarray(0, 6));
  assert.throws(
    () => parser.finish(),
    isProtocolError(15, /6 bytes of an incomplete frame left over/),
  );
});

test("FrameParser stays failed after a ProtocolError until reset()", () => {
  const parser = new FrameParser();
  let first: unknown;
  assert.throws(() => parser.push(hex("00 00 00 02 0b 00")), (error) => {
    first = error;
    return error instanceof ProtocolError;
  });
  assert.throws(
    () => parser.push(FRAME_VECTORS[0]!.bytes),
    (error) => error === first,
  );
  assert.throws(() => parser.finish(), (error) => error === first);
  parser.reset();
  assert.deepEqual(parser.push(FRAME_VECTORS[0]!.bytes), [
    FRAME_VECTORS[0]!.frame,
  ]);
  assert.throws(
    () => parser.push(hex("00 00 00 01")),
    isProtocolError(15, /length 1/),
  );
});
