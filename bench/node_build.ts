/**
 * Node cannot run TypeScript: before Node runs, bench/ (with mod.ts and
 * src/) is compiled to JavaScript with the project's `tsconfig.tests.json`,
 * which emits tests/, bench/ and examples/ into build/ without type checking.
 *
 * @module
 */

import { ROOT } from "./bench_child.ts";
import { NODE_BUILD_DIR } from "./runtime_command.ts";

/**
 * Compiles bench/ for Node.
 *
 * @returns `undefined` when the scripts are ready, else why they are not.
 */
export async function buildForNode(): Promise<string | undefined> {
  const output = await new Deno.Command(`${ROOT}node_modules/.bin/tsc`, {
    args: ["-p", "tsconfig.tests.json"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output().catch((error) => error as Error);
  if (output instanceof Error) return `tsc did not run: ${output.message}`;
  try {
    await Deno.stat(`${ROOT}${NODE_BUILD_DIR}/run_case.js`);
  } catch {
    const text = new TextDecoder().decode(output.stdout).slice(0, 300);
    return `tsc emitted no ${NODE_BUILD_DIR}/: ${text}`;
  }
  return undefined;
}
