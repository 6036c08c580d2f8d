/**
 * A hand-driven end of a connection, for handshake tests that need a peer
 * that misbehaves.
 *
 * @module
 */

import type { Connection } from "../../src/transport/transport.ts";

/** Parses `"4d 53 01"` into bytes. */
export function hex(text: string): Uint8Array {
  const parts = text.trim().split(/\s+/).filter((part) => part !== "");
  return Uint8Array.from(parts, (part) => parseInt(part, 16));
}

/**
 * One end of a connection, written by hand. It reads all the time, like a
 * real peer, and keeps what it read.
 */
export class RawPeer {
  #conn: Connection;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #bytes: number[] = [];
  #waiters: (() => void)[] = [];
  /** Resolves with every byte read once the other side hangs up. */
  readonly ended: Promise<Uint8Array>;

  /** @param conn The end to drive. */
  constructor(conn: Connection) {
    this.#conn = conn;
    this.#writer = conn.writable.getWriter();
    this.ended = this.#pump(conn.readable.getReader());
  }

  async #pump(
    reader: ReadableStreamDefaultReader<Uint8Array>,
  ): Promise<Uint8Array> {
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        this.#bytes.push(...value);
        for (const wake of this.#waiters.splice(0)) wake();
      }
    } catch {
      // A broken connection ends the reading too.
    }
    for (const wake of this.#waiters.splice(0)) wake();
    return Uint8Array.from(this.#bytes);
  }

  /** Writes bytes as one chunk. */
  write(bytes: Uint8Array): Promise<void> {
    return this.#writer.write(bytes);
  }

  /** Waits until at least `count` bytes were read (or the stream ended). */
  async received(count: number): Promise<Uint8Array> {
    let ended = false;
    this.ended.then(() => ended = true);
    while (this.#bytes.length < count && !ended) {
      await new Promise<void>((wake) => this.#waiters.push(wake));
      await Promise.resolve();
    }
    return Uint8Array.from(this.#bytes);
  }

  /** Closes the connection and waits for the reading to stop. */
  async close(): Promise<void> {
    await this.#conn.close();
    await this.ended;
  }
}
