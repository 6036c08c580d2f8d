/**
 * One direction of an in-memory connection: a `WritableStream` whose chunks
 * are handed, uncopied, to a `ReadableStream`, with backpressure in bytes.
 *
 * @module
 */

import { ConnectionError } from "../errors.ts";

/** Default bytes in flight per direction: 64 KiB. */
export const DEFAULT_PIPE_HIGH_WATER_MARK = 64 * 1024;

/**
 * A one-way byte pipe.
 *
 * - The reader gets the very chunk the writer wrote (no copy).
 * - Up to `highWaterMark` bytes wait for the reader; past that, the writable's
 *   own queue (also `highWaterMark` bytes, at least 1 so that `ready` can
 *   resolve) fills and `writer.ready` waits.
 * - `writer.close()` ends the readable once the reader has taken every chunk.
 * - {@linkcode BytePipe.end} ends both sides at once: unread chunks are
 *   dropped, the readable closes, the writable errors with `ConnectionError`
 *   "closed".
 */
export class BytePipe {
  /** The reading side. */
  readonly readable: ReadableStream<Uint8Array>;
  /** The writing side, with a byte-counting queue. */
  readonly writable: WritableStream<Uint8Array>;
  /** Resolves once no more bytes can flow through this pipe. */
  readonly finished: Promise<void>;
  #name: string;
  #highWaterMark: number;
  #reads!: ReadableStreamDefaultController<Uint8Array>;
  #writes!: WritableStreamDefaultController;
  #queue: Uint8Array[] = [];
  #queued = 0;
  #pulling = false;
  #wake: ((open: boolean) => void) | undefined;
  #writeClosed = false;
  #done = false;
  #finish!: () => void;

  /**
   * Makes a pipe.
   *
   * @param name The endpoint named in error messages.
   * @param highWaterMark Bytes waiting for the reader before writes wait.
   */
  constructor(name: string, highWaterMark: number) {
    this.#name = name;
    this.#highWaterMark = highWaterMark;
    this.finished = new Promise((resolve) => this.#finish = resolve);
    this.readable = new ReadableStream<Uint8Array>({
      start: (controller) => {
        this.#reads = controller;
      },
      pull: () => this.#onPull(),
      cancel: () => this.end(),
    }, { highWaterMark: 0 });
    this.writable = new WritableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#writes = controller;
        },
        write: (chunk) => this.#onWrite(chunk),
        close: () => this.#onClose(),
        abort: () => this.end(),
      },
      new ByteLengthQueuingStrategy({
        highWaterMark: Math.max(1, highWaterMark),
      }),
    );
  }

  /** Ends both sides now, dropping unread chunks. Idempotent. */
  end(): void {
    if (this.#done) return;
    this.#done = true;
    this.#queue = [];
    this.#queued = 0;
    try {
      this.#reads.close();
    } catch { /* already closed */ }
    this.#writes.error(this.#closedError());
    this.#wake?.(false);
    this.#finish();
  }

  #onPull(): void {
    const chunk = this.#queue.shift();
    if (chunk === undefined) {
      this.#pulling = true;
      return;
    }
    this.#queued -= chunk.byteLength;
    this.#reads.enqueue(chunk);
    if (this.#queue.length === 0 && this.#writeClosed) this.#closeReadable();
    if (this.#queued <= this.#highWaterMark) this.#wake?.(true);
  }

  async #onWrite(chunk: Uint8Array): Promise<void> {
    if (!(chunk instanceof Uint8Array)) {
      throw new TypeError(`Cannot write to ${this.#name}: not a Uint8Array`);
    }
    if (chunk.byteLength === 0) return;
    if (this.#pulling) {
      this.#pulling = false;
      this.#reads.enqueue(chunk);
      return;
    }
    this.#queue.push(chunk);
    this.#queued += chunk.byteLength;
    if (this.#queued <= this.#highWaterMark) return;
    const open = await new Promise<boolean>((wake) => this.#wake = wake);
    this.#wake = undefined;
    if (!open) throw this.#closedError();
  }

  #onClose(): void {
    if (this.#done) return;
    this.#writeClosed = true;
    if (this.#queue.length === 0) this.#closeReadable();
  }

  #closeReadable(): void {
    this.#done = true;
    this.#reads.close();
    this.#finish();
  }

  #closedError(): ConnectionError {
    return new ConnectionError(
      `Cannot write to ${this.#name}: connection closed`,
      { code: "closed" },
    );
  }
}
