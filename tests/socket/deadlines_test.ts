import assert from "node:assert/strict";
import { Deadlines } from "../../src/socket/_deadlines.ts";
import { fc } from "../_helpers/fc.ts";
import { test, within } from "../_helpers/test.ts";

interface Op {
  name: string;
  settled: boolean;
}

test("Deadlines expires unsettled operations in deadline order across timeout lengths", async () => {
  // Arrange
  const expired: string[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => done = resolve);
  const deadlines = new Deadlines<Op>((op) => {
    expired.push(op.name);
    if (expired.length === 3) done();
  });
  const now = performance.now();
  const ops = ["slow:60", "fast:20", "settled:20", "mid:40"].map((name) => ({
    name,
    settled: false,
  }));
  // Act
  for (const op of ops) deadlines.add(op, Number(op.name.split(":")[1]), now);
  ops[2]!.settled = true;
  await within(finished, 5000, "three expirations");
  // Assert
  assert.deepEqual(expired, ["fast:20", "mid:40", "slow:60"]);
  deadlines.clear();
});

test("Deadlines never expires a settled operation and keeps one timer at most", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.record({
          ms: fc.integer({ min: 1, max: 30 }),
          settle: fc.boolean(),
        }),
        { minLength: 1, maxLength: 60 },
      ),
      async (specs) => {
        // Arrange
        const expired = new Set<Op>();
        let target = Infinity;
        let done!: () => void;
        const finished = new Promise<void>((resolve) => done = resolve);
        const deadlines = new Deadlines<Op>((op) => {
          assert.equal(op.settled, false);
          expired.add(op);
          if (expired.size === target) done();
        });
        const now = performance.now();
        const ops = specs.map((s, i) => ({
          name: `${i}`,
          settled: false,
          ...s,
        }));
        // Act
        for (const op of ops) deadlines.add(op, op.ms, now);
        for (const op of ops) if (op.settle) op.settled = true;
        const live = ops.filter((op) => !op.settled);
        target = live.length;
        if (target === 0) done();
        await within(finished, 5000, "every live operation to expire");
        // Assert
        assert.deepEqual([...expired].sort((a, b) => +a.name - +b.name), live);
        deadlines.clear();
      },
    ),
    { numRuns: 20 },
  );
});
