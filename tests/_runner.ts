/**
 * The test runner for Bun and Node. Deno runs the same files with
 * `deno test`; here, `test()` only registers, and this file runs what was
 * registered.
 *
 * - `bun tests/_runner.ts [filter…]` runs the sources;
 *   `node build/tests/_runner.js [filter…]` runs the compiled copy.
 * - It finds every `*_test.ts` (or `*_test.js` beside the compiled runner)
 *   under its own folder, skipping folders whose name starts with `_`, and
 *   keeps only files whose path contains one of the filters, if any. Then
 *   it runs the doc examples of `runtimes/<runtime>.ts` and
 *   `runtimes/auto.ts` (with no filter, or the filter `doc`).
 * - Tests run one at a time, each under its own timeout. An error nobody
 *   caught while a test runs fails that test.
 * - Output: `# <file>` before each file, then `ok <name> (ms)`,
 *   `FAIL <name>` with the error, or `skip <name>`; the last line is
 *   `N passed, N failed` (and `, N skipped` when some were skipped).
 * - A test that blocks the event loop (so its timeout cannot fire) is
 *   reported by a watchdog thread 5 s past its timeout, which then kills
 *   the process (see `_watchdog.ts`).
 * - The process exits when the tests are done, with code 1 on any failure,
 *   even when a leaked handle would keep it alive; leaked handles are listed
 *   (after each test with `MSG_TS_TRACE_LEAKS=1`).
 *
 * @module
 */

import { existsSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { dirname, extname, join, relative } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { registerDocExamples } from "./_doc_examples.ts";
import { type RegisteredTest, registeredTests } from "./_helpers/test.ts";
import type { WatchdogMessage } from "./_watchdog.ts";

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

/** Collects errors that escape while a test runs. */
class EscapedErrors {
  #reject: ((error: unknown) => void) | undefined;
  #outside: unknown[] = [];

  /** A promise that rejects with the next escaped error, until `stop()`. */
  watch(): Promise<never> {
    return new Promise<never>((_, reject) => {
      this.#reject = reject;
    });
  }

  /** Stops attributing escaped errors to a test. */
  stop(): void {
    this.#reject = undefined;
  }

  /** Errors that escaped while no test was running. */
  get outside(): unknown[] {
    return this.#outside;
  }

  /** Routes one escaped error. */
  report(error: unknown): void {
    if (this.#reject !== undefined) this.#reject(error);
    else this.#outside.push(error);
  }
}

/** Time a blocked event loop gets past a test's timeout before the kill. */
const WATCHDOG_GRACE_MS = 5_000;

function startWatchdog(): Worker | undefined {
  const ext = extname(fileURLToPath(import.meta.url));
  try {
    const worker = new Worker(new URL(`./_watchdog${ext}`, import.meta.url));
    worker.unref();
    return worker;
  } catch {
    return undefined; // run without: a blocked loop then hangs until CI's timeout
  }
}

const WATCHDOG = startWatchdog();

function watch(message: WatchdogMessage): void {
  WATCHDOG?.postMessage(message);
}

const ROOT = dirname(fileURLToPath(import.meta.url));
const SUFFIX = `_test${extname(fileURLToPath(import.meta.url))}`;
/** `MSG_TS_TRACE_LEAKS=1` lists the handles each test leaves open. */
const TRACE_LEAKS = process.env.MSG_TS_TRACE_LEAKS === "1";

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function describe(error: unknown): string {
  const text = error instanceof Error
    ? (error.stack ?? `${error.name}: ${error.message}`)
    : String(error);
  const cause = error instanceof Error && error.cause !== undefined
    ? `\ncaused by: ${describe(error.cause)}`
    : "";
  return (text + cause).split("\n").map((line) => `    ${line}`).join("\n");
}

async function findTests(dir: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith("_") && entry.name !== "node_modules") {
        found.push(...await findTests(path));
      }
    } else if (entry.name.endsWith(SUFFIX)) {
      found.push(path);
    }
  }
  return found.sort();
}

