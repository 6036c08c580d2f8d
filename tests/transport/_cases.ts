/**
 * The cases of the transport conformance suite, one function each; the
 * suite in `_conformance.ts` registers them per transport.
 *
 * @module
 */

import assert from "node:assert/strict";
import { parseEndpoint } from "../../src/transport/endpoint.ts";
import type { Connection } from "../../src/transport/transport.ts";
import { SEED } from "../_helpers/fc.ts";
import { within } from "../_helpers/test.ts";
import {
  chunkSizes,
  drain,
  random,
  randomBytes,
  readExactly,
  writeChunks,
} from "./_bytes.ts";
import type { ConformanceSetup } from "./_conformance.ts";
import {
  echo,
  expectClosed,
  expectPeerClosed,
  fillUntilBlocked,
  isCode,
  type Link,
  link,
  report,
  STALL_BOUND,
  unlink,
} from "./_links.ts";

const ECHO_BYTES = 10 * 1024 * 1024;
const HALF_CLOSE_BYTES = 2 * 1024 * 1024;
/** Connections opened at once by {@linkcode concurrentConnections}. */
export const CONNECTIONS = 64;

/** Runs `fn` over a client linked to a server, then closes everything. */
export function linked(
  fn: (parts: Link, label: string, setup: ConformanceSetup) => Promise<void>,
): (setup: ConformanceSetup, label: string) => Promise<void> {
  return async (setup, label) => {
    const parts = await link(setup);
    try {
      await fn(parts, label, setup);
    } finally {
      await unlink(parts);
    }
  };
}

/** 10 MB in random chunk sizes come back intact and in order. */
export async function echoTenMegabytes(
  parts: Link,
  label: string,
): Promise<void> {
  const next = random(SEED);
  const data = randomBytes(ECHO_BYTES, next);
  const sizes = chunkSizes(ECHO_BYTES, next);
  const started = performance.now();
  const echoed = echo(parts.server);
  await Promise.all([
    writeChunks(parts.client.writable, data, sizes, false),
    readExactly(parts.client.readable, data),
  ]);
  const rate = 10 / ((performance.now() - started) / 1000);
  report(`${label}: echo of 10 MB in ${sizes.length} chunks, ${rate | 0} MB/s`);
  await parts.client.close();
  await within(echoed, 10_000, "the echo ends after close()");
}

/** `writer.close()` ends one direction after its last byte; the other still works. */
export async function halfClose(parts: Link): Promise<void> {
  const data = randomBytes(HALF_CLOSE_BYTES, random(SEED));
  const received = readExactly(parts.server.readable, data);
  await writeChunks(parts.client.writable, data, [HALF_CLOSE_BYTES], true);
  await within(received, 10_000, "every byte before end of stream");
  const extra = await within(drain(parts.server.readable), 10_000, "the end");
  assert.equal(extra, 0);
  const reply = new Uint8Array([42]);
  await within(
    Promise.all([
      writeChunks(parts.server.writable, reply, [1], true),
      readExactly(parts.client.readable, reply),
    ]),
    5_000,
    "reply",
  );
  assert.equal(await within(drain(parts.client.readable), 5_000, "end"), 0);
  const both = Promise.all([parts.client.closed, parts.server.closed]);
  await within(both, 5_000, "closed");
}

/** A reader that stalls makes the writer wait, with the bytes accepted bounded. */
export async function stalledReader(parts: Link, label: string): Promise<void> {
  const writer = parts.client.writable.getWriter();
  const accepted = await fillUntilBlocked(writer);
  report(`${label}: stalled reader, writer blocked after ${accepted} bytes`);
  assert.ok(accepted <= STALL_BOUND, `accepted ${accepted} bytes`);
  const reader = parts.server.readable.getReader();
  let read = 0;
  while (read < accepted) read += (await reader.read()).value!.byteLength;
  await within(writer.ready, 10_000, "writer.ready once the reader read");
  reader.releaseLock();
  writer.releaseLock();
}

/** `close()` on one side ends the streams of both sides. */
export function closeFrom(
  side: "client" | "server",
): (parts: Link) => Promise<void> {
  return async (parts) => {
    const closer = side === "client" ? parts.client : parts.server;
    const other = side === "client" ? parts.server : parts.client;
    await within(closer.close(), 5_000, "close()");
    await within(expectClosed(closer), 5_000, "closer's streams end");
    await within(expectPeerClosed(other), 10_000, "peer's streams end");
  };
}

/** A closed listener refuses new connections; accepted ones carry on. */
export async function listenerClose(
  parts: Link,
  _label: string,
  setup: ConformanceSetup,
): Promise<void> {
  await parts.listener.close();
  await assert.rejects(
    setup.transport.connect(parseEndpoint(parts.listener.endpoint)),
    isCode("refused"),
  );
  void echo(parts.server);
  const data = new Uint8Array([1, 2, 3, 4]);
  await Promise.all([
    writeChunks(parts.client.writable, data, [2, 2], false),
    readExactly(parts.client.readable, data),
  ]);
}

/** Many connections at once each get their own bytes back. */
export async function concurrentConnections(
  s: ConformanceSetup,
): Promise<void> {
  const listener = await s.transport.listen(parseEndpoint(s.endpoint()));
  const servers: Connection[] = [];
  const serving = (async () => {
    for await (const connection of listener) {
      servers.push(connection);
      void echo(connection);
      if (servers.length === CONNECTIONS) return;
    }
  })();
  const clients: Connection[] = [];
  try {
    await Promise.all(Array.from({ length: CONNECTIONS }, async (_, i) => {
      const client = await s.transport.connect(
        parseEndpoint(listener.endpoint),
      );
      clients.push(client);
      const data = new TextEncoder().encode(`connection ${i} `.repeat(100));
      await Promise.all([
        writeChunks(client.writable, data, [data.byteLength], false),
        readExactly(client.readable, data),
      ]);
    }));
    await within(serving, 10_000, "every connection accepted");
  } finally {
    await Promise.all([...clients, ...servers].map((c) => c.close()));
    await listener.close();
  }
}

/** Connecting where nobody listens is `ConnectionError` "refused". */
export async function refused(s: ConformanceSetup): Promise<void> {
  const listener = await s.transport.listen(parseEndpoint(s.endpoint()));
  await listener.close();
  await assert.rejects(
    s.transport.connect(parseEndpoint(listener.endpoint)),
    isCode("refused"),
  );
}

/** An aborted connect rejects with the signal's reason. */
export async function aborted(s: ConformanceSetup): Promise<void> {
  const listener = await s.transport.listen(parseEndpoint(s.endpoint()));
  try {
    const reason = new Error("stop");
    const signal = AbortSignal.abort(reason);
    await assert.rejects(
      s.transport.connect(parseEndpoint(listener.endpoint), { signal }),
      (error) => error === reason,
    );
  } finally {
    await listener.close();
  }
}
