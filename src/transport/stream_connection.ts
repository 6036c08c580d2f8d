/**
 * Builds a {@linkcode Connection} from a socket's read, write and close
 * primitives: byte-counted queues on both sides, half-close, and a `closed`
 * promise. Every runtime adapter uses it, so all transports behave alike.
 *
 * @module
 */

import { ConnectionError } from "../errors.ts";
import { toConnectionError } from "./connection_failure.ts";
import type { Connection } from "./transport.ts";
import type { WireEnds } from "./_wire_ends.ts";

/** The primitives of a byte socket, as {@linkcode streamConnection} needs them. */
export interface ByteChannel {
  /**
   * The next bytes, or `null` at end of stream. The returned array belongs to
   * the caller. Called once at a time.
   */
  read(): Promise<Uint8Array | null>;
  /** Writes some of `bytes`; resolves to how many were written (at least 1). */
  write(bytes: Uint8Array): Promise<number>;
  /** Ends the sending direction (TCP FIN) after what was written. */
  closeWrite(): Promise<void>;
  /** Closes the socket now; a read in progress then ends or rejects. */
  close(): void;
  /**
   * `true` when a resolved `write()` has copied the bytes out, so the caller
   * may reuse the array at once. Leave it unset when the socket may still
   * hold a reference to written arrays.
   */
  readonly copiesOnWrite?: boolean;
}

/** Options of {@linkcode streamConnection}. */
export interface StreamConnectionOptions {
  /** The endpoint named in error messages. */
  endpoint: string;
  /** This side's address. @default endpoint */
  localAddress?: string;
  /** The peer's address. @default endpoint */
  remoteAddress?: string;
  /** Bytes each direction queues: read ahead, and accepted before `writer.ready` waits. @default 65536 */
  highWaterMark?: number;
}

const DONE: ReadableStreamReadDoneResult<Uint8Array> = { done: true };

/** A read settled: a chunk, the end, or the error to throw. */
type ReadOutcome = { chunk: Uint8Array | null } | { error: unknown };

interface ReadWaiter {
  resolve(result: ReadableStreamReadResult<Uint8Array>): void;
  reject(error: unknown): void;
}

class ChannelConnection implements Connection {
  readonly localAddress: string;
  readonly remoteAddress: string;
  readonly closed: Promise<void>;
  #channel: ByteChannel;
  #endpoint: string;
  #highWaterMark: number;
  #readable: ReadableStream<Uint8Array> | undefined;
  #writable: WritableStream<Uint8Array> | undefined;
  #reads: ReadableStreamDefaultController<Uint8Array> | undefined;
  #writes: WritableStreamDefaultController | undefined;
  /** Set once `wireEnds()` took the connection: the streams stay unused. */
  #direct = false;
  /** The direct reader's waiting `read()`, settled early by the end of reading. */
  #waiting: ReadWaiter | undefined;
  /** What broke reading, for the direct reader. */
  #readFailure: ConnectionError | undefined;
  /** The direct writer's last write: the next one starts after it. */
  #lastWrite: Promise<void> | undefined;
  #readEnded = false;
  /** The direct writer's `close()` was called: later writes are refused. */
  #writeClosing = false;
  #writeEnded = false;
  #shut = false;
  #resolveClosed!: () => void;

