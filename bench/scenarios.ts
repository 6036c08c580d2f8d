/**
 * What the suite measures: scenarios (pattern, transport, payload size,
 * subscribers), the implementations run for each (raw socket, zeromq, msg-ts)
 * in each runtime, and how long each run lasts, in full and `--quick` mode.
 *
 * @module
 */

import type { Role } from "./bench_args.ts";
import { type RuntimeName, RUNTIMES } from "./runtime_command.ts";

/** The measured pattern. */
export type Kind = "pubsub" | "latency" | "pipeline";
/** The transport. `inproc` runs both ends in one process (msg-ts only). */
export type TransportName = "tcp" | "ipc" | "inproc";
/** Who does the work: the raw socket (64 KiB writes, or one per message), libzmq, msg-ts. */
export type ImplName = "raw" | "raw-per-write" | "zeromq" | "msg-ts";

/** One measurement: a scenario in one runtime with one implementation. */
export interface Case {
  kind: Kind;
  transport: TransportName;
  /** Payload bytes. */
  size: number;
  /** Subscribers (pub/sub), else 1. */
  subs: number;
  runtime: RuntimeName;
  impl: ImplName;
}

/** Timings shared by every case of a run. */
export interface Timing {
  /** Milliseconds run before measuring. */
  warmup: number;
  /** Milliseconds measured. */
  duration: number;
}

/** Requests in flight in the pipelined scenario. */
export const WINDOW = 1000;

/** Payload sizes measured for pub/sub. */
export const PUBSUB_SIZES: readonly number[] = [64, 1024, 64 * 1024];

/** Payload size for request/reply. */
export const REQREP_SIZE = 64;

/**
 * The timings of a run's cases.
 *
 * One round trip at a time makes few calls per second, so the JIT needs
 * longer to settle than in the throughput cases: after a 200 ms warmup,
 * Node's msg-ts p50 was 160-220 us, after 1.5 s 90-110 us (raw ping-pong
 * 58-65 us either way). Every implementation gets the same warmup.
 *
 * @param quick The CI smoke mode.
 * @param kind The scenario; latency cases warm up longer.
 * @returns Warmup and measured milliseconds.
 */
export function timing(quick: boolean, kind?: Kind): Timing {
  if (quick) return { warmup: 100, duration: 200 };
  if (kind === "latency") return { warmup: 1500, duration: 1000 };
  return { warmup: 200, duration: 600 };
}

/** One scenario of a run. */
interface Scenario {
  kind: Kind;
  transport: TransportName;
  size: number;
  subs: number;
}

function implsFor({ kind, transport, size, subs }: Scenario, quick: boolean) {
  const impls: { impl: ImplName; runtimes: readonly RuntimeName[] }[] = [];
  // quick mode keeps 10 subscribers for the publisher's memory only
  if (transport !== "inproc" && !(quick && subs === 10)) {
    impls.push({ impl: "raw", runtimes: RUNTIMES });
    if (kind === "pubsub" && size === 64 && subs === 1) {
      impls.push({ impl: "raw-per-write", runtimes: RUNTIMES });
    }
  }
  impls.push({ impl: "msg-ts", runtimes: RUNTIMES });
  if (transport !== "inproc") {
    impls.push({ impl: "zeromq", runtimes: ["node"] });
  }
  return impls;
}

function expand(scenario: Scenario, quick: boolean): Case[] {
  const cases: Case[] = [];
  for (const { impl, runtimes } of implsFor(scenario, quick)) {
    for (const runtime of runtimes) cases.push({ ...scenario, runtime, impl });
  }
  return cases;
}

/**
 * Every case of a run, grouped by scenario so that the rows of one table
 * are measured close together in time.
 *
 * @param quick The CI smoke mode: pub/sub at 64 B and 64 KiB with one
 *   subscriber, msg-ts and zeromq at 64 B with 10 (for the publisher's
 *   memory), request/reply, and inproc at 64 B only.
 * @param transports The transports to measure.
 * @returns The cases in run order.
 */
export function cases(
  quick: boolean,
  transports: readonly TransportName[],
): Case[] {
  const all: Case[] = [];
  for (const transport of transports) {
    const inproc = transport === "inproc";
    for (const size of PUBSUB_SIZES) {
      for (const subs of [1, 10]) {
        if (quick && (size === 1024 || (subs === 10 && size > 64))) continue;
        if (quick && inproc && (subs === 10 || size > 64)) continue;
        all.push(...expand({ kind: "pubsub", transport, size, subs }, quick));
      }
    }
    for (const kind of ["latency", "pipeline"] as const) {
      all.push(
        ...expand({ kind, transport, size: REQREP_SIZE, subs: 1 }, quick),
      );
    }
  }
  return all;
}

/** The script that plays a case, without extension. */
export function scriptOf(c: Case): string {
  switch (c.impl) {
    case "raw":
    case "raw-per-write":
      return `raw_${c.runtime}`;
    case "zeromq":
      return "zeromq_node";
    case "msg-ts":
      return c.kind === "pubsub" ? "msgts_pubsub" : "msgts_reqrep";
  }
}

/** The roles of a case: the binding side, the connecting side (none for inproc). */
export function rolesOf(c: Case): { bind: Role; connect?: Role } {
  if (c.transport === "inproc") {
    const role: Record<Kind, Role> = {
      pubsub: "inproc-pubsub",
      latency: "inproc-req",
      pipeline: "inproc-pipeline",
    };
    return { bind: role[c.kind] };
  }
  switch (c.kind) {
    case "pubsub":
      return { bind: "pub", connect: "sub" };
    case "latency":
      return { bind: "rep", connect: "req" };
    case "pipeline":
      return { bind: "router", connect: "pipeline" };
  }
}

/** The key of a case's scenario: cases with the same key share a table. */
export function scenarioKey(c: Omit<Case, "runtime" | "impl">): string {
  return `${c.kind}/${c.transport}/${c.size}/${c.subs}`;
}
