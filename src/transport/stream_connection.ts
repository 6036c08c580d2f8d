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

class ChannelConnection implements Connection {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly localAddress: string;
  readonly remoteAddress: string;
  readonly closed: Promise<void>;
  #channel: ByteChannel;
  #endpoint: string;
  #reads!: ReadableStreamDefaultController<Uint8Array>;
  #writes!: WritableStreamDefaultController;
  #readEnded = false;
  #writeEnded = false;
  #shut = false;
  #resolveClosed!: () => void;

  constructor(channel: ByteChannel, options: StreamConnectionOptions) {
    this.#channel = channel;
    this.#endpoint = options.endpoint;
    this.localAddress = options.localAddress ?? options.endpoint;
    this.remoteAddress = options.remoteAddress ?? options.endpoint;
    this.closed = new Promise((resolve) => this.#resolveClosed = resolve);
    const highWaterMark = options.highWaterMark ?? 64 * 1024;
    this.readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#reads = controller;
      },
      pull: () => this.#pull(),
      cancel: () => this.#endRead(),
    }, new ByteLengthQueuingStrategy({ highWaterMark }));
    this.writable = new WritableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#writes = controller;
        },
        write: (chunk) => this.#write(chunk),
        close: () => this.#closeWrite(),
        abort: () => this.#shutdown(),
      },
      new ByteLengthQueuingStrategy({
        highWaterMark: Math.max(1, highWaterMark),
      }),
    );
  }

  close(): Promise<void> {
    this.#shutdown();
    return this.closed;
  }

  async #pull(): Promise<void> {
    let chunk: Uint8Array | null;
    try {
      chunk = await this.#channel.read();
    } catch (error) {
      if (this.#readEnded || this.#shut) return this.#endRead();
      this.#readEnded = true;
      this.#reads.error(
        toConnectionError(error, `Cannot read from ${this.#endpoint}`),
      );
      return this.#shutdown();
    }
    if (this.#readEnded) return;
    if (chunk === null) return this.#endRead();
    if (chunk.byteLength > 0) this.#reads.enqueue(chunk);
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
        this.#reads.close();
      } catch { /* cancelled: already closed */ }
    }
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
      this.#writes.error(this.#closedError());
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
