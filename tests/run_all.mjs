// Runs every test suite in every runtime and totals the results; `npm test`
// runs this file with the machine's Node (20 or later).
//
//   node tests/run_all.mjs [deno] [bun] [node] [interop]
//
// Steps, in order (all of them when none is named):
//   deno     `deno task test` (unit, property, runtime and doc tests)
//   bun      `bun tests/_runner.ts`
//   node     `tsc -p tsconfig.build.json` (the npm package, into dist/),
//            `tsc -p tsconfig.tests.json` (the tests, into build/), then
//            `node build/tests/_runner.js`
//   interop  every tests/interop/*.mjs, run with Node; each prints the same
//            final `N passed, N failed` line as the runner
//
// Each step has a time limit, cut to what is left of a 12-minute budget
// (MSG_TS_TEST_BUDGET_MS); a step past it is killed and counts as failed.
// FC_SEED is drawn when unset and passed to every step, so one seed
// reproduces the whole run. A step that crashes, times out or prints no
// summary counts as one failed test, never as zero tests. The last line is
// `N passed, N failed` over every step; the exit code is 1 when anything
// failed.

import { spawn } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const BIN = join(ROOT, "node_modules", ".bin");
/** The whole run must end by then (CI stops at 14 minutes, npm ci included). */
const BUDGET_MS = Number(process.env.MSG_TS_TEST_BUDGET_MS ?? 12 * 60_000);
const DEADLINE = Date.now() + BUDGET_MS;
const STEP_TIMEOUT_MS = 6 * 60_000;
const BUILD_TIMEOUT_MS = 2 * 60_000;

/** A step's time limit: its own, cut to what is left of the budget. */
function limit(ms) {
  return Math.max(0, Math.min(ms, DEADLINE - Date.now()));
}

const DENO_SUMMARY =
  /^(ok|FAILED) \| (\d+) passed(?: \(\d+ steps?\))? \| (\d+) failed(?: \(\d+ steps?\))?(?: \| (\d+) ignored)?/m;
const DENO_RESULT = /^(\S+) => (.+) \.\.\. (ok|FAILED|ignored)\b/;
const RUNNER_SUMMARY = /^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/;

