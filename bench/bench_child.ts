/**
 * The orchestrator's side of a benchmark child process (see `child_io.ts`
 * for the child's side): spawn it, read its JSON events from stdout, write
 * `go`/`stop` on its stdin, and make sure it ends.
 *
 * @module
 */

/** One event line a child wrote. */
export interface ChildEvent {
  /** `ready`, `result`, `final` or `error`. */
  event: string;
  [field: string]: unknown;
}

interface Waiter {
  name: string;
  resolve(event: ChildEvent): void;
  reject(error: Error): void;
}

/** The repository root, where children run. */
export const ROOT: string = new URL("..", import.meta.url).pathname;

const STDERR_KEPT = 600;

/** A running benchmark child; see the module doc. */
export class BenchChild {
  /** Names the child in error messages. */
  readonly label: string;
  #process: Deno.ChildProcess;
  #stdin: WritableStreamDefaultWriter<Uint8Array>;
  #events: ChildEvent[] = [];
  #waiters = new Set<Waiter>();
  #stderr = "";
  #failure: Error | undefined;
  #status: Promise<Deno.CommandStatus>;

  /**
   * Spawns a child.
   *
   * @param command The program and its arguments.
   * @param label Names the child in error messages.
   */
  constructor(command: readonly string[], label: string) {
    this.label = label;
    this.#process = new Deno.Command(command[0]!, {
      args: command.slice(1),
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#stdin = this.#process.stdin.getWriter();
    this.#stdin.closed.catch(() => {});
    const stdout = this.#readLines(
      this.#process.stdout,
      (line) => this.#line(line),
    );
    const stderr = this.#readLines(this.#process.stderr, (line) => {
      this.#stderr = (this.#stderr + line + "\n").slice(-STDERR_KEPT);
    });
    this.#status = this.#process.status;
    Promise.all([this.#status, stdout, stderr]).then(([status]) => {
      const tail = this.#stderr.trim();
      this.#fail(
        new Error(
          `${label} exited with code ${status.code}` +
            (tail ? `: ${tail}` : ""),
        ),
      );
    });
  }

  async #readLines(
    stream: ReadableStream<Uint8Array>,
    onLine: (line: string) => void,
  ) {
    let text = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      text += chunk;
      let newline;
      while ((newline = text.indexOf("\n")) >= 0) {
        onLine(text.slice(0, newline));
        text = text.slice(newline + 1);
      }
    }
    if (text !== "") onLine(text);
  }

  #line(line: string) {
    if (!line.startsWith("{")) return;
    let event: ChildEvent;
    try {
      event = JSON.parse(line);
    } catch {
      return;
    }
    if (event.event === "error") {
      this.#fail(new Error(`${this.label}: ${String(event.message)}`));
      return;
    }
    this.#events.push(event);
    for (const waiter of this.#waiters) {
      if (waiter.name === event.event) {
        this.#waiters.delete(waiter);
        waiter.resolve(event);
      }
    }
  }

  #fail(error: Error) {
    this.#failure ??= error;
    for (const waiter of this.#waiters) waiter.reject(this.#failure);
    this.#waiters.clear();
  }

  /**
   * Waits for the first event of a name.
   *
   * @param name The event name.
   * @param ms How long to wait.
   * @returns The event.
   * @throws {Error} When the child reports an error, exits, or `ms` runs out.
   */
  waitFor(name: string, ms: number): Promise<ChildEvent> {
    const seen = this.#events.find((event) => event.event === name);
    if (seen !== undefined) return Promise.resolve(seen);
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`${this.label} sent no "${name}" within ${ms} ms`));
      }, ms);
      const waiter: Waiter = {
        name,
        resolve: (event) => (clearTimeout(timer), resolve(event)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      };
      this.#waiters.add(waiter);
    });
  }

  /**
   * Writes one command line on the child's stdin.
   *
   * @param command `go` or `stop`.
   */
  async send(command: string): Promise<void> {
    try {
      await this.#stdin.write(new TextEncoder().encode(command + "\n"));
    } catch {
      // the child has gone
    }
  }

  /**
   * Sends `stop`, waits up to `ms` for the child to exit, then kills it.
   *
   * @param ms Grace period in milliseconds.
   * @returns The `final` event, when the child sent one.
   */
  async stop(ms: number): Promise<ChildEvent | undefined> {
    await this.send("stop");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const exited = await Promise.race([
      this.#status.then(() => true),
      new Promise<boolean>((
        resolve,
      ) => (timer = setTimeout(resolve, ms, false))),
    ]);
    clearTimeout(timer);
    if (!exited) await this.kill();
    await this.#status;
    await this.#stdin.close().catch(() => {});
    return this.#events.find((event) => event.event === "final");
  }

  /** Kills the child at once and waits for it to end. */
  async kill(): Promise<void> {
    try {
      this.#process.kill("SIGKILL");
    } catch {
      // already exited
    }
    await this.#status;
    await this.#stdin.close().catch(() => {});
  }
}
