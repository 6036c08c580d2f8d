/**
 * A listener keeps serving whatever one connection does: say nothing, send
 * garbage, trip a throwing `authenticate` hook, or make `accept` fail.
 *
 * @module
 */

import assert from "node:assert/strict";
import { HandshakeError } from "../../src/errors.ts";
import { RepSocket } from "../../src/socket/rep_socket.ts";
import { ReqSocket } from "../../src/socket/req_socket.ts";
import { parseEndpoint } from "../../src/transport/endpoint.ts";
import { inproc } from "../../src/transport/inproc_transport.ts";
import type {
  Connection,
  Listener,
  Transport,
} from "../../src/transport/transport.ts";
import { runtimeTransports } from "../../runtimes/auto.ts";
import { test, within } from "../_helpers/test.ts";
import { serve } from "../socket/_reqrep_conformance.ts";
import { measured, nextEvent } from "./_events.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A raw TCP connection to `endpoint`, below any handshake. */
async function rawConnect(endpoint: string): Promise<Connection> {
  const tcp = (await runtimeTransports()).find((t) => t.scheme === "tcp")!;
  return await tcp.connect(parseEndpoint(endpoint));
}

/** Reads until the other side ends the connection. */
async function readToEnd(conn: Connection): Promise<void> {
  const reader = conn.readable.getReader();
  try {
    while (!(await reader.read()).done) { /* discard */ }
  } catch {
    // a reset ends it too
  } finally {
    reader.releaseLock();
  }
}

/** Asserts that a fresh ReqSocket gets an answer from `endpoint`. */
async function stillServes(endpoint: string): Promise<void> {
  await using req = new ReqSocket();
  await within(req.connect(endpoint), 5_000, "connect");
  const reply = await req.request(encoder.encode("still"));
  assert.equal(decoder.decode(reply), "still");
}

test(
  "RepSocket drops a client that connects and says nothing after handshakeTimeout, and keeps serving",
  async () => {
    const handshakeTimeout = 300;
    await using rep = new RepSocket({ handshakeTimeout });
    const endpoint = await rep.bind("tcp://127.0.0.1:0");
    void serve(rep, (r) => r.payload);
    const refused = nextEvent(rep, "error");
    const silent = await rawConnect(endpoint);
    const started = performance.now();
    const dropped = readToEnd(silent);
    await stillServes(endpoint); // while the silent one hangs on
    await within(dropped, handshakeTimeout + 5_000, "the silent client's end");
    const took = performance.now() - started;
    measured(
      `silent client dropped (handshakeTimeout ${handshakeTimeout})`,
      took,
    );
    assert.ok(took >= handshakeTimeout - 50, `dropped after ${took} ms`);
    const { detail } = await within(refused, 5_000, "the error event");
    assert.ok(detail.error instanceof HandshakeError);
    assert.equal(detail.error.reason, "timeout");
    await silent.close();
    await stillServes(endpoint);
    assert.equal(rep.stats.refused, 1);
  },
);

test(
  "RepSocket closes a connection that sends garbage instead of a handshake, and keeps serving",
  async () => {
    await using rep = new RepSocket();
    const endpoint = await rep.bind("tcp://127.0.0.1:0");
    void serve(rep, (r) => r.payload);
    const refused = nextEvent(rep, "error");
    const garbage = await rawConnect(endpoint);
    const writer = garbage.writable.getWriter();
    await writer.write(encoder.encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    writer.releaseLock();
    await within(readToEnd(garbage), 5_000, "the garbage connection's end");
    const { detail } = await within(refused, 5_000, "the error event");
    assert.ok(detail.error instanceof HandshakeError);
    assert.equal(detail.error.reason, "magic");
    await garbage.close();
    await stillServes(endpoint);
    assert.equal(rep.stats.refused, 1);
  },
);

test(
  "An authenticate hook that throws refuses that one connection; the dialler shows it failed; the listener keeps serving",
  async () => {
    await using rep = new RepSocket({
      authenticate: (properties) => {
        if (properties.user === "mallory") throw new Error("hook broke");
        return true;
      },
    });
    const endpoint = await rep.bind("tcp://127.0.0.1:0");
    void serve(rep, (r) => r.payload);
    await using bad = new ReqSocket({ properties: { user: "mallory" } });
    await assert.rejects(bad.connect(endpoint), HandshakeError);
    const [info] = bad.connections();
    assert.equal(info?.state, "failed");
    assert.ok(info?.lastError instanceof HandshakeError);
    assert.equal(info.lastError.reason, "auth");
    // Connecting again means trying again (and failing again).
    await assert.rejects(bad.connect(endpoint), HandshakeError);
    await stillServes(endpoint);
    assert.equal(rep.stats.refused, 2);
  },
);

/** Wraps `inner` so that its listeners fail their first accept. */
function failingFirstAccept(inner: Transport): Transport {
  return {
    scheme: inner.scheme,
    connect: (endpoint, options) => inner.connect(endpoint, options),
    async listen(endpoint): Promise<Listener> {
      const listener = await inner.listen(endpoint);
      let failed = false;
      return {
        endpoint: listener.endpoint,
        close: () => listener.close(),
        [Symbol.asyncIterator]() {
          const accepted = listener[Symbol.asyncIterator]();
          return {
            next() {
              if (failed) return accepted.next();
              failed = true;
              return Promise.reject(new Error("Cannot accept: EMFILE"));
            },
          };
        },
      };
    },
  };
}

test(
  "A failing accept is reported as an error event and the listener keeps accepting",
  async () => {
    const transport = failingFirstAccept(inproc({ isolated: true }));
    await using rep = new RepSocket({ transports: [transport] });
    const errored = nextEvent(rep, "error");
    const endpoint = await rep.bind("inproc://accept-fails");
    void serve(rep, (r) => r.payload);
    const { detail } = await within(errored, 5_000, "the error event");
    assert.equal(detail.error.message, "Cannot accept: EMFILE");
    assert.equal(detail.endpoint, endpoint);
    await using req = new ReqSocket({ transports: [transport] });
    await within(req.connect(endpoint), 5_000, "connect");
    assert.equal(
      decoder.decode(await req.request(encoder.encode("x"))),
      "x",
    );
  },
);
