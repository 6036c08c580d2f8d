/**
 * Connection helpers for the transport conformance suite: linking a client
 * to a server, filling a stalled peer, and checking how connections end.
 *
 * @module
 */

import assert from "node:assert/strict";
import { ConnectionError } from "../../src/errors.ts";
import { parseEndpoint } from "../../src/transport/endpoint.ts";
import type { Connection, Listener } from "../../src/transport/transport.ts";
import { env } from "../_helpers/runtime.ts";
import { within } from "../_helpers/test.ts";
import { drain } from "./_bytes.ts";
import type { ConformanceSetup } from "./_conformance.ts";
export { isCode } from "../_helpers/is_code.ts";

/** A stalled writer must block before this many bytes (kernel buffers included). */
export const STALL_BOUND = 64 * 1024 * 1024;

export async function acceptOne(listener: Listener): Promise<Connection> {
  const next = await listener[Symbol.asyncIterator]().next();
  assert.equal(next.done, false, "listener ended before a connection came");
  return next.value;
}

/** A listener with one connection accepted. */
export interface Link {
  listener: Listener;
  client: Connection;
  server: Connection;
}

export async function link(setup: ConformanceSetup): Promise<Link> {
  const { transport } = setup;
  const listener = await transport.listen(parseEndpoint(setup.endpoint()));
  const accepted = acceptOne(listener);
  const client = await transport.connect(parseEndpoint(listener.endpoint));
  return { listener, client, server: await accepted };
}

export async function unlink(parts: Partial<Link>): Promise<void> {
  await Promise.all([parts.client?.close(), parts.server?.close()]);
  await parts.listener?.close();
}

/**
 * Writes 64 KiB chunks until `writer.ready` stays pending for 300 ms;
 * resolves to the bytes accepted, which must never pass `max`.
 */
export async function fillUntilBlocked(
  writer: WritableStreamDefaultWriter<Uint8Array>,
  max: number = STALL_BOUND,
): Promise<number> {
  const chunk = new Uint8Array(64 * 1024);
  let accepted = 0;
  for (;;) {
    try {
      await within(writer.ready, 300, "writer.ready");
    } catch {
      return accepted;
    }
    assert.ok(accepted <= max, `accepted ${accepted} bytes unread`);
    void writer.write(chunk).catch(() => {});
    accepted += chunk.byteLength;
  }
}

/** The closing side: its readable ends and its writes fail. */
export async function expectClosed(connection: Connection): Promise<void> {
  await drain(connection.readable);
  await assert.rejects(
    connection.writable.getWriter().write(new Uint8Array(1)),
    (error) => error instanceof ConnectionError,
  );
  await connection.closed;
}

/**
 * The other side: its readable ends; its writes fail at once (inproc), at the
 * first write the OS refuses (TCP), or never (Deno TLS drops them); once it
 * ends its own direction, it is closed.
 */
export async function expectPeerClosed(connection: Connection): Promise<void> {
  await drain(connection.readable);
  await connection.writable.getWriter().close().catch(() => {});
  await connection.closed;
}

export function echo(connection: Connection): Promise<void> {
  return connection.readable.pipeTo(connection.writable).catch(() => {});
}

/** Prints a measurement when `MSG_TS_TRANSPORT_STATS` is set. */
export function report(line: string): void {
  if (env("MSG_TS_TRANSPORT_STATS") === undefined) return;
  // deno-lint-ignore no-console
  console.log(line);
}
