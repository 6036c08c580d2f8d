/**
 * The command line every benchmark child script shares, so the orchestrator
 * can drive the raw, zeromq and msg-ts implementations the same way:
 *
 * ```
 * <script> --role=pub --endpoint=tcp://127.0.0.1:0 --size=64 --warmup=200 --duration=800
 * ```
 *
 * @module
 */

/** What a child process does. Each script supports the roles it can play. */
export type Role =
  | "pub" // binds, waits for "go", sends until "stop"
  | "sub" // connects, measures received messages over a window
  | "rep" // binds, answers every request
  | "router" // binds, answers a pipelined client (DEALER/ROUTER in zeromq)
  | "req" // connects, one request in flight, measures latency
  | "pipeline" // connects, `window` requests in flight, measures round trips/s
  | "inproc-pubsub" // publisher and subscribers in this one process
  | "inproc-req" // replier and latency client in this one process
  | "inproc-pipeline"; // replier and pipelined client in this one process

/** How a raw publisher writes. */
export type WriteMode = "batched" | "per-write";

/** Parsed arguments of a benchmark child. */
export interface BenchArgs {
  /** What this process does. */
  role: Role;
  /** URL to bind or connect: `tcp://127.0.0.1:0`, `ipc:///tmp/x/s.sock`, `inproc://x`. */
  endpoint: string;
  /** Payload size in bytes. @default 64 */
  size: number;
  /** Subscribers a publisher serves (raw publishers wait for this many). @default 1 */
  subs: number;
  /** Requests in flight for `pipeline`. @default 1000 */
  window: number;
  /** Raw publishers only: one write per 64 KiB batch or per message. @default "batched" */
  mode: WriteMode;
  /** High-water mark for msg-ts and zeromq sockets, in messages. @default 1000 */
  hwm: number;
  /** Milliseconds to run before measuring. @default 200 */
  warmup: number;
  /** Milliseconds measured. @default 800 */
  duration: number;
  /** The process exits by itself after this many milliseconds. @default 30000 */
  timeout: number;
}

const ROLES: readonly Role[] = [
  "pub",
  "sub",
  "rep",
  "router",
  "req",
  "pipeline",
  "inproc-pubsub",
  "inproc-req",
  "inproc-pipeline",
];

/**
 * Parses `--key=value` arguments.
 *
 * @param argv The arguments after the script name.
 * @returns The arguments with defaults filled in.
 * @throws {TypeError} On an unknown key, an unknown role or a bad number.
 */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const raw = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z]+)=(.*)$/.exec(arg);
    if (match === null) throw new TypeError(`Cannot parse argument "${arg}"`);
    raw.set(match[1]!, match[2]!);
  }
  const role = raw.get("role") ?? "";
  if (!ROLES.includes(role as Role)) {
    throw new TypeError(`Unknown role "${role}"`);
  }
  const mode = raw.get("mode") ?? "batched";
  if (mode !== "batched" && mode !== "per-write") {
    throw new TypeError(`Unknown write mode "${mode}"`);
  }
  const args: BenchArgs = {
    role: role as Role,
    endpoint: raw.get("endpoint") ?? "tcp://127.0.0.1:0",
    size: number(raw, "size", 64),
    subs: number(raw, "subs", 1),
    window: number(raw, "window", 1000),
    mode,
    hwm: number(raw, "hwm", 1000),
    warmup: number(raw, "warmup", 200),
    duration: number(raw, "duration", 800),
    timeout: number(raw, "timeout", 30_000),
  };
  for (const key of raw.keys()) {
    if (!(key in args)) throw new TypeError(`Unknown argument "--${key}"`);
  }
  return args;
}

/**
 * Formats arguments back into `--key=value` form, for spawning a child.
 *
 * @param args The arguments to pass; only the given keys are written.
 * @returns One string per argument.
 */
export function formatBenchArgs(args: Partial<BenchArgs>): string[] {
  return Object.entries(args).map(([key, value]) => `--${key}=${value}`);
}

function number(raw: Map<string, string>, key: string, fallback: number) {
  const text = raw.get(key);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new TypeError(
      `Argument --${key} must be a number >= 0, got "${text}"`,
    );
  }
  return value;
}
