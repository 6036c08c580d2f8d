/**
 * A {@linkcode ByteChannel} over a callback-driven socket (Node's
 * `net.Socket`, Bun's `Socket`), for {@linkcode streamConnection}: the
 * runtime adapter forwards the socket's events, this class turns them into
 * pull-style reads and writes with backpressure.
 *
 * @module
 */

import { ConnectionError } from "../errors.ts";
import type { ByteChannel } from "./stream_connection.ts";

/** What a callback-driven socket offers {@linkcode PushChannel}. */
export interface PushSocket {
  /**
   * Offers bytes to the socket.
   *
   * @param bytes Bytes to send.
   * @returns How many bytes the socket took: all, some, or 0 while it is
   *   full (the rest is offered again after `drained()`); negative once the
   *   socket is closed.
   */
  write(bytes: Uint8Array): number;
  /** Sends end-of-stream after every byte taken; resolves once sent. */
  end(): Promise<void> | void;
  /** Stops reading from the peer. */
  pause(): void;
  /** Reads from the peer again. */
  resume(): void;
  /** Closes the socket now. */
  destroy(): void;
  /** `true` when bytes `write()` took are copied out at once (the array may be reused). */
  readonly copiesOnWrite?: boolean;
  /**
   * Resolves once the bytes the last `write()` took have left the socket's
   * hands (a socket that keeps written arrays until it flushes them). When
   * given, a channel write waits for it, and the written array may then be
   * reused. Never rejects: failures come through `failed()`.
   */
  afterWrite?(): Promise<void>;
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * Pull-style reads and writes over a socket that pushes events.
 *
 * - Reading: a chunk that arrives while a `read()` waits goes straight to
 *   it; one that arrives while nobody reads is kept and the socket paused,
 *   until `read()` takes the last kept chunk. So what waits in memory is
 *   bounded by the reader's own queue plus the chunks already in flight.
 * - Chunks are handed over as the socket delivered them, never copied nor
 *   reused.
 * - Writing: `write()` resolves with the bytes the socket took; while the
 *   socket is full it waits for `drained()`.
 * - Chunks received before a failure are still read; then `read()` rejects
 *   with the failure. `ended()` (the peer's end-of-stream) ends reading only;
 *   `socketClosed()` and `failed()` end writing too.
 *
 * @example Reads and writes over a fake socket
 * ```ts
 * import { PushChannel } from "./push_channel.ts";
 * import assert from "node:assert/strict";
 *
 * const sent: number[] = [];
 * const events: string[] = [];
 * const channel = new PushChannel({
 *   write: (bytes) => (sent.push(...bytes), bytes.byteLength),
 *   end: () => {},
 *   pause: () => void events.push("pause"),
 *   resume: () => void events.push("resume"),
 *   destroy: () => {},
 * }, "fake://doc");
 * channel.received(new Uint8Array([7])); // nobody reads yet: pause
 * assert.deepEqual(await channel.read(), new Uint8Array([7])); // resume
 * assert.deepEqual(events, ["pause", "resume"]);
 * assert.equal(await channel.write(new Uint8Array([1, 2])), 2);
 * assert.deepEqual(sent, [1, 2]);
 * channel.ended();
 * assert.equal(await channel.read(), null);
 * ```
 */
export class PushChannel implements ByteChannel {
  #socket: PushSocket;
  #kept: Uint8Array[] = [];
  #reader: Waiter<Uint8Array | null> | undefined;
  #drain: Waiter<void> | undefined;
  #paused = false;
  #ended = false;
  #closed = false;
  #failure: unknown;
  #endpoint: string;

  /**
   * Wraps a connected socket.
   *
   * @param socket The socket's operations.
   * @param endpoint The endpoint named in error messages.
   */
  constructor(socket: PushSocket, endpoint: string) {
    this.#socket = socket;
    this.#endpoint = endpoint;
  }

  /** Whether the socket copies what it takes: see {@linkcode PushSocket.copiesOnWrite}. */
  get copiesOnWrite(): boolean {
    return this.#socket.copiesOnWrite === true ||
      this.#socket.afterWrite !== undefined;
  }

  /**
   * The adapter's report: bytes arrived.
   *
   * @param chunk The bytes; from now on they belong to the reader.
   */
  received(chunk: Uint8Array): void {
    if (this.#ended || chunk.byteLength === 0) return;
    const reader = this.#reader;
    if (reader !== undefined) {
      this.#reader = undefined;
      reader.resolve(chunk);
      return;
    }
    this.#kept.push(chunk);
    if (!this.#paused) {
      this.#paused = true;
      this.#socket.pause();
    }
  }

  /** The adapter's report: the peer ended its stream (writing may go on). */
  ended(): void {
    this.#ended = true;
    this.#settleRead();
  }

  /** The adapter's report: the socket has closed, both ways. */
  socketClosed(): void {
    this.#ended = true;
    this.#closed = true;
    this.#settleRead();
    this.#settleWrite();
  }

  /** The adapter's report: the socket can take bytes again. */
  drained(): void {
    const drain = this.#drain;
    this.#drain = undefined;
    drain?.resolve();
  }

  /**
   * The adapter's report: the socket failed.
   *
   * @param error The native error, kept as the `cause` of what is thrown.
   */
  failed(error: unknown): void {
    this.#failure ??= error;
    this.socketClosed();
  }

  /**
   * Takes the next chunk.
   *
   * @returns The chunk, or `null` at end of stream.
   * @throws {unknown} The socket's failure, once the chunks before it are read.
   */
  read(): Promise<Uint8Array | null> {
    const chunk = this.#kept.shift();
    if (chunk !== undefined) {
      if (this.#kept.length === 0) this.#resume();
      return Promise.resolve(chunk);
    }
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#ended) return Promise.resolve(null);
    this.#resume();
    return new Promise((resolve, reject) => {
      this.#reader = { resolve, reject };
    });
  }

  /**
   * Offers `bytes` to the socket, waiting while it is full.
   *
   * @param bytes Bytes to send.
   * @returns How many bytes the socket took (at least 1).
   * @throws {unknown} The socket's failure, or `ConnectionError` "closed".
   */
  async write(bytes: Uint8Array): Promise<number> {
    for (;;) {
      if (this.#failure !== undefined) throw this.#failure;
      const taken = this.#socket.write(bytes);
      if (taken > 0) {
        if (this.#socket.afterWrite !== undefined) {
          await this.#socket.afterWrite();
        }
        return taken;
      }
      if (taken < 0 || this.#closed) throw this.#closedError();
      await new Promise<void>((resolve, reject) => {
        this.#drain = { resolve, reject };
      });
    }
  }

  /** Sends end-of-stream after what was written. */
  async closeWrite(): Promise<void> {
    await this.#socket.end();
  }

  /** Closes the socket now. */
  close(): void {
    this.#socket.destroy();
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#socket.resume();
  }

  #settleRead(): void {
    const reader = this.#reader;
    this.#reader = undefined;
    if (this.#failure !== undefined) reader?.reject(this.#failure);
    else reader?.resolve(null);
  }

  #settleWrite(): void {
    const drain = this.#drain;
    this.#drain = undefined;
    drain?.reject(this.#failure ?? this.#closedError());
  }

  #closedError(): ConnectionError {
    return new ConnectionError(
      `Cannot write to ${this.#endpoint}: connection closed`,
      { code: "closed" },
    );
  }
}
