/**
 * Byte-stream tests of a runtime's socket transports beyond the conformance
 * suite: measured stall bounds over TCP and TLS, one big write taken in
 * parts, chunk ownership, and a peer reset mid-stream. Every wait is on an
 * event, bounded by `within`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { env } from "../_helpers/runtime.ts";
import { test, within } from "../_helpers/test.ts";
import {
  concat,
  fillUntilBlocked,
  isCode,
  link,
  pattern,
  readBytes,
  STALL_LIMIT,
  unlink,
} from "./_links.ts";
import { type RuntimeTransports, tlsPair } from "./_setups.ts";

function stallTest(
  label: string,
  runtime: RuntimeTransports,
  scheme: "tcp" | "tls",
): void {
  test(`${label} ${scheme}() blocks a writer whose peer never reads, after a bounded number of bytes`, async () => {
    const { server, client } = tlsPair(false);
    const transport = scheme === "tcp" ? runtime.tcp() : runtime.tls(server);
    const connector = scheme === "tcp" ? transport : runtime.tls(client);
    const parts = await link(transport, `${scheme}://127.0.0.1:0`, connector);
    try {
      const writer = parts.client.writable.getWriter();
      const accepted = await fillUntilBlocked(writer, STALL_LIMIT);
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
      await unlink(parts);
    }
  });
}

function bigWriteTest(label: string, runtime: RuntimeTransports): void {
  test(
    `${label} tcp() delivers one 16 MB write intact to a reader that reads slowly`,
    async () => {
      const parts = await link(runtime.tcp(), "tcp://127.0.0.1:0");
      try {
        const data = pattern(16 * 1024 * 1024);
        const writer = parts.client.writable.getWriter();
        const written = writer.write(data); // the socket takes it in parts
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
        await unlink(parts);
      }
    },
    { timeout: 60_000 },
  );
}

function ownershipTest(label: string, runtime: RuntimeTransports): void {
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
      await unlink(parts);
    }
  });
}

function resetTest(label: string, runtime: RuntimeTransports): void {
  test(`${label} tcp() peer reset mid-stream fails the writer with a typed error`, async () => {
    const parts = await link(runtime.tcp(), "tcp://127.0.0.1:0");
    try {
      const writer = parts.client.writable.getWriter();
      await fillUntilBlocked(writer, STALL_LIMIT);
      // Closing with unread bytes in its receive buffer makes the peer send RST.
      await parts.server.close();
      const chunk = new Uint8Array(64 * 1024);
      let failure: unknown;
      for (let i = 0; i < 2000 && failure === undefined; i++) {
        await within(writer.write(chunk), 10_000, "write")
          .catch((e) => failure = e);
      }
      assert.ok(isCode("reset", "closed")(failure), `failed with ${failure}`);
      const reader = parts.client.readable.getReader();
      const end = await within(reader.read().catch((e) => e), 10_000, "read");
      assert.ok(end?.done === true || isCode("reset", "closed")(end), `${end}`);
      await within(parts.client.closed, 10_000, "client closed");
    } finally {
      await unlink(parts);
    }
  });
}

/**
 * Declares the byte-stream tests for one runtime.
 *
 * @param label The runtime, as test names show it: `"Node"`.
 * @param runtime The runtime's transport factories.
 */
export function streamSuite(label: string, runtime: RuntimeTransports): void {
  stallTest(label, runtime, "tcp");
  stallTest(label, runtime, "tls");
  bigWriteTest(label, runtime);
  ownershipTest(label, runtime);
  resetTest(label, runtime);
}
