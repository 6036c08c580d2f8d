/**
 * The reader and writer the core uses on a connection: straight over the
 * socket where the connection allows it, else its streams' own.
 *
 * @module
 */

import { directEnds } from "./stream_connection.ts";
import type { Connection } from "./transport.ts";

/** The part of a `ReadableStreamDefaultReader` the core uses. */
export interface WireReader {
  read(): Promise<ReadableStreamReadResult<Uint8Array>>;
  cancel(reason?: unknown): Promise<void>;
}

/** The part of a `WritableStreamDefaultWriter` the core uses. */
export interface WireWriter {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
  /** `true` when a resolved `write()` leaves the chunk's bytes free for reuse. */
  readonly copiesOnWrite?: boolean;
}

/** A connection's two ends, locked to one user. */
export interface WireEnds {
  reader: WireReader;
  writer: WireWriter;
}

/**
 * Locks `conn` for the core. A connection built by `streamConnection()`
 * whose streams are untouched is read and written directly, with the same
 * backpressure (one read ahead; a write resolves once the socket took every
 * byte) and without a stream's per-chunk promises; any other connection
 * through its streams.
 *
 * @param conn A connection nobody has read or written yet.
 * @returns Its reader and writer.
 */
export function wireEnds(conn: Connection): WireEnds {
  return directEnds(conn) ?? {
    reader: conn.readable.getReader(),
    writer: conn.writable.getWriter(),
  };
}
