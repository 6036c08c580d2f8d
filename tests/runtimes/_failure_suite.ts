/**
 * Failure tests of a runtime's socket transports beyond the conformance
 * suite: ports and unix socket files in use (live, stale, not a socket),
 * missing socket files, wrong schemes, and TLS peers that fail verification.
 *
 * @module
 */

import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseEndpoint } from "../../src/transport/endpoint.ts";
import type { Connection } from "../../src/transport/transport.ts";
import { testCerts } from "../_helpers/certs.ts";
import { test, within } from "../_helpers/test.ts";
import { isCode, link, unlink } from "./_links.ts";
import { type RuntimeTransports, tempDir, tlsPair } from "./_setups.ts";

function inUseTests(label: string, runtime: RuntimeTransports): void {
  test(`${label} tcp() listen on a port in use is addr-in-use`, async () => {
    const tcp = runtime.tcp();
    const listener = await tcp.listen(parseEndpoint("tcp://127.0.0.1:0"));
    try {
      await assert.rejects(
        tcp.listen(parseEndpoint(listener.endpoint)),
        isCode("addr-in-use"),
      );
    } finally {
      await listener.close();
    }
  });
  test(`${label} connect() with another scheme is a TypeError`, async () => {
    const endpoint = parseEndpoint("ipc:///tmp/x.sock");
    await assert.rejects(runtime.tcp().connect(endpoint), TypeError);
  });
}

function staleSocketTest(label: string, runtime: RuntimeTransports): void {
  test(`${label} ipc() listen replaces a stale socket file`, async () => {
    const dir = await tempDir();
    try {
      const live = join(dir.path, "live.sock");
      const stale = join(dir.path, "stale.sock");
      const first = await runtime.ipc().listen(parseEndpoint(`ipc://${live}`));
      await rename(live, stale); // the file moves, so closing leaves it behind
      await first.close();
      assert.ok(existsSync(stale));
      const parts = await link(runtime.ipc(), `ipc://${stale}`);
      await unlink(parts);
      assert.equal(existsSync(stale), false, "socket file removed on close");
    } finally {
      await dir.remove();
    }
  });
}

function socketFileTests(label: string, runtime: RuntimeTransports): void {
  test(`${label} ipc() listen on a live socket or a plain file is addr-in-use`, async () => {
    const dir = await tempDir();
    const ipc = runtime.ipc();
    try {
      const path = parseEndpoint(`ipc://${join(dir.path, "a.sock")}`);
      const listener = await ipc.listen(path);
      await assert.rejects(ipc.listen(path), isCode("addr-in-use"));
      await listener.close();
      const file = join(dir.path, "file.sock");
      await writeFile(file, "not a socket");
      const plain = parseEndpoint(`ipc://${file}`);
      await assert.rejects(ipc.listen(plain), isCode("addr-in-use"));
      assert.ok(existsSync(file), "a plain file is left alone");
    } finally {
      await dir.remove();
    }
  });
  test(`${label} ipc() connect to a missing socket file is refused`, async () => {
    const dir = await tempDir();
    try {
      const missing = parseEndpoint(`ipc://${dir.path}/none.sock`);
      await assert.rejects(runtime.ipc().connect(missing), isCode("refused"));
    } finally {
      await dir.remove();
    }
  });
}

function wrongCaTest(label: string, runtime: RuntimeTransports): void {
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
}

/** Connects, then reads once: TLS 1.3 clients learn of a refusal there. */
async function connectAndRead(
  connecting: Promise<Connection>,
): Promise<unknown> {
  try {
    const connection = await connecting;
    const reader = connection.readable.getReader();
    const result = await reader.read().catch((error: unknown) => error);
    await connection.close();
    return result;
  } catch (error) {
    return error;
  }
}

function noClientCertTest(label: string, runtime: RuntimeTransports): void {
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
      const connecting = client.connect(parseEndpoint(listener.endpoint));
      const outcome = await within(
        connectAndRead(connecting),
        10_000,
        "refusal",
      );
      const ended = (outcome as { done?: boolean } | undefined)?.done === true;
      assert.ok(
        ended || isCode("tls", "reset", "closed")(outcome),
        `${outcome}`,
      );
      assert.equal(accepted.length, 0, "no connection was accepted");
    } finally {
      await listener.close();
      await serving;
    }
  });
}

/**
 * Declares the failure tests for one runtime.
 *
 * @param label The runtime, as test names show it: `"Node"`.
 * @param runtime The runtime's transport factories.
 */
export function failureSuite(label: string, runtime: RuntimeTransports): void {
  inUseTests(label, runtime);
  staleSocketTest(label, runtime);
  socketFileTests(label, runtime);
  wrongCaTest(label, runtime);
  noClientCertTest(label, runtime);
}
