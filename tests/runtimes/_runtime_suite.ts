/**
 * Tests of a runtime's socket transports beyond the conformance suite:
 * measured backpressure bounds, big writes taken in parts, chunk ownership,
 * unix socket files (stale, live, foreign, removed), refused and reset
 * connections, TLS verification failures. Nothing here sleeps: every wait
 * is on an event, bounded by `within`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ConnectionError } from "../../src/errors.ts";
import { parseEndpoint } from "../../src/transport/endpoint.ts";
import type {
  Connection,
  Listener,
  Transport,
} from "../../src/transport/transport.ts";
import { testCerts } from "../_helpers/certs.ts";
import { env } from "../_helpers/runtime.ts";
import { test, within } from "../_helpers/test.ts";
import { type RuntimeTransports, tempDir, tlsPair } from "./_setups.ts";

/** Bytes a writer may get accepted into a peer that never reads. */
const STALL_LIMIT = 16 * 1024 * 1024;

function isCode(...codes: string[]): (error: unknown) => boolean {
  return (error) =>
    error instanceof ConnectionError && codes.includes(error.code);
}

async function link(
  transport: Transport,
  endpoint: string,
  connector: Transport = transport,
): Promise<{ listener: Listener; client: Connection; server: Connection }> {
  const listener = await transport.listen(parseEndpoint(endpoint));
  const accepted = listener[Symbol.asyncIterator]().next();
  const client = await connector.connect(parseEndpoint(listener.endpoint));
  const next = await within(accepted, 5_000, "accept");
  assert.equal(next.done, false);
  return { listener, client, server: next.value };
}

async function unlinkAll(
  parts: { listener: Listener; client: Connection; server: Connection },
): Promise<void> {
  await Promise.all([parts.client.close(), parts.server.close()]);
  await parts.listener.close();
}

/** Writes 64 KiB chunks until `writer.ready` stays pending for 300 ms. */
async function acceptedUntilBlocked(
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
    assert.ok(accepted <= STALL_LIMIT, `accepted ${accepted} bytes unread`);
    void writer.write(chunk).catch(() => {});
    accepted += chunk.byteLength;
  }
}

async function readBytes(
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

function pattern(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >>> 8)) & 0xff;
  return bytes;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}

function streamTests(label: string, runtime: RuntimeTransports): void {
  for (const scheme of ["tcp", "tls"] as const) {
    test(`${label} ${scheme}() blocks a writer whose peer never reads, after a bounded number of bytes`, async () => {
      const { server, client } = tlsPair(false);
      const transport = scheme === "tcp" ? runtime.tcp() : runtime.tls(server);
      const connector = scheme === "tcp" ? transport : runtime.tls(client);
      const parts = await link(transport, `${scheme}://127.0.0.1:0`, connector);
      try {
        const writer = parts.client.writable.getWriter();
        const accepted = await acceptedUntilBlocked(writer);
        if (env("MSG_TS_TRANSPORT_STATS") !== undefined) {
          // deno-lint-ignore no-console
          console.log(
            `${label} ${scheme}: writer blocked after ${accepted} bytes`,
          );
        }
        assert.ok(accepted > 0 && accepted <= STALL_LIMIT, `${accepted} bytes`);
        const chunks = await readBytes(parts.server.readable, accepted);
        assert.equal(concat(chunks).byteLength, accepted);
        await within(writer.ready, 10_000, "writer.ready after reading");
        writer.releaseLock();
      } finally {
        await unlinkAll(parts);
      }
    });
  }

  test(
    `${label} tcp() delivers one 16 MB write intact to a reader that reads slowly`,
    async () => {
      const parts = await link(runtime.tcp(), "tcp://127.0.0.1:0");
      try {
        const data = pattern(16 * 1024 * 1024);
        const writer = parts.client.writable.getWriter();
        const written = writer.write(data);
        const reader = parts.server.readable.getReader();
        let offset = 0;
        while (offset < data.byteLength) {
          const { value } = await reader.read();
          assert.deepEqual(
            value,
            data.subarray(offset, offset + value!.byteLength),
          );
          offset += value!.byteLength;
          await Promise.resolve(); // let the writer run between reads
        }
        await within(written, 10_000, "the big write to resolve");
        reader.releaseLock();
        writer.releaseLock();
      } finally {
        await unlinkAll(parts);
      }
    },
    { timeout: 60_000 },
  );

  test(`${label} tcp() chunks already read stay intact while more arrive`, async () => {
    const parts = await link(runtime.tcp(), "tcp://127.0.0.1:0");
    try {
      const data = pattern(4 * 1024 * 1024);
      const writer = parts.client.writable.getWriter();
      const writing = (async () => {
        for (let i = 0; i < data.byteLength; i += 1000) {
          await writer.write(data.slice(i, i + 1000));
        }
      })();
      const chunks = await readBytes(parts.server.readable, data.byteLength);
      await writing;
      assert.deepEqual(concat(chunks), data);
      assert.ok(chunks.every((c) => c.constructor === Uint8Array));
      writer.releaseLock();
    } finally {
      await unlinkAll(parts);
    }
  });
}

