/**
 * Helpers of the runtime transport suites: linking a client to a server,
 * stalling a writer, reading and checking bytes.
 *
 * @module
 */

import assert from "node:assert/strict";
import { parseEndpoint } from "../../src/transport/endpoint.ts";
import type {
  Connection,
  Listener,
  Transport,
} from "../../src/transport/transport.ts";
import { within } from "../_helpers/test.ts";
export { isCode } from "../_helpers/is_code.ts";
export { fillUntilBlocked, unlink } from "../transport/_links.ts";

/** A listener with one client connected to it, seen from both ends. */
export interface Linked {
  /** The listener. */
  listener: Listener;
  /** The connecting end. */
  client: Connection;
  /** The accepted end. */
  server: Connection;
}

/** Bytes a writer may get accepted into a peer that never reads. */
export const STALL_LIMIT = 16 * 1024 * 1024;

/** Listens on `endpoint` and connects to it; resolves to both ends. */
export async function link(
  transport: Transport,
  endpoint: string,
  connector: Transport = transport,
): Promise<Linked> {
  const listener = await transport.listen(parseEndpoint(endpoint));
  const accepted = listener[Symbol.asyncIterator]().next();
  const client = await connector.connect(parseEndpoint(listener.endpoint));
  const next = await within(accepted, 5_000, "accept");
  assert.equal(next.done, false);
  return { listener, client, server: next.value };
}

/** Reads chunks until `count` bytes came; keeps the chunks as read. */
export async function readBytes(
  readable: ReadableStream<Uint8Array>,
  count: number,
): Promise<Uint8Array[]> {
  const reader = readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < count) {
    const { value, done } = await reader.read();
    assert.equal(done, false, `stream ended after ${total} bytes`);
    chunks.push(value!);
    total += value!.byteLength;
  }
  reader.releaseLock();
  return chunks;
}

/** `size` bytes of a pattern that does not repeat every 256 bytes. */
export function pattern(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >>> 8)) & 0xff;
  return bytes;
}

/** Concatenates chunks. */
export function concat(chunks: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}
