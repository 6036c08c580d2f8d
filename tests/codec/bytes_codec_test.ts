import assert from "node:assert/strict";
import { bytesCodec } from "../../src/codec/bytes_codec.ts";
import { fc } from "../_helpers/fc.ts";
import { test } from "../_helpers/test.ts";

test("bytesCodec passes the same Uint8Array through both ways", () => {
  fc.assert(fc.property(fc.uint8Array(), (bytes) => {
    // Act / Assert
    assert.equal(bytesCodec.encode(bytes), bytes);
    assert.equal(bytesCodec.decode(bytes), bytes);
  }));
});

test("bytesCodec.encode() throws TypeError for anything but a Uint8Array", () => {
  for (
    const value of ["hi", [1, 2], new ArrayBuffer(2), null, new Uint16Array(1)]
  ) {
    assert.throws(
      () => bytesCodec.encode(value as unknown as Uint8Array),
      /Cannot encode payload: expected a Uint8Array/,
    );
  }
});
