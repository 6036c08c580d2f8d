/**
 * The child's side of the orchestrator protocol, in any runtime.
 *
 * - Arguments come from the command line (see `bench_args.ts`).
 * - The child writes one JSON object per line on stdout: `{"event":"ready"}`
 *   when it is bound or connected, `{"event":"result"}` with its measurement,
 *   `{"event":"final"}` with its peak RSS when it stops, `{"event":"error"}`.
 * - The orchestrator writes commands on stdin, one per line: `go` starts the
 *   sending, `stop` ends the child.
 * - A child always ends by itself after `--timeout` milliseconds.
 *
 * @module
 */

import { type BenchArgs, parseBenchArgs, type Role } from "./bench_args.ts";

interface DenoLike {
  args: string[];
  stdin: { read(buffer: Uint8Array): Promise<number | null> };
  memoryUsage(): { rss: number };
  exit(code: number): never;
}

interface ProcessLike {
  argv: string[];
  stdin: {
    on(event: "data", listener: (chunk: Uint8Array) => void): void;
    on(event: "end", listener: () => void): void;
    resume(): void;
  };
  memoryUsage(): { rss: number };
  exit(code: number): never;
}

function deno(): DenoLike | undefined {
  const d = (globalThis as { Deno?: DenoLike & { version?: unknown } }).Deno;
  return d?.version === undefined ? undefined : d;
}

function nodeProcess(): ProcessLike {
  return (globalThis as unknown as { process: ProcessLike }).process;
}

/** The name of the running runtime. */
export function runtimeName(): "deno" | "bun" | "node" {
  if (deno() !== undefined) return "deno";
  if ((globalThis as { Bun?: unknown }).Bun !== undefined) return "bun";
  return "node";
}

/** The resident set size of this process, in bytes. */
export function rssBytes(): number {
  return (deno() ?? nodeProcess()).memoryUsage().rss;
}

/**
 * Writes one event line on stdout.
 *
 * @param event The event name: `ready`, `result`, `final` or `error`.
 * @param fields What the event carries.
 */
export function emit(
  event: string,
  fields: Record<string, unknown> = {},
): void {
  // deno-lint-ignore no-console
  console.log(JSON.stringify({ event, ...fields }));
}

/** Commands from the orchestrator: `go`, then `stop`. */
export interface Commands {
  /** Resolves when `go` arrives. */
  readonly go: Promise<void>;
  /** Resolves when `stop` arrives or stdin closes. */
  readonly stop: Promise<void>;
  /** Whether `stop` has arrived. */
  readonly stopped: boolean;
}

function readCommands(): Commands {
  let onGo = () => {};
  let onStop = () => {};
  const state = {
    go: new Promise<void>((resolve) => (onGo = resolve)),
    stop: new Promise<void>((resolve) => (onStop = resolve)),
    stopped: false,
  };
  const decoder = new TextDecoder();
  let text = "";
  function take(chunk: Uint8Array | null) {
    if (chunk === null) {
      state.stopped = true;
      onGo();
      onStop();
      return;
    }
    text += decoder.decode(chunk, { stream: true });
    let newline;
    while ((newline = text.indexOf("\n")) >= 0) {
      const line = text.slice(0, newline).trim();
      text = text.slice(newline + 1);
      if (line === "go") onGo();
      if (line === "stop") {
        state.stopped = true;
        onGo();
        onStop();
      }
    }
  }
  const d = deno();
  if (d !== undefined) {
    (async () => {
      const buffer = new Uint8Array(256);
      for (;;) {
        const n = await d.stdin.read(buffer);
        take(n === null ? null : buffer.subarray(0, n));
        if (n === null) return;
      }
    })();
  } else {
    const p = nodeProcess();
    p.stdin.on("data", (chunk) => take(chunk));
    p.stdin.on("end", () => take(null));
    p.stdin.resume();
  }
  return state;
}

/** What a child's main function receives. */
export interface ChildContext {
  /** The parsed command line. */
  readonly args: BenchArgs;
  /** Commands from the orchestrator. */
  readonly commands: Commands;
  /** The highest RSS seen so far, in bytes (sampled every 50 ms). */
  peakRss(): number;
}

/**
 * Runs a child's main function: parses the arguments, samples RSS, reports
 * an error as an `error` event, and exits by itself on `--timeout`.
 *
 * @param main The child's work; the process exits when it resolves.
 */
export function runChild(
  main: (context: ChildContext) => Promise<void>,
): void {
  let peak = rssBytes();
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssBytes());
  }, 50);
  function finish(code: number) {
    clearInterval(sampler);
    const d = deno();
    if (d !== undefined) d.exit(code);
    else nodeProcess().exit(code);
  }
  let args: BenchArgs;
  try {
    args = parseBenchArgs(deno()?.args ?? nodeProcess().argv.slice(2));
  } catch (error) {
    emit("error", { message: String(error) });
    return finish(2);
  }
  setTimeout(() => {
    emit("error", { message: `Timed out after ${args.timeout} ms` });
    finish(3);
  }, args.timeout);
  const context: ChildContext = {
    args,
    commands: readCommands(),
    peakRss: () => Math.max(peak, rssBytes()),
  };
  main(context).then(
    () => finish(0),
    (error: unknown) => {
      const message = error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error);
      emit("error", { message });
      finish(1);
    },
  );
}

/**
 * Waits at most `ms` for a promise, then carries on; for closing sockets that
 * might linger.
 *
 * @param promise What to wait for; its rejection is ignored.
 * @param ms The bound in milliseconds.
 */
export async function settleWithin(
  promise: Promise<unknown>,
  ms: number,
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    promise.catch(() => {}),
    new Promise((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

/** What a child script does for each role it can play. */
export type RoleHandlers = Partial<
  Record<Role, (context: ChildContext) => Promise<void>>
>;

/**
 * Runs the handler of the role named on the command line.
 *
 * @param script Names the script in the error for a role it cannot play.
 * @param roles One handler per role the script supports.
 */
export function runRoles(script: string, roles: RoleHandlers): void {
  runChild(async (context) => {
    const handler = roles[context.args.role];
    if (handler === undefined) {
      throw new TypeError(`${script} cannot play "${context.args.role}"`);
    }
    await handler(context);
  });
}
