/**
 * How the orchestrator starts a benchmark script in each runtime: Deno and
 * Bun run the `.ts` file, Node runs the JavaScript `node_build.ts` compiled.
 *
 * @module
 */

import { ROOT } from "./bench_child.ts";

/** The three runtimes measured. */
export type RuntimeName = "deno" | "bun" | "node";

/** Every runtime, in table order. */
export const RUNTIMES: readonly RuntimeName[] = ["deno", "bun", "node"];

/** Where a command runs. */
export interface CommandOptions {
  /** The endpoint the script will use: Deno is allowed 127.0.0.1 and, for
   * `ipc://`, that one socket path (Deno wants the exact path). */
  endpoint?: string;
  /** The directory `node_build.ts` compiled the Node scripts into. */
  nodeDir?: string | undefined;
}

/**
 * The command that runs a bench script.
 *
 * @param runtime Which runtime runs it.
 * @param script The script's file name without extension, e.g. `"raw_deno"`.
 * @param options The endpoint, and the Node build.
 * @returns Program and arguments, to run from the repository root.
 */
export function runtimeCommand(
  runtime: RuntimeName,
  script: string,
  options: CommandOptions = {},
): string[] {
  switch (runtime) {
    case "deno":
      return [
        Deno.execPath(),
        "run",
        "--quiet",
        `--allow-net=${allowedNet(options.endpoint ?? "")}`,
        "--allow-read",
        "--allow-write",
        "--allow-env",
        `bench/${script}.ts`,
      ];
    case "bun":
      return [bunPath(), "run", `bench/${script}.ts`];
    case "node":
      return ["node", `${options.nodeDir ?? "build"}/bench/${script}.js`];
  }
}

function allowedNet(endpoint: string): string {
  const ipc = /^ipc:\/\/(\/.*)$/.exec(endpoint);
  return ipc === null ? "127.0.0.1" : `127.0.0.1,unix:${ipc[1]}`;
}

function bunPath(): string {
  const local = `${ROOT}node_modules/.bin/bun`;
  try {
    Deno.statSync(local);
    return local;
  } catch {
    return "bun";
  }
}

/**
 * The version of a runtime, for the results.
 *
 * @param runtime Which runtime.
 * @returns Its version string, or "unavailable".
 */
export async function runtimeVersion(runtime: RuntimeName): Promise<string> {
  if (runtime === "deno") return Deno.version.deno;
  const program = runtime === "bun" ? bunPath() : "node";
  try {
    const output = await new Deno.Command(program, { args: ["--version"] })
      .output();
    return new TextDecoder().decode(output.stdout).trim().replace(/^v/, "");
  } catch {
    return "unavailable";
  }
}
