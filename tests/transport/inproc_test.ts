import assert from "node:assert/strict";
import { parseEndpoint } from "../../src/transport/endpoint.ts";
import {
  connectionPair,
  inproc,
} from "../../src/transport/inproc_transport.ts";
import { test, within } from "../_helpers/test.ts";
import { transportConformance } from "./_conformance.ts";
import { isCode } from "../_helpers/is_code.ts";

let names = 0;
function uniqueEndpoint(): string {
  names += 1;
  return `inproc://inproc-test-${names}-${Math.random().toString(36).slice(2)}`;
}

// -- conformance --

transportConformance(
  "inproc",
  () => Promise.resolve({ transport: inproc(), endpoint: uniqueEndpoint }),
);

transportConformance("inproc (highWaterMark 0)", () =>
  Promise.resolve({
    transport: inproc({ isolated: true, highWaterMark: 0 }),
    endpoint: uniqueEndpoint,
  }));

// -- connectionPair() --

test("connectionPair() hands the written chunk to the reader without a copy", async () => {
  const [a, b] = connectionPair();
  const writer = a.writable.getWriter();
  const reader = b.readable.getReader();
  const chunk = new Uint8Array([7, 8, 9]);
  await writer.write(chunk);
  assert.equal((await reader.read()).value, chunk);
  await a.close();
  await b.close();
});

test("connectionPair() stalls a writer after about 2 × highWaterMark unread bytes", async () => {
  const highWaterMark = 4096;
  const [a, b] = connectionPair({ highWaterMark });
  const writer = a.writable.getWriter();
  let accepted = 0;
  while (writer.desiredSize! > 0) {
    void writer.write(new Uint8Array(1000)).catch(() => {});
    accepted += 1000;
    await Promise.resolve();
  }
  assert.ok(accepted >= highWaterMark, `accepted ${accepted}`);
  assert.ok(accepted <= 2 * highWaterMark + 1000, `accepted ${accepted}`);
  const reader = b.readable.getReader();
  let read = 0;
  while (read < accepted) read += (await reader.read()).value!.byteLength;
  await within(writer.ready, 1000, "writer.ready after the reader drained");
  await a.close();
  await b.close();
});

test("connectionPair() close() ends both streams of both ends", async () => {
  const [a, b] = connectionPair();
  const aReader = a.readable.getReader();
  const bReader = b.readable.getReader();
  const pending = bReader.read();
  await b.close();
  assert.equal((await pending).done, true);
  assert.equal((await aReader.read()).done, true);
  await assert.rejects(
    a.writable.getWriter().write(new Uint8Array(1)),
    isCode("closed"),
  );
  await a.closed;
});

test("connectionPair() writer.close() ends the peer's readable after the last chunk", async () => {
  const [a, b] = connectionPair();
  const writer = a.writable.getWriter();
  void writer.write(new Uint8Array([1]));
  void writer.write(new Uint8Array([2]));
  const closing = writer.close();
  const reader = b.readable.getReader();
  assert.deepEqual((await reader.read()).value, new Uint8Array([1]));
  assert.deepEqual((await reader.read()).value, new Uint8Array([2]));
  assert.equal((await reader.read()).done, true);
  await closing;
  await b.close();
});

// -- inproc() --

test("inproc() refuses a second bind of the same name with addr-in-use", async () => {
  const endpoint = parseEndpoint(uniqueEndpoint());
  const listener = await inproc().listen(endpoint);
  await assert.rejects(inproc().listen(endpoint), isCode("addr-in-use"));
  await listener.close();
  const again = await inproc().listen(endpoint);
  await again.close();
});

test("inproc() with isolated: true does not see the shared namespace", async () => {
  const endpoint = parseEndpoint(uniqueEndpoint());
  const listener = await inproc().listen(endpoint);
  const isolated = inproc({ isolated: true });
  await assert.rejects(isolated.connect(endpoint), isCode("refused"));
  const own = await isolated.listen(endpoint);
  const client = await isolated.connect(endpoint);
  const server = (await own[Symbol.asyncIterator]().next()).value!;
  await client.close();
  await server.closed;
  await own.close();
  await listener.close();
});

test("inproc() listener close() ends iteration and closes untaken connections", async () => {
  const endpoint = parseEndpoint(uniqueEndpoint());
  const listener = await inproc().listen(endpoint);
  const iterator = listener[Symbol.asyncIterator]();
  const client = await inproc().connect(endpoint);
  const taken = (await iterator.next()).value!;
  const untaken = await inproc().connect(endpoint);
  await taken.close();
  await listener.close();
  assert.equal((await iterator.next()).done, true);
  await within(untaken.closed, 1000, "untaken connection closed");
  await client.closed;
  await assert.rejects(inproc().connect(endpoint), isCode("refused"));
});

test("inproc() connect rejects with the signal's reason when aborted", async () => {
  const reason = new Error("stop");
  await assert.rejects(
    inproc().connect(parseEndpoint(uniqueEndpoint()), {
      signal: AbortSignal.abort(reason),
    }),
    (error) => error === reason,
  );
});
