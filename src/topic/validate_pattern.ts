/**
 * Validation of subscription patterns.
 *
 * @module
 */

import { patternFault } from "./_tokens.ts";

/**
 * Checks that `pattern` can be subscribed to. A pattern is a topic in which
 * whole tokens may be wildcards (NATS semantics):
 *
 * - `*` matches exactly one token, at any position: `a.*.c`.
 * - `>` matches one or more trailing tokens and may only be the last token:
 *   `a.>` matches `a.b` and `a.b.c` but not `a`.
 * - Wildcards mixed into a token (`a*`, `b>`), empty tokens (`a..b`, `.a`),
 *   whitespace and control characters are refused.
 *
 * @param pattern The subscription pattern, e.g. `"prices.>"`.
 * @throws {TypeError} When `pattern` is not a string or is not a valid
 * pattern; the message names the pattern and the fault.
 *
 * @example Valid and invalid patterns
 * ```ts
 * import { validatePattern } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * validatePattern("prices.*.usd");
 * validatePattern(">");
 * assert.throws(() => validatePattern("a.>.b"), /Cannot use pattern "a\.>\.b"/);
 * assert.throws(() => validatePattern("a*"), TypeError);
 * ```
 */
export function validatePattern(pattern: string): void {
  if (typeof pattern !== "string") {
    throw new TypeError(`Cannot use pattern ${String(pattern)}: not a string`);
  }
  const fault = patternFault(pattern);
  if (fault !== undefined) {
    throw new TypeError(`Cannot use pattern "${pattern}": ${fault}`);
  }
}
