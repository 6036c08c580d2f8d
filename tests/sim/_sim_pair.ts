/**
 * Connection pairs through a simulator over an isolated in-process
 * transport, and byte-reading helpers.
 *
 * @module
 */

import { inproc } from "../../src/transport/inproc_transport.ts";
import { parseEndpoint } from "../../src/transport/endpoint.ts";
import type { Connection } from "../../src/transport/transport.ts";
import { simulate, type SimulatedTransport } from "../../src/sim/simulate.ts";
import type { SimulateOptions } from "../../src/sim/sim_options.ts";

/** Both ends of a simulated connection, closed on dispose. */
export interface SimPair extends AsyncDisposable {
  sim: SimulatedTransport;
  /** The connecting end. */
  client: Connection;
  /** The listening end. */
  server: Connection;
}

/** Makes a simulator over a fresh isolated inproc transport and one connection. */
export async function simPair(options: SimulateOptions = {}): Promise<SimPair> {
  const sim = simulate(inproc({ isolated: true }), { seed: 7, ...options });
  const endpoint = parseEndpoint("inproc://sim-test");
  const listener = await sim.listen(endpoint);
  const client = await sim.connect(endpoint);
  const accepted = await listener[Symbol.asyncIterator]().next();
  await listener.close();
  const server = accepted.value as Connection;
  return {
    sim,
    client,
    server,
    async [Symbol.asyncDispose]() {
      await client.close();
      await server.close();
    },
  };
}

/** Reads until `count` bytes have arrived (or the stream ends) and joins them. */
export async function readBytes(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  count: number,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < count) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
  }
  return join(chunks);
}

/** Reads until the stream ends and joins what arrived. */
export async function readAll(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<Uint8Array> {
  return await readBytes(reader, Infinity);
}

/** Concatenates chunks. */
export function join(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** `count` bytes counting up from `from` (mod 256). */
export function counting(count: number, from = 0): Uint8Array {
  return Uint8Array.from({ length: count }, (_, i) => (from + i) & 0xff);
}
