import assert from "node:assert/strict";
import { test } from "../_helpers/test.ts";
import {
  canTalk,
  isSocketType,
  SocketType,
  socketTypeName,
} from "../../src/wire/socket_type.ts";

const PAIRS = [
  ["req", "rep"],
  ["req", "router"],
  ["dealer", "rep"],
  ["dealer", "router"],
  ["dealer", "dealer"],
  ["pub", "sub"],
  ["push", "pull"],
  ["pair", "pair"],
];
const TYPES = Object.values(SocketType);

test("SocketType holds the PROTOCOL.md bytes", () => {
  assert.deepEqual(SocketType, {
    Req: 1,
    Rep: 2,
    Pub: 3,
    Sub: 4,
    Push: 5,
    Pull: 6,
    Dealer: 7,
    Router: 8,
    Pair: 9,
  });
});

test("canTalk() allows exactly the documented pairs, both ways round", () => {
  for (const a of TYPES) {
    for (const b of TYPES) {
      const [x, y] = [socketTypeName(a), socketTypeName(b)];
      const listed = PAIRS.some(([p, q]) =>
        (p === x && q === y) || (p === y && q === x)
      );
      assert.equal(canTalk(a, b), listed, `${x} ↔ ${y}`);
    }
  }
});

test("socketTypeName() names every type and rejects others", () => {
  assert.deepEqual(TYPES.map(socketTypeName), [
    "req",
    "rep",
    "pub",
    "sub",
    "push",
    "pull",
    "dealer",
    "router",
    "pair",
  ]);
  assert.throws(() => socketTypeName(0 as SocketType), RangeError);
});

test("isSocketType() accepts 1 to 9 only", () => {
  for (let value = -1; value < 300; value++) {
    assert.equal(isSocketType(value), value >= 1 && value <= 9);
  }
  assert.equal(isSocketType(1.5), false);
});
