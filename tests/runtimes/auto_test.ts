import assert from "node:assert/strict";
import { detectRuntime, runtimeTransports } from "../../runtimes/auto.ts";
import { parseEndpoint } from "../../src/transport/endpoint.ts";
import { runtimeName } from "../_helpers/runtime.ts";
import { test, within } from "../_helpers/test.ts";

test("detectRuntime() names the runtime running the tests", () => {
  assert.equal(detectRuntime(), runtimeName());
});

test("runtimeTransports() gives tcp, ipc, tls and inproc, fresh on each call", async () => {
  const first = await runtimeTransports();
  const second = await runtimeTransports();
  assert.deepEqual(first.map((t) => t.scheme), ["tcp", "ipc", "tls", "inproc"]);
  assert.notEqual(first, second);
});

test("runtimeTransports() tcp carries bytes over a real socket", async () => {
  const tcp = (await runtimeTransports()).find((t) => t.scheme === "tcp")!;
  const listener = await tcp.listen(parseEndpoint("tcp://127.0.0.1:0"));
  const accepted = listener[Symbol.asyncIterator]().next();
  const client = await tcp.connect(parseEndpoint(listener.endpoint));
  const server = (await within(accepted, 5_000, "accept")).value!;
  try {
    const writer = client.writable.getWriter();
    await writer.write(new Uint8Array([4, 2]));
    const reader = server.readable.getReader();
    assert.deepEqual((await reader.read()).value, new Uint8Array([4, 2]));
    reader.releaseLock();
    writer.releaseLock();
  } finally {
    await Promise.all([client.close(), server.close()]);
    await listener.close();
  }
});
