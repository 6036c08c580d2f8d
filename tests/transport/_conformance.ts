/**
 * The transport conformance suite: what every transport (inproc, and TCP,
 * IPC, TLS in each runtime) must do the same way. A runtime's test file calls
 * {@linkcode transportConformance} once per transport.
 *
 * Set `MSG_TS_TRANSPORT_STATS=1` to print what the suite measures (echo
 * throughput, bytes a stalled writer got accepted).
 *
 * @module
 */

import assert from "node:assert/strict";
import { ConnectionError } from "../../src/errors.ts";
import { parseEndpoint } from "../../src/transport/endpoint.ts";
import type {
  Connection,
  Listener,
  Transport,
} from "../../src/transport/transport.ts";
import { SEED } from "../_helpers/fc.ts";
import { env } from "../_helpers/runtime.ts";
import { test, within } from "../_helpers/test.ts";

/** What a transport under test provides. */
export interface ConformanceSetup {
  /** The transport; it both listens and connects. */
  transport: Transport;
  /** A fresh endpoint to listen on (port 0, a new socket path, a new name). */
  endpoint: () => string;
  /** Releases what the setup made (temporary directories). */
  teardown?: () => Promise<void>;
}

const ECHO_BYTES = 10 * 1024 * 1024;
/** A stalled writer must block before this many bytes (kernel buffers included). */
const STALL_BOUND = 64 * 1024 * 1024;
const CONNECTIONS = 64;

function report(line: string): void {
  if (env("MSG_TS_TRANSPORT_STATS") === undefined) return;
  // deno-lint-ignore no-console
  console.log(line);
}

function isCode(code: string): (error: unknown) => boolean {
  return (error) => error instanceof ConnectionError && error.code === code;
}