function failureTests(label: string, runtime: RuntimeTransports): void {
  test(`${label} tcp() listen on a port in use is addr-in-use`, async () => {
    const listener = await runtime.tcp().listen(
      parseEndpoint("tcp://127.0.0.1:0"),
    );
    try {
      await assert.rejects(
        runtime.tcp().listen(parseEndpoint(listener.endpoint)),
        isCode("addr-in-use"),
      );
    } finally {
      await listener.close();
    }
  });

  test(`${label} tcp() peer reset mid-stream fails the writer with a typed error`, async () => {
    const parts = await link(runtime.tcp(), "tcp://127.0.0.1:0");
    try {
      const writer = parts.client.writable.getWriter();
      await acceptedUntilBlocked(writer);
      // Closing with unread bytes in its receive buffer makes the peer send RST.
      await parts.server.close();
      const chunk = new Uint8Array(64 * 1024);
      let failure: unknown;
      for (let i = 0; i < 2000 && failure === undefined; i++) {
        await within(writer.write(chunk), 10_000, "write").catch((e) =>
          failure = e
        );
      }
      assert.ok(isCode("reset", "closed")(failure), `failed with ${failure}`);
      const reader = parts.client.readable.getReader();
      const end = await within(
        reader.read().catch((e) => e),
        10_000,
        "read end",
      );
      assert.ok(
        end?.done === true || isCode("reset", "closed")(end),
        String(end),
      );
      await within(parts.client.closed, 10_000, "client closed");
    } finally {
      await unlinkAll(parts);
    }
  });

  test(`${label} connect() with another scheme is a TypeError`, async () => {
    await assert.rejects(
      (async () =>
        await runtime.tcp().connect(parseEndpoint("ipc:///tmp/x.sock")))(),
      TypeError,
    );
  });
}

function ipcTests(label: string, runtime: RuntimeTransports): void {
  test(`${label} ipc() listen replaces a stale socket file`, async () => {
    const dir = await tempDir();
    try {
      const live = join(dir.path, "live.sock");
      const stale = join(dir.path, "stale.sock");
      const first = await runtime.ipc().listen(parseEndpoint(`ipc://${live}`));
      await rename(live, stale); // the socket file moves; closing leaves it behind
      await first.close();
      assert.ok(existsSync(stale));
      const parts = await link(runtime.ipc(), `ipc://${stale}`);
      await unlinkAll(parts);
      assert.equal(existsSync(stale), false, "socket file removed on close");
    } finally {
      await dir.remove();
    }
  });

  test(`${label} ipc() listen on a live socket or a plain file is addr-in-use`, async () => {
    const dir = await tempDir();
    try {
      const path = join(dir.path, "a.sock");
      const listener = await runtime.ipc().listen(
        parseEndpoint(`ipc://${path}`),
      );
      await assert.rejects(
        runtime.ipc().listen(parseEndpoint(`ipc://${path}`)),
        isCode("addr-in-use"),
      );
      await listener.close();
      const file = join(dir.path, "file.sock");
      await writeFile(file, "not a socket");
      await assert.rejects(
        runtime.ipc().listen(parseEndpoint(`ipc://${file}`)),
        isCode("addr-in-use"),
      );
      assert.ok(existsSync(file), "a plain file is left alone");
    } finally {
      await dir.remove();
    }
  });

  test(`${label} ipc() connect to a missing path is refused or not-found`, async () => {
    const dir = await tempDir();
    try {
      await assert.rejects(
        runtime.ipc().connect(parseEndpoint(`ipc://${dir.path}/none.sock`)),
        isCode("not-found", "refused"),
      );
    } finally {
      await dir.remove();
    }
  });
}

function tlsTests(label: string, runtime: RuntimeTransports): void {
  test(`${label} tls() refuses a server whose certificate another CA signed`, async () => {
    const { server } = tlsPair(false);
    const listener = await runtime.tls(server).listen(
      parseEndpoint("tls://127.0.0.1:0"),
    );
    const serving = (async () => {
      for await (const connection of listener) void connection.close();
    })();
    try {
      const client = runtime.tls({ ca: testCerts().otherCa });
      await assert.rejects(
        client.connect(parseEndpoint(listener.endpoint)),
        isCode("tls"),
      );
    } finally {
      await listener.close();
      await serving;
    }
  });

  test(`${label} tls() with requestClientCert refuses a client without a certificate`, async () => {
    const { server } = tlsPair(true);
    const listener = await runtime.tls(server).listen(
      parseEndpoint("tls://127.0.0.1:0"),
    );
    const accepted: Connection[] = [];
    const serving = (async () => {
      for await (const connection of listener) accepted.push(connection);
    })();
    try {
      const client = runtime.tls({ ca: testCerts().ca });
      const outcome = await within(
        client.connect(parseEndpoint(listener.endpoint)).then(
          async (connection) => {
            // TLS 1.3 clients learn of the refusal on their first read.
            const reader = connection.readable.getReader();
            const result = await reader.read().catch((error) => error);
            await connection.close();
            return result;
          },
          (error) => error,
        ),
        10_000,
        "the refusal",
      );
      assert.ok(
        outcome?.done === true || isCode("tls", "reset", "closed")(outcome),
        `got ${outcome}`,
      );
      assert.equal(accepted.length, 0, "no connection was accepted");
    } finally {
      await listener.close();
      await serving;
    }
  });
}

/**
 * Declares the runtime-specific transport tests.
 *
 * @param label The runtime, as test names show it: `"Node"`.
 * @param runtime The runtime's transport factories.
 */
export function runtimeSuite(label: string, runtime: RuntimeTransports): void {
  streamTests(label, runtime);
  failureTests(label, runtime);
  ipcTests(label, runtime);
  tlsTests(label, runtime);
}
