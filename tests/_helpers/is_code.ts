/**
 * Matching connection errors by code, for `assert.rejects`.
 *
 * @module
 */

import { ConnectionError } from "../../src/errors.ts";

/** Matches a `ConnectionError` whose code is one of `codes`. */
export function isCode(...codes: string[]): (error: unknown) => boolean {
  return (error) =>
    error instanceof ConnectionError && codes.includes(error.code);
}
