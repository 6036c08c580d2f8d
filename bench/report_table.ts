/**
 * The result tables: one per scenario, with msgs/s, MB/s, latency
 * percentiles, the publisher's RSS, and the msg-ts ratios; then the targets.
 *
 * @module
 */

import {
  formatFigure,
  formatRate,
  formatRatio,
  formatSize,
} from "./format_number.ts";
import { ratiosOf } from "./ratios.ts";
import type { Row } from "./run_case.ts";
import { scenarioKey, WINDOW } from "./scenarios.ts";
import type { TargetResult } from "./targets.ts";
import { renderTable, type TableStyle } from "./text_table.ts";

/** The longest n/a reason shown in a table; the JSON keeps it whole. */
const REASON_CHARS = 100;

/**
 * The title of a row's scenario.
 *
 * @param row Any row of the scenario.
 * @returns E.g. `pub/sub · tcp · 64 B · 1 subscriber`.
 */
export function scenarioTitle(row: Row): string {
  const where = `${row.transport} · ${formatSize(row.size)}`;
  switch (row.kind) {
    case "pubsub":
      return `pub/sub · ${where} · ${row.subs} subscriber${
        row.subs === 1 ? "" : "s"
      }`;
    case "latency":
      return `req/rep latency, one in flight · ${where}`;
    case "pipeline":
      return `pipelined req/rep, window ${WINDOW} · ${where}`;
  }
}

/** What an implementation is called in a scenario's table. */
export function implLabel(row: Row): string {
  const names: Record<Row["kind"], Record<Row["impl"], string>> = {
    pubsub: {
      raw: "raw, 64 KiB writes",
      "raw-per-write": "raw, 1 write per msg",
      zeromq: "zeromq PUB/SUB",
      "msg-ts": "msg-ts",
    },
    latency: {
      raw: "raw ping-pong",
      "raw-per-write": "raw, 1 write per msg",
      zeromq: "zeromq REQ/REP",
      "msg-ts": "msg-ts",
    },
    pipeline: {
      raw: "raw echo",
      "raw-per-write": "raw, 1 write per msg",
      zeromq: "zeromq DEALER/ROUTER",
      "msg-ts": "msg-ts",
    },
  };
  return names[row.kind][row.impl];
}

function ratioCells(rows: readonly Row[], row: Row): string[] {
  const { vsRaw, vsZeromq } = ratiosOf(rows, row);
  const show = (value: number | undefined) =>
    row.impl !== "msg-ts" ? "" : value === undefined ? "—" : formatRatio(value);
  return [show(vsRaw), show(vsZeromq)];
}

function cells(rows: readonly Row[], row: Row): string[] {
  const head = [row.runtime, implLabel(row)];
  if (row.status !== "ok") return [...head, "n/a"];
  const rss = row.rssMB === undefined ? "" : `${formatFigure(row.rssMB)}`;
  if (row.kind === "latency") {
    const l = row.latency!;
    return [
      ...head,
      formatFigure(l.p50Us),
      formatFigure(l.p99Us),
      formatFigure(l.p999Us),
      formatRate(row.msgsPerSec ?? 0),
      ...ratioCells(rows, row),
    ];
  }
  return [
    ...head,
    formatRate(row.msgsPerSec ?? 0),
    formatFigure(row.mbPerSec ?? 0),
    rss,
    ...ratioCells(rows, row),
  ];
}

function header(row: Row): string[] {
  if (row.kind === "latency") {
    return [
      "runtime",
      "implementation",
      "p50 µs",
      "p99 µs",
      "p99.9 µs",
      "round trips/s",
      "p50 vs raw",
      "p50 vs zeromq",
    ];
  }
  const rate = row.kind === "pipeline" ? "round trips/s" : "msgs/s";
  const rss = row.kind === "pubsub" ? "pub RSS MB" : "rep RSS MB";
  return [
    "runtime",
    "implementation",
    rate,
    "MB/s",
    rss,
    "vs raw",
    "vs zeromq",
  ];
}

/**
 * Renders one table per scenario, in the order the rows were measured.
 *
 * @param rows Every row of a run.
 * @param style Terminal or Markdown.
 * @returns Titled tables separated by blank lines.
 */
export function renderScenarios(
  rows: readonly Row[],
  style: TableStyle = "text",
): string {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = scenarioKey(row);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const parts: string[] = [];
  for (const group of groups.values()) {
    const title = scenarioTitle(group[0]!);
    const table = renderTable(
      header(group[0]!),
      group.map((row) => cells(rows, row)),
      style,
    );
    const notes = new Set(
      group.filter((row) => row.status !== "ok").map((row) =>
        `n/a ${row.runtime} ${implLabel(row)}: ` +
        (row.reason ?? "")
          .replace(`${row.runtime} ${row.impl} `, "")
          .slice(0, REASON_CHARS)
      ),
    );
    const gap = style === "markdown" ? "\n\n" : "\n";
    parts.push(
      [style === "markdown" ? `**${title}**` : title, table, ...notes]
        .join(gap),
    );
  }
  return parts.join("\n\n");
}

/**
 * Renders where the targets stand.
 *
 * @param targets The checked targets.
 * @param style Terminal or Markdown.
 * @returns The table.
 */
export function renderTargets(
  targets: readonly TargetResult[],
  style: TableStyle = "text",
): string {
  return renderTable(
    ["target (msg-ts, tcp)", "runtime", "measured", "goal", "status"],
    targets.map((t) => [t.target, t.runtime, t.figure, t.goal, t.status]),
    style,
  );
}
