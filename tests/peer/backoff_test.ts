import assert from "node:assert/strict";
import {
  Backoff,
  type BackoffJitter,
  type BackoffOptions,
} from "../../src/peer/backoff.ts";
import { fc } from "../_helpers/fc.ts";
import { test } from "../_helpers/test.ts";

function take(backoff: Backoff, count: number): (number | undefined)[] {
  return Array.from({ length: count }, () => backoff.next());
}

/** Options with consistent ceilings: initial ≤ max. */
const ceilingsArb = fc
  .record({
    initial: fc.double({ min: 0, max: 10_000, noNaN: true }),
    factor: fc.double({ min: 1, max: 10, noNaN: true }),
    spread: fc.double({ min: 0, max: 100_000, noNaN: true }),
  })
  .map(({ initial, factor, spread }) => ({
    initial,
    factor,
    max: initial + spread,
  }));

/** A random source that replays `values` in a loop. */
function replay(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

const unitArb = fc.array(
  fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  { minLength: 1, maxLength: 20 },
);

// -- fixed cases --

test("Backoff.next() doubles from 100 ms up to 5000 ms by default without jitter", () => {
  const backoff = new Backoff({ jitter: "none" });
  assert.deepEqual(
    take(backoff, 9),
    [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000],
  );
});

test("Backoff.next() draws full jitter below the ceiling and equal jitter above half", () => {
  const full = new Backoff({ initial: 1000, random: () => 0.25 });
  assert.deepEqual(take(full, 2), [250, 500]);
  const equal = new Backoff({
    initial: 1000,
    jitter: "equal",
    random: () => 0.5,
  });
  assert.deepEqual(take(equal, 2), [750, 1500]);
});

test("Backoff.next() returns undefined once maxRetries delays are out, until reset()", () => {
  const backoff = new Backoff({ maxRetries: 2, jitter: "none" });
  assert.deepEqual(take(backoff, 4), [100, 200, undefined, undefined]);
  assert.equal(backoff.attempts, 2);
  backoff.reset();
  assert.equal(backoff.attempts, 0);
  assert.equal(backoff.next(), 100);
  assert.equal(new Backoff({ maxRetries: 0 }).next(), undefined);
});

test("Backoff defaults max to initial when initial is above 5000 ms", () => {
  assert.deepEqual(take(new Backoff({ initial: 8000, jitter: "none" }), 2), [
    8000,
    8000,
  ]);
});

test("Backoff() throws RangeError for inconsistent options", () => {
  const bad: BackoffOptions[] = [
    { initial: -1 },
    { initial: NaN },
    { initial: Infinity },
    { factor: 0.5 },
    { factor: Infinity },
    { initial: 100, max: 50 },
    { max: 2 ** 31 },
    { max: Infinity },
    { maxRetries: -1 },
    { maxRetries: 1.5 },
    { jitter: "half" as BackoffJitter },
  ];
  for (const options of bad) {
    assert.throws(
      () => new Backoff(options),
      RangeError,
      JSON.stringify(options),
    );
  }
  assert.throws(
    () => new Backoff({ random: 1 as unknown as () => number }),
    TypeError,
  );
});

// -- properties --

test("Backoff ceilings grow by factor, are monotone until the cap, and never exceed it", () => {
  fc.assert(
    fc.property(
      ceilingsArb,
      fc.integer({ min: 1, max: 60 }),
      (options, count) => {
        // Arrange
        const backoff = new Backoff({ ...options, jitter: "none" });
        // Act
        const ceilings = take(backoff, count) as number[];
        // Assert
        assert.equal(ceilings[0], options.initial);
        for (let n = 0; n < count; n++) {
          const ceiling = ceilings[n]!;
          assert.ok(ceiling <= options.max, `ceiling ${n} above max`);
          const expected = Math.min(
            options.max,
            options.initial * options.factor ** n,
          );
          assert.ok(
            Math.abs(ceiling - expected) <= 1e-9 * Math.max(1, expected),
          );
          if (n > 0) {
            assert.ok(
              ceiling >= ceilings[n - 1]!,
              `ceiling ${n} fell`,
            );
          }
        }
      },
    ),
  );
});

test("Backoff jittered delays lie within their bounds", () => {
  fc.assert(fc.property(
    ceilingsArb,
    fc.constantFrom("full", "equal" as const),
    unitArb,
    fc.integer({ min: 1, max: 40 }),
    (options, jitter, units, count) => {
      // Arrange
      const ceilings = take(new Backoff({ ...options, jitter: "none" }), count);
      const backoff = new Backoff({
        ...options,
        jitter,
        random: replay(units),
      });
      // Act
      const delays = take(backoff, count) as number[];
      // Assert
      delays.forEach((delay, n) => {
        const ceiling = ceilings[n]!;
        const floor = jitter === "full" ? 0 : ceiling / 2;
        assert.ok(
          delay >= floor && delay <= ceiling,
          `${delay} ∉ [${floor}, ${ceiling}]`,
        );
      });
    },
  ));
});

test("Backoff.reset() starts the same sequence again with a fresh budget", () => {
  fc.assert(fc.property(
    ceilingsArb,
    fc.constantFrom("full", "equal", "none" as const),
    fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    fc.nat(30),
    fc.integer({ min: 1, max: 20 }),
    (options, jitter, unit, before, maxRetries) => {
      // Arrange
      const settings = { ...options, jitter, maxRetries, random: () => unit };
      const fresh = take(new Backoff(settings), 25);
      const backoff = new Backoff(settings);
      take(backoff, before);
      // Act
      backoff.reset();
      // Assert
      assert.equal(backoff.attempts, 0);
      assert.deepEqual(take(backoff, 25), fresh);
    },
  ));
});

test("Backoff hands out exactly maxRetries delays", () => {
  fc.assert(
    fc.property(
      ceilingsArb,
      fc.nat(50),
      fc.nat(20),
      (options, maxRetries, extra) => {
        // Arrange
        const backoff = new Backoff({ ...options, maxRetries });
        // Act
        const delays = take(backoff, maxRetries + extra + 1);
        // Assert
        const handed = delays.filter((d) => d !== undefined);
        assert.equal(handed.length, maxRetries);
        assert.ok(delays.slice(maxRetries).every((d) => d === undefined));
        assert.equal(backoff.attempts, maxRetries);
      },
    ),
  );
});
