/**
 * Node cannot run TypeScript: before Node runs, the scripts it plays (and
 * msg-ts beneath them) are compiled with `bench/tsconfig.node.json`, which
 * reuses the npm build settings, into a temporary directory of this run. Not
 * into build/: the test runner empties build/ whenever it starts, and would
 * pull the scripts from under a run.
 *
 * @module
 */

import { ROOT } from "./bench_child.ts";

/** The compiled scripts, or why there are none. */
export type NodeBuild = { dir: string } | { error: string };

/**
 * Compiles the Node scripts into a fresh temporary directory that sees the
 * repository's `node_modules` (for `zeromq` and `@msgpack/msgpack`).
 *
 * @returns The directory holding `bench/*.js`, or the reason it failed.
 */
export async function buildForNode(): Promise<NodeBuild> {
  const dir = await Deno.makeTempDir({ prefix: "msgts-bench-node-" });
  const output = await new Deno.Command(`${ROOT}node_modules/.bin/tsc`, {
    args: ["-p", "bench/tsconfig.node.json", "--outDir", dir],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output().catch((error) => error as Error);
  if (output instanceof Error) {
    await removeNodeBuild(dir);
    return { error: `tsc did not run: ${output.message}` };
  }
  try {
    await Deno.stat(`${dir}/bench/raw_node.js`);
  } catch {
    await removeNodeBuild(dir);
    const text = new TextDecoder().decode(output.stdout).slice(0, 300);
    return { error: `tsc emitted no bench/raw_node.js: ${text}` };
  }
  await Deno.writeTextFile(`${dir}/package.json`, '{ "type": "module" }\n');
  await Deno.symlink(`${ROOT}node_modules`, `${dir}/node_modules`);
  return { dir };
}

/**
 * Removes a directory `buildForNode()` made.
 *
 * @param dir The directory.
 */
export async function removeNodeBuild(dir: string): Promise<void> {
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}
