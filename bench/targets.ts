/**
 * The performance targets of the issue, checked against one run's rows.
 * Every target compares figures from the same run on the same machine; TCP
 * and one subscriber unless said otherwise.
 *
 * @module
 */

import { formatFigure, formatRatio } from "./format_number.ts";
import { ratiosOf } from "./ratios.ts";
import type { Row } from "./run_case.ts";
import { type RuntimeName, RUNTIMES } from "./runtime_command.ts";

/** Where one target stands in one runtime. */
export interface TargetResult {
  /** The target in words. */
  target: string;
  runtime: RuntimeName;
  /** The measured figure, e.g. `12.3×` or `41 MB`. */
  figure: string;
  /** The goal, e.g. `≥ 10×`. */
  goal: string;
  /** `n/a` when a side of the comparison was not measured. */
  status: "met" | "not met" | "n/a";
}

function msgTsRow(
  rows: readonly Row[],
  runtime: RuntimeName,
  kind: Row["kind"],
  size: number,
): Row | undefined {
  return rows.find((row) =>
    row.impl === "msg-ts" && row.runtime === runtime && row.kind === kind &&
    row.transport === "tcp" && row.size === size && row.subs === 1
  );
}

function check(
  target: string,
  runtime: RuntimeName,
  value: number | undefined,
  goal: { min?: number; max?: number; unit: "×" | "MB" },
): TargetResult {
  const text = goal.min !== undefined ? `≥ ${goal.min}` : `< ${goal.max}`;
  const result = {
    target,
    runtime,
    goal: goal.unit === "×" ? `${text}×` : `${text} MB`,
  };
  if (value === undefined) return { ...result, figure: "—", status: "n/a" };
  const met = goal.min !== undefined ? value >= goal.min : value < goal.max!;
  const figure = goal.unit === "×"
    ? formatRatio(value)
    : `${formatFigure(value)} MB`;
  return { ...result, figure, status: met ? "met" : "not met" };
}

function ratio(
  rows: readonly Row[],
  row: Row | undefined,
  which: "vsRaw" | "vsZeromq",
) {
  return row === undefined ? undefined : ratiosOf(rows, row)[which];
}

/**
 * Checks every target in every runtime.
 *
 * @param rows The rows of one run.
 * @returns One result per target and runtime.
 */
export function checkTargets(rows: readonly Row[]): TargetResult[] {
  const results: TargetResult[] = [];
  const measured = RUNTIMES.filter((runtime) =>
    rows.some((row) => row.runtime === runtime)
  );
  for (const runtime of measured) {
    const pubsub64 = msgTsRow(rows, runtime, "pubsub", 64);
    const pubsub64k = msgTsRow(rows, runtime, "pubsub", 64 * 1024);
    const latency = msgTsRow(rows, runtime, "latency", 64);
    const pipeline = msgTsRow(rows, runtime, "pipeline", 64);
    results.push(
      check(
        "pub/sub 64 B msgs/s vs zeromq",
        runtime,
        ratio(rows, pubsub64, "vsZeromq"),
        {
          min: runtime === "node" ? 5 : 10,
          unit: "×",
        },
      ),
      check(
        "pub/sub 64 B msgs/s vs raw batched",
        runtime,
        ratio(rows, pubsub64, "vsRaw"),
        {
          min: 0.2,
          unit: "×",
        },
      ),
      check(
        "pub/sub 64 KiB MB/s vs raw batched",
        runtime,
        ratio(rows, pubsub64k, "vsRaw"),
        {
          min: 0.7,
          unit: "×",
        },
      ),
      check(
        "req/rep p50 vs raw ping-pong p50",
        runtime,
        ratio(rows, latency, "vsRaw"),
        {
          max: 1.3,
          unit: "×",
        },
      ),
      check(
        "req/rep p50 vs zeromq REQ/REP p50",
        runtime,
        ratio(rows, latency, "vsZeromq"),
        {
          max: 1,
          unit: "×",
        },
      ),
      check(
        "pipelined round trips/s vs zeromq DEALER/ROUTER",
        runtime,
        ratio(rows, pipeline, "vsZeromq"),
        { min: 10, unit: "×" },
      ),
      check(
        "publisher peak RSS, 10 subscribers, any size",
        runtime,
        publisherRss(rows, runtime),
        {
          max: 64,
          unit: "MB",
        },
      ),
    );
  }
  return results;
}

/** The highest publisher RSS over the msg-ts 10-subscriber socket runs. */
function publisherRss(
  rows: readonly Row[],
  runtime: RuntimeName,
): number | undefined {
  const peaks = rows
    .filter((row) =>
      row.impl === "msg-ts" && row.runtime === runtime &&
      row.kind === "pubsub" &&
      row.subs === 10 && row.transport !== "inproc" && row.rssMB !== undefined
    )
    .map((row) => row.rssMB!);
  return peaks.length === 0 ? undefined : Math.max(...peaks);
}