async function runOne(
  test: RegisteredTest,
  escaped: EscapedErrors,
  tally: Tally,
): Promise<void> {
  if (test.options.ignore === true) {
    tally.skipped++;
    print(`skip ${test.name}`);
    return;
  }
  const started = performance.now();
  const deadline = (test.options.timeout ?? 30_000) + WATCHDOG_GRACE_MS;
  watch({ name: test.name, deadline, ...tally });
  try {
    await Promise.race([Promise.resolve().then(test.fn), escaped.watch()]);
    tally.passed++;
    print(`ok ${test.name} (${Math.round(performance.now() - started)}ms)`);
  } catch (error) {
    tally.failed++;
    print(`FAIL ${test.name}\n${describe(error)}`);
  } finally {
    escaped.stop();
    watch({});
  }
}

async function runFile(
  path: string,
  escaped: EscapedErrors,
  tally: Tally,
): Promise<void> {
  const name = relative(ROOT, path);
  print(`# tests/${name}`);
  const before = registeredTests().length;
  try {
    await import(pathToFileURL(path).href);
  } catch (error) {
    tally.failed++;
    print(`FAIL import tests/${name}\n${describe(error)}`);
    return;
  }
  for (const test of registeredTests().slice(before)) {
    const baseline = TRACE_LEAKS ? countResources() : undefined;
    await runOne(test, escaped, tally);
    if (baseline !== undefined) {
      await settle();
      reportLeaks(baseline, `after "${test.name}"`);
    }
  }
}

/** Gives handles closed a moment ago the time to finish closing. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50));
}

/** Runs the doc examples of this runtime's own files (see `_doc_examples.ts`). */
async function runDocExamples(
  escaped: EscapedErrors,
  tally: Tally,
): Promise<void> {
  const isBun = (globalThis as { Bun?: unknown }).Bun !== undefined;
  const files = [`runtimes/${isBun ? "bun" : "node"}.ts`, "runtimes/auto.ts"];
  print(`# doc ${files.join(" ")}`);
  const codeRoot = dirname(ROOT);
  const sourceRoot = existsSync(join(codeRoot, "deno.json"))
    ? codeRoot
    : dirname(codeRoot);
  const before = registeredTests().length;
  try {
    await registerDocExamples(files, {
      sourceRoot,
      codeRoot,
      typescript: isBun,
    });
  } catch (error) {
    tally.failed++;
    print(`FAIL doc examples of ${files.join(" ")}\n${describe(error)}`);
  }
  for (const test of registeredTests().slice(before)) {
    await runOne(test, escaped, tally);
  }
}

function countResources(): Map<string, number> {
  const counts = new Map<string, number>();
  const info = (process as { getActiveResourcesInfo?: () => string[] })
    .getActiveResourcesInfo?.() ?? [];
  for (const kind of info) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

function reportLeaks(baseline: Map<string, number>, when: string): void {
  const leaked: string[] = [];
  for (const [kind, count] of countResources()) {
    const extra = count - (baseline.get(kind) ?? 0);
    if (extra > 0) leaked.push(`${kind} x${extra}`);
  }
  if (leaked.length > 0) {
    print(`# handles still open ${when}: ${leaked.join(", ")}`);
  }
}

function summary(tally: Tally): string {
  const skipped = tally.skipped > 0 ? `, ${tally.skipped} skipped` : "";
  return `${tally.passed} passed, ${tally.failed} failed${skipped}`;
}

async function main(filters: string[]): Promise<void> {
  const baseline = countResources();
  const escaped = new EscapedErrors();
  process.on("unhandledRejection", (error) => escaped.report(error));
  process.on("uncaughtException", (error) => escaped.report(error));
  const tally: Tally = { passed: 0, failed: 0, skipped: 0 };
  const files = (await findTests(ROOT)).filter((path) =>
    filters.length === 0 ||
    filters.some((filter) => relative(ROOT, path).includes(filter))
  );
  for (const path of files) await runFile(path, escaped, tally);
  if (filters.length === 0 || filters.includes("doc")) {
    await runDocExamples(escaped, tally);
  }
  for (const error of escaped.outside) {
    tally.failed++;
    print(`FAIL error outside any test\n${describe(error)}`);
  }
  if (tally.passed + tally.failed + tally.skipped === 0) {
    tally.failed++;
    print(`FAIL no tests found under ${ROOT} for ${filters.join(" ")}`);
  }
  await settle();
  reportLeaks(baseline, "at the end");
  print(summary(tally));
  process.exit(tally.failed > 0 ? 1 : 0);
}

await main(process.argv.slice(2));
