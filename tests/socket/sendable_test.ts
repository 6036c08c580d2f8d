import assert from "node:assert/strict";
import { BY_REFERENCE_BYTES } from "../../src/peer/frame_writer.ts";
import { sendable } from "../../src/socket/_sendable.ts";
import { test } from "../_helpers/test.ts";

test("sendable() copies the caller's own large array once, unless zeroCopy", () => {
  const big = new Uint8Array(BY_REFERENCE_BYTES).fill(7);
  const copy = sendable(big, big, false);
  assert.notEqual(copy, big);
  assert.notEqual(copy.buffer, big.buffer);
  assert.deepEqual(copy, big);
  assert.equal(sendable(big, big, true), big);
});

test("sendable() leaves small arrays and codec-made bytes as they are", () => {
  const small = new Uint8Array(BY_REFERENCE_BYTES - 1);
  assert.equal(sendable(small, small, false), small);
  const made = new Uint8Array(BY_REFERENCE_BYTES);
  assert.equal(sendable(made, { some: "value" }, false), made);
});
