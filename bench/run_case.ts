/**
 * Runs one case: spawns the binding process, then the connecting processes
 * with the endpoint it reports, says `go`, collects the measurement, stops
 * everything (sender first) and removes the temporary socket directory. A
 * case that fails in any way becomes an "n/a" row with the reason.
 *
 * @module
 */

import { formatBenchArgs, type Role } from "./bench_args.ts";
import { BenchChild, type ChildEvent } from "./bench_child.ts";
import type { LatencySummary } from "./latency_recorder.ts";
import type { ThroughputSample } from "./rate_window.ts";
import { runtimeCommand } from "./runtime_command.ts";
import {
  type Case,
  rolesOf,
  scriptOf,
  type Timing,
  WINDOW,
} from "./scenarios.ts";

/** One line of the results: a case and what it measured. */
export interface Row extends Case {
  status: "ok" | "n/a";
  /** Why the row is "n/a". */
  reason?: string;
  /** Messages (pub/sub) or round trips (pipeline) per second, summed over receivers. */
  msgsPerSec?: number;
  /** Payload megabytes (10^6) per second. */
  mbPerSec?: number;
  /** Round-trip percentiles, one request in flight. */
  latency?: LatencySummary;
  /** Peak RSS of the binding process (publisher or replier), in MB (2^20). */
  rssMB?: number;
}

/** Milliseconds a child may take to bind or connect. */
const READY_MS = 15_000;
/** Milliseconds a child gets to stop before it is killed. */
const STOP_MS = 2_000;

function endpointFor(c: Case, directory: string | undefined): string {
  switch (c.transport) {
    case "tcp":
      return "tcp://127.0.0.1:0";
    case "ipc":
      return `ipc://${directory}/bench.sock`;
    case "inproc":
      return "inproc://bench";
  }
}

/** What every case of a run shares. */
export interface RunSettings extends Timing {
  /** Where the Node scripts were compiled. */
  nodeDir?: string;
}

function spawn(
  c: Case,
  settings: RunSettings,
  role: Role,
  endpoint: string,
): BenchChild {
  const args = formatBenchArgs({
    role,
    endpoint,
    size: c.size,
    subs: c.subs,
    window: WINDOW,
    mode: c.impl === "raw-per-write" ? "per-write" : "batched",
    warmup: settings.warmup,
    duration: settings.duration,
    timeout: READY_MS + settings.warmup + settings.duration + 30_000,
  });
  return new BenchChild(
    [
      ...runtimeCommand(c.runtime, scriptOf(c), {
        endpoint,
        nodeDir: settings.nodeDir,
      }),
      ...args,
    ],
    `${c.runtime} ${c.impl} ${role}`,
  );
}

function measured(c: Case, results: ChildEvent[]): Partial<Row> {
  const latency = results.find((event) => event.latency)?.latency as
    | LatencySummary
    | undefined;
  if (latency !== undefined) {
    return {
      latency,
      msgsPerSec: latency.meanUs > 0 ? 1e6 / latency.meanUs : 0,
    };
  }
  const samples = results.flatMap((event) =>
    (event.throughput ?? []) as ThroughputSample[]
  );
  if (samples.length === 0) {
    throw new Error("No receiver reported a measurement");
  }
  let msgsPerSec = 0;
  for (const sample of samples) msgsPerSec += sample.msgs / sample.seconds;
  return { msgsPerSec, mbPerSec: (msgsPerSec * c.size) / 1e6 };
}

async function measure(
  c: Case,
  settings: RunSettings,
  directory: string | undefined,
) {
  const children: BenchChild[] = [];
  const roles = rolesOf(c);
  try {
    const binder = spawn(c, settings, roles.bind, endpointFor(c, directory));
    children.push(binder);
    const ready = await binder.waitFor("ready", READY_MS);
    const connectors: BenchChild[] = [];
    if (roles.connect !== undefined) {
      const endpoint = String(ready.endpoint);
      const count = c.kind === "pubsub" ? c.subs : 1;
      for (let i = 0; i < count; i++) {
        connectors.push(
          spawn(c, settings, roles.connect, endpoint),
        );
      }
      children.push(...connectors);
      await Promise.all(
        connectors.map((child) => child.waitFor("ready", READY_MS)),
      );
    }
    await Promise.all(children.map((child) => child.send("go")));
    const receivers = roles.connect === undefined ? [binder] : connectors;
    const resultMs = READY_MS + settings.warmup + settings.duration;
    const results = await Promise.all(
      receivers.map((child) => child.waitFor("result", resultMs)),
    );
    const row = measured(c, results);
    // the sender stops first: the publisher, or the requesting client
    const senders = c.kind === "pubsub" ? [binder] : receivers;
    await Promise.all(senders.map((child) => child.stop(STOP_MS)));
    await Promise.all(children.map((child) => child.stop(STOP_MS)));
    const rss = Number((await binder.stop(STOP_MS))?.rssPeak);
    if (Number.isFinite(rss) && rss > 0) row.rssMB = rss / 2 ** 20;
    return row;
  } finally {
    await Promise.all(children.map((child) => child.kill()));
  }
}

/**
 * Runs one case.
 *
 * @param c The case.
 * @param settings Warmup and measured milliseconds, and the Node build.
 * @returns Its row; "n/a" with the reason when anything failed.
 */
export async function runCase(
  c: Case,
  settings: RunSettings,
): Promise<Row> {
  const directory = c.transport === "ipc"
    ? await Deno.makeTempDir({ prefix: "msgts-bench-" })
    : undefined;
  try {
    return { ...c, status: "ok", ...(await measure(c, settings, directory)) };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ...c,
      status: "n/a",
      reason: reason.replace(/\s+/g, " ").slice(0, 300),
    };
  } finally {
    if (directory !== undefined) {
      await Deno.remove(directory, { recursive: true }).catch(() => {});
    }
  }
}
