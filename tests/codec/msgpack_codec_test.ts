import assert from "node:assert/strict";
import { msgpackCodec } from "../../src/codec/msgpack_codec.ts";
import { CodecError } from "../../src/errors.ts";
import { fc } from "../_helpers/fc.ts";
import { test } from "../_helpers/test.ts";

/** Values MessagePack carries unchanged: no -0, no undefined, no __proto__ key. */
const msgpackValueArb = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.double().filter((n) => !Object.is(n, -0)),
    fc.string({ unit: "binary" }),
    fc.uint8Array({ maxLength: 64 }),
    fc.date({ noInvalidDate: true }),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(
      fc.string().filter((key) => key !== "__proto__"),
      tie("value"),
      { maxKeys: 5, noNullPrototype: true },
    ),
  ),
})).value;

function onlyCodecErrors(bytes: Uint8Array): void {
  try {
    msgpackCodec.decode(bytes);
  } catch (error) {
    assert.ok(error instanceof CodecError, `threw ${String(error)}`);
    assert.equal(error.codec, "msgpack");
    assert.ok(error.cause !== undefined);
  }
}

// -- fixed cases --

test("msgpackCodec round-trips a nested object", () => {
  const value = {
    symbol: "btc",
    price: 97000.5,
    size: 3,
    tags: ["spot", null, true],
    at: new Date(1_700_000_000_000),
    raw: new Uint8Array([0, 255]),
  };
  assert.deepEqual(msgpackCodec.decode(msgpackCodec.encode(value)), value);
});

test("msgpackCodec.encode() returns a fresh array each time", () => {
  const first = msgpackCodec.encode("first");
  const copy = first.slice();
  msgpackCodec.encode("second, longer, overwriting the shared buffer");
  assert.deepEqual(first, copy);
});

test("msgpackCodec.encode() throws TypeError for values MessagePack cannot carry", () => {
  for (const value of [10n, () => 1, Symbol("s")]) {
    assert.throws(() => msgpackCodec.encode(value), TypeError);
  }
});

test("msgpackCodec.decode() throws CodecError for bad, short and trailing bytes", () => {
  const cases = [
    [],
    [0xc1], // never used
    [0x92, 0x01], // array of 2, one item
    [0xd9, 0x05, 0x61], // str8 of 5, one byte
    [0x01, 0x02], // trailing byte
    [0x81, 0xa9, ...new TextEncoder().encode("__proto__"), 0x01],
  ];
  for (const bytes of cases) {
    assert.throws(
      () => msgpackCodec.decode(new Uint8Array(bytes)),
      CodecError,
      JSON.stringify(bytes),
    );
  }
});

// -- properties --

test("msgpackCodec round-trips any JSON value", () => {
  fc.assert(fc.property(fc.jsonValue(), (value) => {
    // Arrange
    fc.pre(!hasProtoKey(value));
    const expected = JSON.parse(JSON.stringify(value)); // -0 arrives as 0
    // Act
    const decoded = msgpackCodec.decode(msgpackCodec.encode(value));
    // Assert
    assert.deepEqual(decoded, expected);
  }));
});

test("msgpackCodec round-trips any MessagePack value, binaries and dates included", () => {
  fc.assert(fc.property(msgpackValueArb, (value) => {
    // Act
    const decoded = msgpackCodec.decode(msgpackCodec.encode(value));
    // Assert
    assert.deepEqual(decoded, value);
  }));
});

test("msgpackCodec.decode() throws only CodecError for any bytes and stays usable", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
      // Act / Assert
      onlyCodecErrors(bytes);
      assert.deepEqual(msgpackCodec.decode(msgpackCodec.encode({ a: [1] })), {
        a: [1],
      });
    }),
    { numRuns: 2000 },
  );
});

test("msgpackCodec.decode() throws CodecError for every strict prefix of an encoding", () => {
  fc.assert(fc.property(msgpackValueArb, fc.nat(), (value, at) => {
    // Arrange
    const bytes = msgpackCodec.encode(value);
    const prefix = bytes.subarray(0, at % bytes.length);
    // Act / Assert
    assert.throws(() => msgpackCodec.decode(prefix), CodecError);
  }));
});

test("msgpackCodec.decode() throws only CodecError when an encoding is corrupted", () => {
  fc.assert(
    fc.property(msgpackValueArb, fc.nat(), fc.nat(255), (value, at, byte) => {
      // Arrange
      const bytes = msgpackCodec.encode(value);
      bytes[at % bytes.length] = byte;
      // Act / Assert
      onlyCodecErrors(bytes);
    }),
  );
});

function hasProtoKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasProtoKey);
  if (value === null || typeof value !== "object") return false;
  return Object.keys(value).some((key) =>
    key === "__proto__" || hasProtoKey((value as Record<string, unknown>)[key])
  );
}
