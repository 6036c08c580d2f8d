/**
 * fast-check set-up shared by every property test: one seed per run, read
 * from `FC_SEED` (or drawn and printed), so a failure reproduces with
 * `FC_SEED=<seed>`.
 *
 * @module
 */

import fc from "fast-check";
import { env } from "./runtime.ts";

const given = env("FC_SEED");
/** The seed of this run. */
export const SEED: number = given !== undefined && given !== ""
  ? Number(given)
  : (Math.random() * 2 ** 31) | 0;

if (!Number.isInteger(SEED)) {
  throw new TypeError(`FC_SEED must be an integer, got "${given}"`);
}

const printed = Symbol.for("msg-ts.fc-seed-printed");
const holder = globalThis as Record<symbol, boolean>;
if (!holder[printed]) {
  holder[printed] = true;
  // deno-lint-ignore no-console
  console.log(`fast-check seed: FC_SEED=${SEED}`);
}

fc.configureGlobal({ seed: SEED });

export { fc };