/** Runs one command, echoing its output; resolves to its code and output. */
function run(command, args, { timeoutMs, env }) {
  return new Promise((resolve) => {
    process.stdout.write(`\n$ ${[command, ...args].join(" ")}\n`);
    const child = spawn(command, args, {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    let timedOut = false;
    child.stdout.on("data", (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, timeoutMs);
    child.on("error", (error) => {
      output += `\n${error.stack}`;
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, signal, output, timedOut });
    });
  });
}

function emptyCounts() {
  return { passed: 0, failed: 0, skipped: 0 };
}

function bump(suites, suite, outcome) {
  const counts = suites.get(suite) ?? emptyCounts();
  counts[outcome]++;
  suites.set(suite, counts);
}

function suiteOf(file) {
  if (file.includes("#")) return "doc";
  const parts = file.replace(/^\.\//, "").split("/");
  if (parts[0] !== "tests") return parts[0] ?? "other";
  return parts.length > 2 ? parts[1] : "tests";
}

/** Reads `deno test` output: totals from its summary, suites from its lines. */
function parseDeno(output) {
  const suites = new Map();
  for (const line of output.split("\n")) {
    const match = DENO_RESULT.exec(line);
    if (match === null || match[2].includes(" ... ")) continue;
    const outcome = { ok: "passed", FAILED: "failed", ignored: "skipped" };
    bump(suites, suiteOf(match[1]), outcome[match[3]]);
  }
  const summary = DENO_SUMMARY.exec(output);
  if (summary === null) return { suites, total: undefined };
  const total = {
    passed: Number(summary[2]),
    failed: Number(summary[3]),
    skipped: Number(summary[4] ?? 0),
  };
  return { suites, total };
}

/** Reads tests/_runner.ts output (`# file`, `ok`, `FAIL`, `skip`, summary). */
function parseRunner(output) {
  const suites = new Map();
  let suite = "tests";
  let total;
  for (const line of output.split("\n")) {
    if (line.startsWith("# tests/")) suite = suiteOf(line.slice(2));
    else if (line.startsWith("# doc ")) suite = "doc";
    else if (line.startsWith("ok ")) bump(suites, suite, "passed");
    else if (line.startsWith("FAIL ")) bump(suites, suite, "failed");
    else if (line.startsWith("skip ")) bump(suites, suite, "skipped");
    const summary = RUNNER_SUMMARY.exec(line.trim());
    if (summary !== null) {
      total = {
        passed: Number(summary[1]),
        failed: Number(summary[2]),
        skipped: Number(summary[3] ?? 0),
      };
    }
  }
  return { suites, total };
}

/** Why a finished step must count as failed even if its summary says not. */
function crashReason(result, total) {
  if (result.timedOut) return "timed out (or no time left in the budget)";
  if (total === undefined) return `no summary line (exit code ${result.code})`;
  if (result.code !== 0 && total.failed === 0) {
    return `exit code ${result.code} with no failed test`;
  }
  if (result.code === 0 && total.failed > 0) return "exit code 0 with failures";
  return undefined;
}

/** Runs prerequisites, then the test command; returns one report. */
async function step(runtime, { prepare = [], command, args, parse, env }) {
  for (const [prepCommand, prepArgs] of prepare) {
    const result = await run(prepCommand, prepArgs, {
      timeoutMs: limit(BUILD_TIMEOUT_MS),
      env,
    });
    if (result.code !== 0) {
      const how = result.timedOut
        ? "timed out"
        : `exit code ${result.code}${
          result.signal ? `, ${result.signal}` : ""
        }`;
      const crash = `${[prepCommand, ...prepArgs].join(" ")} failed (${how})`;
      return { runtime, suites: new Map(), total: emptyCounts(), crash };
    }
  }
  const result = await run(command, args, {
    timeoutMs: limit(STEP_TIMEOUT_MS),
    env,
  });
  const { suites, total } = parse(result.output);
  const crash = crashReason(result, total);
  return { runtime, suites, total: total ?? emptyCounts(), crash };
}

function nodeBuildSteps() {
  rmSync(join(ROOT, "dist"), { recursive: true, force: true });
  rmSync(join(ROOT, "build"), { recursive: true, force: true });
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  return [
    [process.execPath, [tsc, "-p", "tsconfig.build.json"]],
    [process.execPath, [tsc, "-p", "tsconfig.tests.json"]],
  ];
}

function interopScripts() {
  const dir = join(ROOT, "tests", "interop");
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => name.endsWith(".mjs")).sort()
    .map((name) => join("tests", "interop", name));
}

/** Runs the chosen steps in order and collects their reports. */
async function runSteps(chosen, env) {
  const reports = [];
  const wants = (name) => chosen.length === 0 || chosen.includes(name);
  if (wants("deno")) {
    const command = join(BIN, "deno");
    const spec = { command, args: ["task", "test"], parse: parseDeno, env };
    reports.push(await step("deno", spec));
  }
  if (wants("bun")) {
    const command = join(BIN, "bun");
    const args = ["tests/_runner.ts"];
    reports.push(await step("bun", { command, args, parse: parseRunner, env }));
  }
  if (wants("node")) {
    const prepare = nodeBuildSteps();
    const args = ["build/tests/_runner.js"];
    const command = process.execPath;
    const spec = { prepare, command, args, parse: parseRunner, env };
    reports.push(await step("node", spec));
  }
  if (wants("interop")) {
    for (const script of interopScripts()) {
      const spec = { command: process.execPath, args: [script], env };
      reports.push(await step(`interop`, { ...spec, parse: parseRunner }));
    }
  }
  return reports;
}

function line(runtime, suite, counts) {
  const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : "";
  return `${runtime.padEnd(8)} ${suite.padEnd(12)} ` +
    `${counts.passed} passed, ${counts.failed} failed${skipped}`;
}

/** Prints one line per suite × runtime; returns the grand total. */
function report(reports, seed) {
  const grand = emptyCounts();
  process.stdout.write(`\n== results (FC_SEED=${seed}) ==\n`);
  for (const { runtime, suites, total, crash } of reports) {
    for (const suite of [...suites.keys()].sort()) {
      process.stdout.write(`${line(runtime, suite, suites.get(suite))}\n`);
    }
    if (crash !== undefined) {
      total.failed++;
      process.stdout.write(`${runtime.padEnd(8)} CRASHED: ${crash}\n`);
    }
    process.stdout.write(`${line(runtime, "total", total)}\n`);
    grand.passed += total.passed;
    grand.failed += total.failed;
  }
  return grand;
}

async function main() {
  const chosen = process.argv.slice(2);
  const known = ["deno", "bun", "node", "interop"];
  const unknown = chosen.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    process.stderr.write(`Unknown step ${unknown.join(", ")}: use ${known}\n`);
    process.exit(2);
  }
  const seed = process.env.FC_SEED || String((Math.random() * 2 ** 31) | 0);
  process.stdout.write(`FC_SEED=${seed}\n`);
  const env = { ...process.env, FC_SEED: seed, NO_COLOR: "1" };
  env.PATH = `${BIN}:${process.env.PATH ?? ""}`;
  const grand = report(await runSteps(chosen, env), seed);
  process.stdout.write(`${grand.passed} passed, ${grand.failed} failed\n`);
  process.exit(grand.failed > 0 || grand.passed === 0 ? 1 : 0);
}

await main();
