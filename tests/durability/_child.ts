/**
 * Runs `_server.ts` in a child process of the same runtime (Deno, Bun, or
 * Node on the compiled copy), reads its JSON lines, and kills it for real.
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import { extname } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtimeName } from "../_helpers/runtime.ts";
import { within } from "../_helpers/test.ts";

/** One line the server printed. */
export type ServerLine = Record<string, unknown>;

/** A server in a child process; disposing of it kills it. */
export interface ChildServer extends AsyncDisposable {
  /** The endpoint it bound (port 0 resolved). */
  readonly endpoint: string;
  /** Resolves with the next line (after those already taken) that `match` accepts. */
  next(
    match: (line: ServerLine) => boolean,
    ms: number,
    what: string,
  ): Promise<ServerLine>;
  /** Writes one JSON command line to its stdin. */
  send(command: unknown): void;
  /** Kills it with SIGKILL (no chance to close anything) and waits until it is gone. */
  kill(): Promise<void>;
}

const SCRIPT = fileURLToPath(
  new URL(`./_server${extname(import.meta.url)}`, import.meta.url),
);

/** The command that runs a script in the running runtime. */
function command(): [string, string[]] {
  if (runtimeName() === "deno") {
    return [process.execPath, ["run", "-A", "--quiet", SCRIPT]];
  }
  return [process.execPath, [SCRIPT]];
}

class Child implements ChildServer {
  endpoint = "";
  readonly #child: ChildProcess;
  readonly #gone: Promise<void>;
  readonly #lines: ServerLine[] = [];
  #taken = 0;
  #stderr = "";
  #partial = "";
  #wake: (() => void) | undefined;

  constructor(kind: string, endpoint: string) {
    const [file, args] = command();
    this.#child = spawn(file, [...args, kind, endpoint], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.#gone = new Promise((resolve) => this.#child.on("close", resolve))
      .then(() => this.#wake?.());
    this.#child.stdout!.setEncoding("utf8");
    this.#child.stdout!.on("data", (text: string) => this.#read(text));
    this.#child.stderr!.setEncoding("utf8");
    this.#child.stderr!.on("data", (text: string) => this.#stderr += text);
    this.#child.stdin!.on("error", () => {}); // the child may be killed mid-write
  }

  #read(text: string): void {
    const parts = (this.#partial + text).split("\n");
    this.#partial = parts.pop() ?? "";
    for (const part of parts) {
      if (part.trim() !== "") this.#lines.push(JSON.parse(part) as ServerLine);
    }
    this.#wake?.();
  }

  async next(
    match: (line: ServerLine) => boolean,
    ms: number,
    what: string,
  ): Promise<ServerLine> {
    const search = async (): Promise<ServerLine> => {
      for (;;) {
        while (this.#taken < this.#lines.length) {
          const line = this.#lines[this.#taken++]!;
          if (match(line)) return line;
        }
        if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
          throw new Error(`Server exited; stderr: ${this.#stderr}`);
        }
        await new Promise<void>((resolve) => this.#wake = resolve);
      }
    };
    try {
      return await within(search(), ms, `the server to print ${what}`);
    } finally {
      this.#wake = undefined;
    }
  }

  send(command: unknown): void {
    this.#child.stdin!.write(`${JSON.stringify(command)}\n`);
  }

  async kill(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill("SIGKILL");
    }
    await this.#gone;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.kill();
  }
}

/**
 * Starts a server and waits until it has bound.
 *
 * @param kind `"rep"`, `"rep-hold"` or `"pub"` (see `_server.ts`).
 * @param endpoint Where it binds: `tcp://127.0.0.1:0` or a fixed port.
 * @returns The running server.
 */
export async function startServer(
  kind: "rep" | "rep-hold" | "pub",
  endpoint: string,
): Promise<ChildServer> {
  const child = new Child(kind, endpoint);
  try {
    const ready = await child.next((l) => "ready" in l, 30_000, "ready");
    child.endpoint = String(ready.ready);
    return child;
  } catch (error) {
    await child.kill();
    throw error;
  }
}
