/**
 * The benchmark suite: `deno task bench` (full, under 5 minutes on 2 cores)
 * or `deno task bench --quick` (CI smoke, under a minute).
 *
 * Every scenario runs beside the raw socket of the same runtime and, on Node,
 * beside the `zeromq` package, in the same run; the tables print msg-ts'
 * ratios to both, then where the issue's targets stand. A case whose
 * implementation does not load or run shows as "n/a" with the reason. The
 * results go to `bench/results/latest.json` (`quick.json` with `--quick`)
 * for `bench/readme_table.ts`.
 *
 * @module
 */

import { ROOT } from "./bench_child.ts";
import { formatRate, formatSize } from "./format_number.ts";
import { machineInfo } from "./machine_info.ts";
import { buildForNode, type NodeBuild, removeNodeBuild } from "./node_build.ts";
import { ratiosOf } from "./ratios.ts";
import { renderScenarios, renderTargets } from "./report_table.ts";
import { type Row, runCase, type RunSettings } from "./run_case.ts";
import { parseRunOptions, type RunOptions } from "./run_options.ts";
import { type Case, cases, timing } from "./scenarios.ts";
import { checkTargets } from "./targets.ts";

function print(line = "") {
  // deno-lint-ignore no-console
  console.log(line);
}

function describe(c: Case): string {
  const subs = c.kind === "pubsub" ? ` ×${c.subs}` : "";
  return `${c.kind} ${c.transport} ${
    formatSize(c.size)
  }${subs} ${c.runtime} ${c.impl}`;
}

function summary(row: Row): string {
  if (row.status !== "ok") return `n/a: ${row.reason}`;
  if (row.latency !== undefined) {
    return `p50 ${row.latency.p50Us.toFixed(1)} µs, p99 ${
      row.latency.p99Us.toFixed(1)
    } µs`;
  }
  return `${formatRate(row.msgsPerSec ?? 0)}/s`;
}

function selected(options: RunOptions): Case[] {
  return cases(options.quick, options.transports).filter((c) =>
    options.runtimes.includes(c.runtime) && options.impls.includes(c.impl) &&
    options.kinds.includes(c.kind) && options.transports.includes(c.transport)
  );
}

/** Why a case is not run: the time budget, no Node build, or an earlier hang. */
function skipReason(
  c: Case,
  elapsed: number,
  options: RunOptions,
  nodeBuild: NodeBuild | undefined,
  hung: Map<string, string>,
): string | undefined {
  if (elapsed > options.budgetSeconds) {
    return `skipped: the run passed its ${options.budgetSeconds} s budget`;
  }
  if (c.runtime === "node" && nodeBuild !== undefined && "error" in nodeBuild) {
    return `Node build failed: ${nodeBuild.error}`;
  }
  const earlier = hung.get(`${c.runtime}/${c.impl}/${c.transport}`);
  return earlier === undefined
    ? undefined
    : `skipped after a timeout: ${earlier}`;
}

/** Runs the cases one after another, printing a line for each. */
async function runAll(
  todo: readonly Case[],
  options: RunOptions,
  nodeBuild: NodeBuild | undefined,
  seconds: () => number,
): Promise<Row[]> {
  const settings: RunSettings = {
    ...timing(options.quick),
    ...(nodeBuild !== undefined && "dir" in nodeBuild
      ? { nodeDir: nodeBuild.dir }
      : {}),
  };
  const rows: Row[] = [];
  const hung = new Map<string, string>();
  for (const [i, c] of todo.entries()) {
    const reason = skipReason(c, seconds(), options, nodeBuild, hung);
    const caseStart = seconds();
    const row: Row = reason === undefined
      ? await runCase(c, { ...settings, ...timing(options.quick, c.kind) })
      : { ...c, status: "n/a", reason };
    if (
      row.status === "n/a" && reason === undefined &&
      / within \d+ ms/.test(row.reason ?? "")
    ) {
      hung.set(`${c.runtime}/${c.impl}/${c.transport}`, row.reason!);
    }
    rows.push(row);
    const counter = `[${String(i + 1).padStart(3)}/${todo.length}]`;
    const took = `${(seconds() - caseStart).toFixed(1)} s`.padStart(6);
    print(
      `${counter} ${took}  ${describe(c).padEnd(40)} ${summary(row)}`
        .slice(0, 160),
    );
  }
  return rows;
}

async function writeResults(path: string, results: unknown) {
  const out = path.startsWith("/") ? path : `${ROOT}${path}`;
  await Deno.mkdir(new URL(".", `file://${out}`).pathname, { recursive: true });
  await Deno.writeTextFile(out, JSON.stringify(results, null, 2) + "\n");
}

async function main() {
  const options = parseRunOptions(Deno.args);
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const machine = await machineInfo(options.runtimes);
  const mode = options.quick ? "quick" : "full";
  print(`msg-ts benchmarks (${mode}) · ${machine.cpu}, ${machine.cores} cores`);
  print(`load average at start: ${machine.loadAvgStart.join(" ")}`);
  const nodeBuild = options.runtimes.includes("node")
    ? await buildForNode()
    : undefined;
  let rows: Row[];
  try {
    rows = await runAll(selected(options), options, nodeBuild, seconds);
  } finally {
    if (nodeBuild !== undefined && "dir" in nodeBuild) {
      await removeNodeBuild(nodeBuild.dir);
    }
  }
  const targets = checkTargets(rows);
  machine.loadAvgEnd = Deno.loadavg();
  print();
  print(renderScenarios(rows));
  print();
  print("Targets");
  print(renderTargets(targets));
  await writeResults(options.out, {
    machine,
    mode,
    timing: timing(options.quick),
    latencyTiming: timing(options.quick, "latency"),
    seconds: Math.round(seconds()),
    rows: rows.map((row) => ({ ...row, ...ratiosOf(rows, row) })),
    targets,
  });
  print();
  print(`load average at end: ${machine.loadAvgEnd.join(" ")}`);
  print(`${rows.length} cases in ${Math.round(seconds())} s · ${options.out}`);
}

if (import.meta.main) await main();
