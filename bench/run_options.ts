/**
 * The command line of `deno task bench`.
 *
 * ```
 * deno task bench [--quick] [--runtime=deno,bun,node] [--impl=raw,raw-per-write,zeromq,msg-ts]
 *                 [--kind=pubsub,latency,pipeline] [--transport=tcp,ipc,inproc] [--out=file.json]
 * ```
 *
 * @module
 */

import { type RuntimeName, RUNTIMES } from "./runtime_command.ts";
import type { ImplName, Kind, TransportName } from "./scenarios.ts";

/** Parsed options of a run. */
export interface RunOptions {
  /** CI smoke mode: fewer scenarios, shorter windows, under a minute. */
  quick: boolean;
  runtimes: RuntimeName[];
  impls: ImplName[];
  kinds: Kind[];
  transports: TransportName[];
  /** Where the JSON results go. */
  out: string;
  /** Cases that would start after this many seconds are skipped. */
  budgetSeconds: number;
}

const IMPLS: ImplName[] = ["raw", "raw-per-write", "zeromq", "msg-ts"];
const KINDS: Kind[] = ["pubsub", "latency", "pipeline"];
const TRANSPORTS: TransportName[] = ["tcp", "ipc", "inproc"];

function list<T extends string>(
  value: string | undefined,
  all: readonly T[],
  key: string,
  defaults: readonly T[] = all,
): T[] {
  if (value === undefined) return [...defaults];
  const items = value.split(",").filter((item) => item !== "");
  for (const item of items) {
    if (!all.includes(item as T)) {
      throw new TypeError(
        `Unknown --${key} "${item}": expected one of ${all.join(", ")}`,
      );
    }
  }
  return items as T[];
}

/**
 * Parses the command line.
 *
 * @param argv `Deno.args`.
 * @returns The options; a filtered run writes `partial.json` unless `--out` says otherwise.
 * @throws {TypeError} On an unknown flag or value.
 */
export function parseRunOptions(argv: readonly string[]): RunOptions {
  const given = new Map<string, string | undefined>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (match === null) throw new TypeError(`Cannot parse argument "${arg}"`);
    given.set(match[1]!, match[2]);
  }
  const known = ["quick", "runtime", "impl", "kind", "transport", "out"];
  for (const key of given.keys()) {
    if (!known.includes(key)) {
      throw new TypeError(
        `Unknown flag --${key}: expected --${known.join(", --")}`,
      );
    }
  }
  const quick = given.has("quick");
  const filtered = ["runtime", "impl", "kind", "transport"].some((key) =>
    given.has(key)
  );
  const name = filtered ? "partial" : quick ? "quick" : "latest";
  return {
    quick,
    runtimes: list(given.get("runtime"), RUNTIMES, "runtime"),
    impls: list(given.get("impl"), IMPLS, "impl"),
    kinds: list(given.get("kind"), KINDS, "kind"),
    transports: list(
      given.get("transport"),
      TRANSPORTS,
      "transport",
      quick ? ["tcp", "inproc"] : TRANSPORTS,
    ),
    out: given.get("out") ?? `bench/results/${name}.json`,
    budgetSeconds: quick ? 48 : 275,
  };
}