  constructor(channel: ByteChannel, options: StreamConnectionOptions) {
    this.#channel = channel;
    this.#endpoint = options.endpoint;
    this.localAddress = options.localAddress ?? options.endpoint;
    this.remoteAddress = options.remoteAddress ?? options.endpoint;
    this.closed = new Promise((resolve) => this.#resolveClosed = resolve);
    this.#highWaterMark = options.highWaterMark ?? 64 * 1024;
  }

  /** Made on first use; once `wireEnds()` took the connection, a locked stream. */
  get readable(): ReadableStream<Uint8Array> {
    if (this.#readable !== undefined) return this.#readable;
    if (this.#direct) {
      this.#readable = new ReadableStream<Uint8Array>();
      this.#readable.getReader();
      return this.#readable;
    }
    this.#readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#reads = controller;
        if (this.#readEnded) controller.close();
      },
      pull: () => this.#pull(),
      cancel: () => this.#endRead(),
    }, new ByteLengthQueuingStrategy({ highWaterMark: this.#highWaterMark }));
    return this.#readable;
  }

  /** Made on first use; once `wireEnds()` took the connection, a locked stream. */
  get writable(): WritableStream<Uint8Array> {
    if (this.#writable !== undefined) return this.#writable;
    if (this.#direct) {
      this.#writable = new WritableStream<Uint8Array>();
      this.#writable.getWriter();
      return this.#writable;
    }
    this.#writable = new WritableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#writes = controller;
          if (this.#writeEnded) controller.error(this.#closedError());
        },
        write: (chunk) => this.#write(chunk),
        close: () => this.#closeWrite(),
        abort: () => this.#shutdown(),
      },
      new ByteLengthQueuingStrategy({
        highWaterMark: Math.max(1, this.#highWaterMark),
      }),
    );
    return this.#writable;
  }

  /**
   * A reader and a writer straight over the channel, with no stream between
   * them and the socket, when neither stream has been used yet.
   */
  wireEnds(): WireEnds | undefined {
    if (this.#readable !== undefined || this.#writable !== undefined) {
      return undefined;
    }
    this.#direct = true;
    return {
      reader: {
        read: () => this.#readDirect(),
        cancel: () => {
          this.#endRead();
          return Promise.resolve();
        },
      },
      writer: {
        write: (chunk) => this.#writeDirect(chunk),
        copiesOnWrite: this.#channel.copiesOnWrite === true,
        close: () => this.#closeDirect(),
        abort: () => {
          this.#shutdown();
          return Promise.resolve();
        },
      },
    };
  }

  close(): Promise<void> {
    this.#shutdown();
    return this.closed;
  }

  async #pull(): Promise<void> {
    const outcome = await this.#readChannel();
    if ("error" in outcome) return this.#reads!.error(outcome.error);
    if (outcome.chunk !== null && !this.#readEnded) {
      this.#reads!.enqueue(outcome.chunk);
    }
  }

  /**
   * One read from the channel, settled as an outcome: `null` once the read
   * side ended (closed or cancelled), the error that broke it otherwise.
   */
  async #readChannel(): Promise<ReadOutcome> {
    for (;;) {
      let chunk: Uint8Array | null;
      try {
        chunk = await this.#channel.read();
      } catch (error) {
        if (this.#readEnded || this.#shut) {
          this.#endRead();
          return { chunk: null };
        }
        const failure = toConnectionError(
          error,
          `Cannot read from ${this.#endpoint}`,
        );
        this.#readFailure = failure;
        this.#readEnded = true;
        this.#shutdown();
        return { error: failure };
      }
      if (this.#readEnded) return { chunk: null };
      if (chunk === null) {
        this.#endRead();
        return { chunk: null };
      }
      if (chunk.byteLength > 0) return { chunk };
    }
  }

  #readDirect(): Promise<ReadableStreamReadResult<Uint8Array>> {
    if (this.#readFailure !== undefined) {
      return Promise.reject(this.#readFailure);
    }
    if (this.#readEnded) return Promise.resolve(DONE);
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      this.#waiting = waiter;
      this.#readChannel().then((outcome) => {
        if (this.#waiting !== waiter) return; // woken by the end or a failure
        this.#waiting = undefined;
        if ("error" in outcome) return reject(outcome.error);
        if (outcome.chunk === null) return resolve(DONE);
        resolve({ done: false, value: outcome.chunk });
      });
    });
  }