/** A small seeded generator (mulberry32), so a failure replays with FC_SEED. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function randomBytes(size: number, next: () => number): Uint8Array {
  const bytes = new Uint8Array(size);
  const words = new Uint32Array(bytes.buffer, 0, size >>> 2);
  for (let i = 0; i < words.length; i++) words[i] = next() * 2 ** 32;
  return bytes;
}

/** Chunk sizes from 1 byte to 256 KiB, spread evenly over orders of magnitude. */
function chunkSizes(total: number, next: () => number): number[] {
  const sizes: number[] = [];
  let left = total;
  while (left > 0) {
    const size = Math.min(left, Math.max(1, Math.floor(2 ** (next() * 18))));
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

async function acceptOne(listener: Listener): Promise<Connection> {
  const next = await listener[Symbol.asyncIterator]().next();
  assert.equal(next.done, false, "listener ended before a connection came");
  return next.value;
}

interface Link {
  listener: Listener;
  client: Connection;
  server: Connection;
}

async function link(setup: ConformanceSetup): Promise<Link> {
  const { transport } = setup;
  const listener = await transport.listen(parseEndpoint(setup.endpoint()));
  const accepted = acceptOne(listener);
  const client = await transport.connect(parseEndpoint(listener.endpoint));
  return { listener, client, server: await accepted };
}

async function unlink(parts: Partial<Link>): Promise<void> {
  await Promise.all([parts.client?.close(), parts.server?.close()]);
  await parts.listener?.close();
}

/** Reads until `expected` has arrived in full, checking every byte on the way. */
async function readExactly(
  readable: ReadableStream<Uint8Array>,
  expected: Uint8Array,
): Promise<void> {
  const reader = readable.getReader();
  let offset = 0;
  try {
    while (offset < expected.byteLength) {
      const { value, done } = await reader.read();
      assert.equal(done, false, `stream ended after ${offset} bytes`);
      for (let i = 0; i < value!.byteLength; i++) {
        if (value![i] !== expected[offset + i]) {
          assert.fail(`byte ${offset + i} differs`);
        }
      }
      offset += value!.byteLength;
    }
    assert.equal(offset, expected.byteLength, "more bytes than were sent");
  } finally {
    reader.releaseLock();
  }
}

async function writeChunks(
  writable: WritableStream<Uint8Array>,
  data: Uint8Array,
  sizes: number[],
): Promise<void> {
  const writer = writable.getWriter();
  let offset = 0;
  for (const size of sizes) {
    await writer.ready;
    void writer.write(data.subarray(offset, offset + size));
    offset += size;
  }
  await writer.close();
}

/** Writes until `writer.ready` stays pending; resolves to the bytes accepted. */
async function fillUntilBlocked(
  writer: WritableStreamDefaultWriter<Uint8Array>,
): Promise<number> {
  const chunk = new Uint8Array(64 * 1024);
  let accepted = 0;
  for (;;) {
    try {
      await within(writer.ready, 300, "writer.ready");
    } catch {
      return accepted;
    }
    assert.ok(accepted < STALL_BOUND, `accepted ${accepted} bytes unread`);
    void writer.write(chunk).catch(() => {});
    accepted += chunk.byteLength;
  }
}

async function expectEnded(
  writable: WritableStream<Uint8Array>,
  readable: ReadableStream<Uint8Array>,
): Promise<void> {
  const reader = readable.getReader();
  for (;;) {
    const result = await reader.read().catch(() => ({ done: true }));
    if (result.done) break;
  }
  const writer = writable.getWriter();
  const chunk = new Uint8Array(1024);
  let failure: unknown;
  for (let i = 0; i < 1000 && failure === undefined; i++) {
    await writer.write(chunk).catch((error) => failure = error);
  }
  assert.ok(failure instanceof ConnectionError, `wrote on: ${failure}`);
}

function echo(connection: Connection): Promise<void> {
  return connection.readable.pipeTo(connection.writable).catch(() => {});
}

/**
 * Declares the conformance tests for one transport.
 *
 * @param label Names the transport in test names: `"Deno tcp"`.
 * @param setup Called at the start of every test.
 */
export function transportConformance(
  label: string,
  setup: () => Promise<ConformanceSetup>,
): void {
  function conformance(
    name: string,
    fn: (setup: ConformanceSetup) => Promise<void>,
    timeout = 30_000,
  ): void {
    test(`${label} transport ${name}`, async () => {
      const made = await setup();
      try {
        await fn(made);
      } finally {
        await made.teardown?.();
      }
    }, { timeout });
  }

  conformance(
    "echoes 10 MB in random chunk sizes intact and in order",
    async (s) => {
      const parts = await link(s);
      try {
        const next = random(SEED);
        const data = randomBytes(ECHO_BYTES, next);
        const sizes = chunkSizes(ECHO_BYTES, next);
        const started = performance.now();
        const echoed = echo(parts.server);
        await Promise.all([
          writeChunks(parts.client.writable, data, sizes),
          readExactly(parts.client.readable, data),
        ]);
        const seconds = (performance.now() - started) / 1000;
        report(
          `${label}: echo of 10 MB in ${sizes.length} chunks, ${
            (10 / seconds).toFixed(0)
          } MB/s`,
        );
        await echoed;
        await within(parts.client.closed, 10_000, "client closed after echo");
      } finally {
        await unlink(parts);
      }
    },
    90_000,
  );

  conformance(
    "makes writer.ready wait, with bounded memory, while the reader stalls",
    async (s) => {
      const parts = await link(s);
      try {
        const writer = parts.client.writable.getWriter();
        const accepted = await fillUntilBlocked(writer);
        report(
          `${label}: stalled reader, writer blocked after ${accepted} bytes`,
        );
        assert.ok(accepted <= STALL_BOUND, `accepted ${accepted} bytes`);
        const reader = parts.server.readable.getReader();
        let read = 0;
        while (read < accepted) read += (await reader.read()).value!.byteLength;
        await within(writer.ready, 10_000, "writer.ready once the reader read");
        reader.releaseLock();
        writer.releaseLock();
      } finally {
        await unlink(parts);
      }
    },
    60_000,
  );

  for (const side of ["client", "server"] as const) {
    conformance(
      `close() from the ${side} ends both streams on both ends`,
      async (s) => {
        const parts = await link(s);
        try {
          const closer = side === "client" ? parts.client : parts.server;
          const other = side === "client" ? parts.server : parts.client;
          await within(closer.close(), 5_000, "close()");
          await within(
            expectEnded(closer.writable, closer.readable),
            5_000,
            "closer's streams end",
          );
          await within(
            expectEnded(other.writable, other.readable),
            10_000,
            "peer's streams end",
          );
          await within(other.closed, 5_000, "peer closed");
        } finally {
          await unlink(parts);
        }
      },
    );
  }

  conformance(
    "listener close() refuses new connections and keeps accepted ones",
    async (s) => {
      const parts = await link(s);
      try {
        await parts.listener.close();
        await assert.rejects(
          s.transport.connect(parseEndpoint(parts.listener.endpoint)),
          isCode("refused"),
        );
        const echoed = echo(parts.server);
        const data = new Uint8Array([1, 2, 3, 4]);
        await Promise.all([
          writeChunks(parts.client.writable, data, [2, 2]),
          readExactly(parts.client.readable, data),
        ]);
        await echoed;
      } finally {
        await unlink(parts);
      }
    },
  );

  conformance(`serves ${CONNECTIONS} concurrent connections`, async (s) => {
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
          writeChunks(client.writable, data, [data.byteLength]),
          readExactly(client.readable, data),
        ]);
      }));
      await within(serving, 10_000, "every connection accepted");
    } finally {
      await Promise.all([...clients, ...servers].map((c) => c.close()));
      await listener.close();
    }
  });

  conformance(
    "connect to an endpoint nobody listens on is refused",
    async (s) => {
      const listener = await s.transport.listen(parseEndpoint(s.endpoint()));
      await listener.close();
      await assert.rejects(
        s.transport.connect(parseEndpoint(listener.endpoint)),
        isCode("refused"),
      );
    },
  );

  conformance(
    "connect rejects with the signal's reason when aborted",
    async (s) => {
      const listener = await s.transport.listen(parseEndpoint(s.endpoint()));
      try {
        const reason = new Error("stop");
        await assert.rejects(
          s.transport.connect(parseEndpoint(listener.endpoint), {
            signal: AbortSignal.abort(reason),
          }),
          (error) => error === reason,
        );
      } finally {
        await listener.close();
      }
    },
  );
}
