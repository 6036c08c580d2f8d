import assert from "node:assert/strict";
import { PublishPacer } from "../../src/socket/_publish_pacer.ts";
import { test } from "../_helpers/test.ts";

/** `true` when `promise` is already settled (checked a microtask later). */
async function settled(promise: Promise<void>): Promise<boolean> {
  let done = false;
  void promise.then(() => done = true);
  await Promise.resolve();
  await Promise.resolve();
  return done;
}

test("PublishPacer yields every 16th publish that every subscriber dropped", async () => {
  const pacer = new PublishPacer();
  for (let i = 1; i <= 15; i++) {
    assert.equal(await settled(pacer.next(true)), true, `publish ${i}`);
  }
  const sixteenth = pacer.next(true);
  assert.equal(await settled(sixteenth), false, "waits for a turn");
  await sixteenth;
});

test("PublishPacer lets publishes that some subscriber took through at once", async () => {
  const pacer = new PublishPacer();
  for (let i = 1; i <= 255; i++) {
    assert.equal(await settled(pacer.next(false)), true, `publish ${i}`);
  }
});