  #writeDirect(chunk: Uint8Array): Promise<void> {
    // Like a closing stream: refused, without touching the socket.
    if (this.#writeEnded || this.#writeClosing) {
      return Promise.reject(this.#closedError());
    }
    const last = this.#lastWrite;
    const write = last === undefined
      ? this.#write(chunk)
      : last.then(() => this.#write(chunk));
    this.#lastWrite = write;
    const settle = () => {
      if (this.#lastWrite === write) this.#lastWrite = undefined;
    };
    write.then(settle, settle);
    return write;
  }

  async #closeDirect(): Promise<void> {
    if (this.#writeClosing) throw this.#closedError();
    this.#writeClosing = true;
    await this.#lastWrite?.catch(() => {});
    if (this.#writeEnded) throw this.#closedError();
    await this.#closeWrite();
  }

  async #write(chunk: Uint8Array): Promise<void> {
    if (!(chunk instanceof Uint8Array)) {
      throw new TypeError(
        `Cannot write to ${this.#endpoint}: not a Uint8Array`,
      );
    }
    try {
      let done = 0;
      while (done < chunk.byteLength) {
        done += await this.#channel.write(
          done === 0 ? chunk : chunk.subarray(done),
        );
      }
    } catch (error) {
      const failure = this.#shut
        ? this.#closedError()
        : toConnectionError(error, `Cannot write to ${this.#endpoint}`);
      this.#shutdown();
      throw failure;
    }
  }

  async #closeWrite(): Promise<void> {
    if (this.#shut) throw this.#closedError();
    try {
      await this.#channel.closeWrite();
    } catch { /* the peer is gone already: nothing left to end */ }
    this.#writeEnded = true;
    if (this.#readEnded) this.#shutdown();
  }

  #endRead(): void {
    if (!this.#readEnded) {
      this.#readEnded = true;
      try {
        this.#reads?.close();
      } catch { /* cancelled: already closed */ }
    }
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (this.#readFailure !== undefined) waiting?.reject(this.#readFailure);
    else waiting?.resolve(DONE);
    if (this.#writeEnded) this.#shutdown();
  }

  #shutdown(): void {
    if (this.#shut) return;
    this.#shut = true;
    try {
      this.#channel.close();
    } catch { /* already closed by the runtime */ }
    this.#endRead();
    if (!this.#writeEnded) {
      this.#writeEnded = true;
      this.#writes?.error(this.#closedError());
    }
    this.#resolveClosed();
  }

  #closedError(): ConnectionError {
    return new ConnectionError(
      `Cannot write to ${this.#endpoint}: connection closed`,
      { code: "closed" },
    );
  }
}

/**
 * Builds a connection over a byte socket's primitives.
 *
 * - Reads run ahead of the reader by up to `highWaterMark` bytes; each chunk
 *   is whatever `read()` returned, handed over as is.
 * - `writable` queues up to `highWaterMark` bytes before `writer.ready` waits;
 *   each chunk is written in full (looping over partial writes) before the
 *   next, and a write resolves once the socket took every byte.
 * - `writer.close()` ends the sending direction only (half-close); the
 *   connection closes once the peer's end of stream has been read too.
 * - `close()`, `writer.abort()`, and any read or write error close the socket
 *   and end both streams: the readable closes (or errors with the
 *   `ConnectionError` that broke it), the writable errors with
 *   `ConnectionError`; `closed` resolves.
 *
 * @param channel The socket's primitives.
 * @param options Endpoint, addresses, and byte queue size.
 * @returns The connection.
 *
 * @example A connection over an in-memory channel
 * ```ts
 * import { streamConnection } from "./stream_connection.ts";
 * import assert from "node:assert/strict";
 *
 * const sent: number[] = [];
 * const incoming = [new Uint8Array([1, 2])];
 * const connection = streamConnection({
 *   read: () => Promise.resolve(incoming.shift() ?? null),
 *   write: (bytes) => {
 *     sent.push(bytes[0]!); // takes one byte per call
 *     return Promise.resolve(1);
 *   },
 *   closeWrite: () => Promise.resolve(),
 *   close: () => {},
 * }, { endpoint: "test://doc" });
 * const writer = connection.writable.getWriter();
 * await writer.write(new Uint8Array([7, 8, 9]));
 * assert.deepEqual(sent, [7, 8, 9]);
 * const reader = connection.readable.getReader();
 * assert.deepEqual((await reader.read()).value, new Uint8Array([1, 2]));
 * assert.equal((await reader.read()).done, true);
 * await writer.close(); // both directions ended: the connection closes
 * await connection.closed;
 * ```
 */
export function streamConnection(
  channel: ByteChannel,
  options: StreamConnectionOptions,
): Connection {
  return new ChannelConnection(channel, options);
}

/**
 * The direct reader and writer of a connection built by
 * {@linkcode streamConnection}, when neither of its streams was used yet;
 * its streams are then locked for good.
 *
 * @param conn Any connection.
 * @returns The ends, or `undefined` for any other connection.
 */
export function directEnds(conn: Connection): WireEnds | undefined {
  return conn instanceof ChannelConnection ? conn.wireEnds() : undefined;
}
