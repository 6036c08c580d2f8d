/**
 * The running runtime's default transports, for sockets given none: the
 * runtime is detected once, and only its own file is imported, lazily, so
 * Deno never loads `node:` modules it does not need and Bun or Node never
 * evaluate Deno code.
 *
 * @example The default transports of whatever runs this
 * ```ts
 * import { runtimeTransports } from "./auto.ts";
 * import assert from "node:assert/strict";
 *
 * const schemes = (await runtimeTransports()).map((t) => t.scheme);
 * assert.deepEqual(schemes, ["tcp", "ipc", "tls", "inproc"]);
 * ```
 *
 * @module
 */

import type { Transport } from "../src/transport/transport.ts";

/** The runtimes with a transport file of their own. */
export type RuntimeKind = "deno" | "bun" | "node";

let loaded: Promise<() => Transport[]> | undefined;

/**
 * Names the running runtime: Deno when `globalThis.Deno.version` is there,
 * Bun when `globalThis.Bun` is, otherwise Node.
 *
 * @returns `"deno"`, `"bun"` or `"node"`.
 *
 * @example Node, Bun or Deno
 * ```ts
 * import { detectRuntime } from "./auto.ts";
 * import assert from "node:assert/strict";
 *
 * assert.ok(["deno", "bun", "node"].includes(detectRuntime()));
 * ```
 */
export function detectRuntime(): RuntimeKind {
  const g = globalThis as { Deno?: { version?: unknown }; Bun?: unknown };
  if (g.Deno?.version !== undefined) return "deno";
  if (g.Bun !== undefined) return "bun";
  return "node";
}

async function load(): Promise<() => Transport[]> {
  switch (detectRuntime()) {
    case "deno":
      return (await import("./deno.ts")).transports;
    case "bun":
      return (await import("./bun.ts")).transports;
    default:
      return (await import("./node.ts")).transports;
  }
}

/**
 * The running runtime's default transports (`tcp`, `ipc`, `tls` with no
 * certificates, `inproc`), as its own `transports()` gives them. The runtime
 * is detected and its file imported on the first call only; every call
 * returns a fresh array.
 *
 * @returns One transport per scheme.
 * @throws {Error} When the runtime's transport file cannot be imported.
 *
 * @example Picking the transport for an endpoint
 * ```ts
 * import { runtimeTransports } from "./auto.ts";
 * import assert from "node:assert/strict";
 *
 * const tcp = (await runtimeTransports()).find((t) => t.scheme === "tcp");
 * assert.ok(tcp !== undefined);
 * ```
 */
export async function runtimeTransports(): Promise<Transport[]> {
  loaded ??= load().catch((error: unknown) => {
    loaded = undefined; // let a later call try again
    throw error;
  });
  const transports = await loaded;
  return transports();
}
