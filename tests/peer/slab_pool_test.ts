import assert from "node:assert/strict";
import { SlabPool } from "../../src/peer/_slab_pool.ts";
import { test } from "../_helpers/test.ts";

test("SlabPool takes back only its own slabs, hands them out again, and lets them go", () => {
  const pool = new SlabPool(1024);
  const slab = pool.take();
  assert.equal(slab.length, 1024);
  pool.giveBack(new Uint8Array(1024).buffer); // not the pool's: ignored
  pool.giveBack(slab.buffer);
  assert.equal(pool.take().buffer, slab.buffer);
  pool.giveBack(slab.buffer);
  pool.release();
  assert.notEqual(pool.take().buffer, slab.buffer);
});

test("SlabPool keeps at most 16 spares", () => {
  const pool = new SlabPool(8);
  const slabs = Array.from({ length: 20 }, () => pool.take());
  for (const slab of slabs) pool.giveBack(slab.buffer);
  const kept = new Set(slabs.map((slab) => slab.buffer));
  let reused = 0;
  for (let i = 0; i < 20; i++) if (kept.has(pool.take().buffer)) reused++;
  assert.equal(reused, 16);
});
