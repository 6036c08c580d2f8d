/**
 * The runner's watchdog, run in a worker thread: a test whose code never
 * yields (a synchronous or microtask loop) blocks the runner's timers, so its
 * timeout can never fire. The runner tells the watchdog when each test starts
 * (with a deadline past its timeout) and ends; past the deadline the watchdog
 * writes the failure and the summary line straight to stdout and kills the
 * process, so CI fails in seconds instead of hanging.
 *
 * @module
 */

import { writeSync } from "node:fs";
import process from "node:process";
import { parentPort } from "node:worker_threads";

/** What the runner posts: a test that started, or `{}` when it ended. */
export interface WatchdogMessage {
  /** The test now running. */
  name?: string;
  /** How long it may keep the event loop, in ms. */
  deadline?: number;
  /** Tests passed before it. */
  passed?: number;
  /** Tests failed before it. */
  failed?: number;
}

let timer: ReturnType<typeof setTimeout> | undefined;

function bark(message: WatchdogMessage): void {
  writeSync(
    1,
    `FAIL ${message.name}\n    the runner's event loop stayed blocked ` +
      `${message.deadline} ms (past the test's timeout): killing the process\n` +
      `${message.passed ?? 0} passed, ${(message.failed ?? 0) + 1} failed\n`,
  );
  process.kill(process.pid, "SIGKILL");
}

parentPort?.on("message", (message: WatchdogMessage) => {
  clearTimeout(timer);
  if (message.name === undefined) return;
  timer = setTimeout(() => bark(message), message.deadline);
});
