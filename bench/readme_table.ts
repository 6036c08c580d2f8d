/**
 * Prints the README's "Performance" section (Markdown) from a results file:
 *
 * ```
 * deno run --allow-read bench/readme_table.ts [bench/results/latest.json]
 * ```
 *
 * @module
 */

import { formatFigure, formatRate } from "./format_number.ts";
import type { MachineInfo } from "./machine_info.ts";
import { sibling } from "./ratios.ts";
import { renderScenarios, renderTargets } from "./report_table.ts";
import type { Row } from "./run_case.ts";
import type { TargetResult } from "./targets.ts";
import { renderTable } from "./text_table.ts";

interface Results {
  machine: MachineInfo;
  mode: string;
  seconds: number;
  rows: (Row & { vsRaw?: number; vsZeromq?: number })[];
  targets: TargetResult[];
}

function print(text = "") {
  // deno-lint-ignore no-console
  console.log(text);
}

/** The headline scenarios, over TCP, one subscriber. */
const HEADLINES = [
  { label: "pub/sub 64 B, msgs/s", kind: "pubsub", size: 64 },
  { label: "pub/sub 64 KiB, MB/s", kind: "pubsub", size: 65536 },
  { label: "req/rep p50 µs (lower is better)", kind: "latency", size: 64 },
  { label: "pipelined req/rep, round trips/s", kind: "pipeline", size: 64 },
] as const;

function value(row: Row | undefined, label: string): string {
  if (row?.status !== "ok") return "n/a";
  if (row.kind === "latency") return formatFigure(row.latency!.p50Us);
  if (label.includes("MB/s")) return formatFigure(row.mbPerSec ?? 0);
  return formatRate(row.msgsPerSec ?? 0);
}

function ratio(value: number | undefined): string {
  return value === undefined ? "—" : `${formatFigure(value)}×`;
}

function headlineTable(rows: Results["rows"]): string {
  const cells: string[][] = [];
  for (const headline of HEADLINES) {
    for (const runtime of ["deno", "bun", "node"] as const) {
      const msgTs = rows.find((row) =>
        row.impl === "msg-ts" && row.runtime === runtime &&
        row.kind === headline.kind && row.transport === "tcp" &&
        row.size === headline.size && row.subs === 1
      );
      if (msgTs === undefined) continue;
      const raw = sibling(rows, msgTs, "raw", runtime);
      const zeromq = sibling(rows, msgTs, "zeromq", "node");
      cells.push([
        headline.label,
        runtime,
        value(raw, headline.label),
        value(msgTs, headline.label),
        ratio(msgTs.vsRaw),
        value(zeromq, headline.label),
        ratio(msgTs.vsZeromq),
      ]);
    }
  }
  const header = [
    "scenario (tcp)",
    "runtime",
    "raw socket",
    "msg-ts",
    "msg-ts ÷ raw",
    "zeromq (Node)",
    "msg-ts ÷ zeromq",
  ];
  return renderTable(header, cells, "markdown");
}

async function main() {
  const path = Deno.args[0] ?? "bench/results/latest.json";
  const results: Results = JSON.parse(await Deno.readTextFile(path));
  const m = results.machine;
  const versions = Object.entries(m.runtimes)
    .map(([runtime, version]) => `${runtime} ${version}`)
    .join(", ");
  print("## Performance");
  print();
  print(
    `Measured ${m.date.slice(0, 10)} on ${m.cpu}, ${m.cores} cores, ` +
      `${m.memoryGiB} GiB, ${m.os}; ${versions}; zeromq ${m.zeromq}. ` +
      `Sender and receiver run in separate processes over loopback, ` +
      `every figure beside its baselines in the same run ` +
      `(\`deno task bench\`, ${results.mode} mode, ${results.seconds} s; ` +
      `load average ${m.loadAvgStart[0]?.toFixed(2)} at start). ` +
      `"raw socket" writes length-prefixed frames in 64 KiB writes ` +
      `straight on the runtime's socket API: the limit of that runtime.`,
  );
  print();
  print(headlineTable(results.rows));
  print();
  print("### Targets");
  print();
  print(renderTargets(results.targets, "markdown"));
  print();
  print("<details><summary>Every scenario</summary>");
  print();
  print(renderScenarios(results.rows, "markdown"));
  print();
  print("</details>");
}

if (import.meta.main) await main();
