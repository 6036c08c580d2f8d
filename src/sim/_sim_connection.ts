/**
 * One end of a simulated connection: it impairs what it writes and drops
 * what arrives while its incoming direction is blackholed. Private.
 *
 * @module
 */

import { ConnectionError } from "../errors.ts";
import type { Connection } from "../transport/transport.ts";
import { DelayLine } from "./_delay_line.ts";
import type { Direction, Link } from "./_link.ts";

/** Byte and event counters of a simulator, updated by its connections. */
export interface SimCounters {
  written: number;
  delivered: number;
  discarded: number;
  resets: number;
}

/** What a connection needs from its simulator. */
export interface SimHost {
  link(direction: Direction): Link;
  readonly partitioned: boolean;
  readonly random: () => number;
  readonly window: number;
  readonly counters: SimCounters;
  forget(connection: SimConnection): void;
}

type State = "open" | "closing" | "done";

/** An end of a simulated connection, wrapping an end of the inner one. */
export class SimConnection implements Connection {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly localAddress: string;
  readonly remoteAddress: string;
  readonly closed: Promise<void>;
  #inner: Connection;
  #host: SimHost;
  #out: Direction;
  #in: Direction;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #line: DelayLine;
  #written = 0;
  #state: State = "open";
  #failure: ConnectionError | undefined;
  #reads!: ReadableStreamDefaultController<Uint8Array>;
  #writes!: WritableStreamDefaultController;

  constructor(inner: Connection, role: "dialer" | "listener", host: SimHost) {
    this.#inner = inner;
    this.#host = host;
    this.#out = role === "dialer" ? "toListener" : "toDialer";
    this.#in = role === "dialer" ? "toDialer" : "toListener";
    this.localAddress = inner.localAddress;
    this.remoteAddress = inner.remoteAddress;
    this.#writer = inner.writable.getWriter();
    this.#line = new DelayLine(this.#writer, host.window, {
      delivered: (bytes) => host.counters.delivered += bytes,
      reset: () => this.#cut(),
    });
    this.readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#reads = controller;
      },
      pull: (controller) => this.#pull(controller),
      cancel: (reason) =>
        (this.#reader ??= inner.readable.getReader()).cancel(reason),
    }, { highWaterMark: 0 });
    this.writable = new WritableStream<Uint8Array>({
      start: (controller) => {
        this.#writes = controller;
      },
      write: (chunk) => this.#write(chunk),
      close: () => this.#closeWrite(),
      abort: () => this.#abort(),
    }, new ByteLengthQueuingStrategy({ highWaterMark: host.window }));
    this.closed = inner.closed.then(() =>
      this.#teardown(this.#error("closed"))
    );
  }

  /** Delivers what is in flight, then closes the inner connection. */
  close(): Promise<void> {
    if (this.#state === "open") {
      this.#state = "closing";
      void this.#line.flush().then(() => this.#inner.close());
    } else if (this.#state === "done") {
      void this.#inner.close();
    }
    return this.closed;
  }

  /** Resets the connection now: in-flight bytes are lost, both ends end. */
  reset(): void {
    if (!this.#fail()) return;
    void this.#inner.close();
  }

  #write(chunk: Uint8Array): Promise<void> | undefined {
    if (this.#state !== "open") throw this.#failure ?? this.#error("closed");
    const bytes = chunk.byteLength;
    if (bytes === 0) return;
    const host = this.#host;
    const link = host.link(this.#out);
    host.counters.written += bytes;
    if (link.blackhole || host.partitioned) {
      host.counters.discarded += bytes;
      return;
    }
    if (link.loss > 0 && host.random() < link.loss) {
      this.reset();
      throw this.#failure;
    }
    const left = Math.max(0, link.resetAfterBytes - this.#written);
    if (bytes < left) {
      this.#written += bytes;
      return this.#line.push(chunk, link, host.random, false);
    }
    // The limit is reached: deliver up to it, then cut the connection.
    this.#written += left;
    this.#state = "closing";
    if (left === 0) {
      this.#cut();
      throw this.#failure;
    }
    return this.#line.push(chunk.subarray(0, left), link, host.random, true);
  }

  async #pull(
    controller: ReadableStreamDefaultController<Uint8Array>,
  ): Promise<void> {
    this.#reader ??= this.#inner.readable.getReader();
    for (;;) {
      const { value, done } = await this.#reader.read();
      if (done) {
        if (this.#failure === undefined) controller.close();
        return;
      }
      if (this.#failure !== undefined) return;
      if (this.#host.link(this.#in).blackhole || this.#host.partitioned) {
        this.#host.counters.discarded += value.byteLength;
        continue;
      }
      controller.enqueue(value);
      return;
    }
  }

  async #closeWrite(): Promise<void> {
    await this.#line.flush();
    await this.#writer.close();
  }

  #abort(): Promise<void> {
    this.#teardown(this.#error("closed"));
    return this.#inner.close();
  }

  /**
   * `resetAfterBytes` was reached and the last bytes delivered: end the
   * peer's stream after them (a graceful end, so they are not dropped) and
   * fail this end with "reset".
   */
  #cut(): void {
    if (!this.#fail()) return;
    this.#writer.close().catch(() => {});
    this.#reader?.cancel().catch(() => {});
  }

  /** Fails both streams of this end with "reset"; false if already over. */
  #fail(): boolean {
    if (this.#state === "done") return false;
    const failure = this.#error("reset");
    this.#failure = failure;
    this.#host.counters.resets++;
    this.#teardown(failure);
    try {
      this.#reads.error(failure);
    } catch { /* already closed */ }
    return true;
  }

  #teardown(error: ConnectionError): void {
    if (this.#state === "done") return;
    this.#state = "done";
    this.#line.clear(error);
    this.#writes.error(error);
    this.#host.forget(this);
  }

  #error(code: "closed" | "reset"): ConnectionError {
    const what = code === "reset" ? "reset (simulated)" : "closed";
    return new ConnectionError(
      `Cannot write to ${this.remoteAddress}: connection ${what}`,
      { code },
    );
  }
}
