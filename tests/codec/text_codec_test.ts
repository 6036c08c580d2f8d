import assert from "node:assert/strict";
import { textCodec } from "../../src/codec/text_codec.ts";
import { CodecError } from "../../src/errors.ts";
import { fc } from "../_helpers/fc.ts";
import { test } from "../_helpers/test.ts";

test("textCodec round-trips text with a leading byte-order mark", () => {
  for (const text of ["", "hi", "\uFEFFbom", "日本語 🎉", "a\u0000b"]) {
    assert.equal(textCodec.decode(textCodec.encode(text)), text);
  }
});

test("textCodec.decode() throws CodecError for invalid UTF-8", () => {
  for (const bytes of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0x80]]) {
    assert.throws(
      () => textCodec.decode(new Uint8Array(bytes)),
      (error: unknown) => error instanceof CodecError && error.codec === "text",
    );
  }
});

test("textCodec.encode() throws TypeError for a value that is not a string", () => {
  assert.throws(() => textCodec.encode(1 as unknown as string), TypeError);
});

test("textCodec sends a lone surrogate as U+FFFD", () => {
  assert.equal(textCodec.decode(textCodec.encode("a\uD800")), "a\uFFFD");
});

test("textCodec round-trips any well-formed string", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 100 }), (text) => {
      // Act
      const decoded = textCodec.decode(textCodec.encode(text));
      // Assert
      assert.equal(decoded, text);
    }),
  );
});

test("textCodec.decode() either throws CodecError or returns text that encodes to the same bytes", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      // Act
      let text: string;
      try {
        text = textCodec.decode(bytes);
      } catch (error) {
        // Assert
        assert.ok(error instanceof CodecError);
        return;
      }
      // Assert
      assert.deepEqual(textCodec.encode(text), bytes);
    }),
    { numRuns: 2000 },
  );
});
