import assert from "node:assert/strict";
import { LatencyWindow } from "../../src/socket/_latency_window.ts";
import { fc } from "../_helpers/fc.ts";
import { test } from "../_helpers/test.ts";

/** Sort-based reference: the last `capacity` samples, nearest-rank percentiles. */
function reference(samples: number[], capacity: number) {
  const window = samples.filter((ms) => ms >= 0 && Number.isFinite(ms))
    .slice(-capacity);
  if (window.length === 0) return { count: 0, mean: 0, p50: 0, p99: 0 };
  const sorted = [...window].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.ceil(p * sorted.length) - 1]!;
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { count: sorted.length, mean, p50: at(0.5), p99: at(0.99) };
}

test("LatencyWindow.snapshot() is all zeros when empty", () => {
  assert.deepEqual(new LatencyWindow().snapshot(), {
    count: 0,
    mean: 0,
    p50: 0,
    p99: 0,
  });
});

test("LatencyWindow keeps 1024 samples by default and forgets the oldest", () => {
  const window = new LatencyWindow();
  for (let i = 1; i <= 2000; i++) window.record(i);
  const snapshot = window.snapshot();
  assert.equal(snapshot.count, 1024);
  assert.equal(snapshot.p50, 977 + 511);
  assert.equal(snapshot.p99, 977 + 1013);
});

test("LatencyWindow.record() ignores negative and non-finite samples", () => {
  const window = new LatencyWindow(4);
  for (const ms of [-1, NaN, Infinity, 5]) window.record(ms);
  assert.deepEqual(window.snapshot(), { count: 1, mean: 5, p50: 5, p99: 5 });
});

test("LatencyWindow() throws RangeError for a capacity that is not a positive integer", () => {
  for (const capacity of [0, -1, 1.5, NaN]) {
    assert.throws(() => new LatencyWindow(capacity), RangeError);
  }
});

test("LatencyWindow.snapshot() agrees with a sort-based reference", () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 64 }),
    fc.array(
      fc.oneof(
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.nat(50),
        fc.constantFrom(-1, NaN, Infinity),
      ),
      { maxLength: 300 },
    ),
    (capacity, samples) => {
      // Arrange
      const window = new LatencyWindow(capacity);
      // Act
      for (const ms of samples) window.record(ms);
      const actual = window.snapshot();
      // Assert
      const expected = reference(samples, capacity);
      assert.equal(actual.count, expected.count);
      assert.equal(actual.p50, expected.p50);
      assert.equal(actual.p99, expected.p99);
      assert.ok(
        Math.abs(actual.mean - expected.mean) <=
          1e-9 * Math.max(1, expected.mean),
      );
    },
  ));
});
