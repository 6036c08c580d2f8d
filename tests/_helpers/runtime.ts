/**
 * Which runtime runs the tests, and its environment.
 *
 * @module
 */

/** The three runtimes msg-ts supports. */
export type RuntimeName = "deno" | "bun" | "node";

/** Names the running runtime. */
export function runtimeName(): RuntimeName {
  const g = globalThis as { Deno?: { version?: unknown }; Bun?: unknown };
  if (g.Deno?.version !== undefined) return "deno";
  if (g.Bun !== undefined) return "bun";
  return "node";
}

/** Reads an environment variable in any runtime (Deno needs `--allow-env`). */
export function env(name: string): string | undefined {
  const g = globalThis as {
    Deno?: { env?: { get(name: string): string | undefined } };
    process?: { env: Record<string, string | undefined> };
  };
  if (g.Deno?.env !== undefined) return g.Deno.env.get(name);
  return g.process?.env[name];
}
