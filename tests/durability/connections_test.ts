/**
 * `Socket.connections()` and the connection events: what a user sees of a
 * dialler that waits, connects, loses its peer, gives up or times out.
 *
 * @module
 */

import assert from "node:assert/strict";
import { ConnectionError } from "../../src/errors.ts";
import { RepSocket } from "../../src/socket/rep_socket.ts";
import { ReqSocket } from "../../src/socket/req_socket.ts";
import { inproc } from "../../src/transport/inproc_transport.ts";
import type { Connection, Transport } from "../../src/transport/transport.ts";
import { test, within } from "../_helpers/test.ts";
import { serve } from "../socket/_reqrep_conformance.ts";
import { nextEvent } from "./_events.ts";

/** Wraps `inner` and resolves `dialled(n)` once `n` dials have ended. */
function counted(inner: Transport, dial = inner.connect.bind(inner)) {
  let ended = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const transport: Transport = {
    scheme: inner.scheme,
    listen: (endpoint) => inner.listen(endpoint),
    async connect(endpoint, options): Promise<Connection> {
      try {
        return await dial(endpoint, options);
      } finally {
        ended++;
        for (const w of waiters.filter((w) => w.n <= ended)) w.resolve();
      }
    },
  };
  const dialled = (n: number) =>
    new Promise<void>((resolve) => {
      if (ended >= n) resolve();
      else waiters.push({ n, resolve });
    });
  return { transport, dialled };
}

test(
  "Socket.connections() follows a dialler from late bind to connected, lost and back",
  async () => {
    const { transport, dialled } = counted(inproc({ isolated: true }));
    const transports = [transport];
    await using req = new ReqSocket({
      transports,
      reconnect: { initial: 10, max: 50 },
    });
    const endpoint = "inproc://connections-late";
    const connected = req.connect(endpoint);
    await within(dialled(3), 5_000, "three failed dials");
    let [info] = req.connections();
    assert.equal(info?.endpoint, endpoint);
    assert.ok(info?.state === "connecting" || info?.state === "disconnected");
    assert.ok(info.attempts >= 2, `attempts ${info.attempts}`);
    assert.ok(info.lastError instanceof ConnectionError);
    assert.equal(info.peerId, undefined);

    const first = nextEvent(req, "connect");
    const rep = new RepSocket({ transports });
    await rep.bind(endpoint);
    void serve(rep, (r) => r.payload);
    await within(connected, 5_000, "connect()");
    const { detail } = await within(first, 5_000, "the connect event");
    [info] = req.connections();
    assert.equal(info?.state, "connected");
    assert.equal(info.attempts, 0);
    assert.equal(info.peerId, detail.peerId);
    assert.equal(info.reconnects, 0);

    // An orderly close on the other side: no cause.
    const lost = nextEvent(req, "disconnect");
    await rep.close();
    assert.equal(
      (await within(lost, 5_000, "disconnect")).detail.cause,
      undefined,
    );
    assert.notEqual(req.connections()[0]?.state, "connected");

    const back = nextEvent(req, "reconnect");
    await using again = new RepSocket({ transports });
    await again.bind(endpoint);
    const resumed = await within(back, 5_000, "reconnect");
    assert.equal(resumed.detail.cause, undefined);
    assert.ok((resumed.detail.attempts ?? 0) >= 1);
    assert.ok((resumed.detail.downtime ?? -1) >= 0);
    [info] = req.connections();
    assert.equal(info?.state, "connected");
    assert.equal(info.reconnects, 1);
    assert.equal(info.peerId, resumed.detail.peerId);
    assert.equal(req.stats.reconnects, 1);
  },
);

test(
  "A dialler whose maxRetries run out fails connect(), emits an error event and shows state failed",
  async () => {
    await using req = new ReqSocket({
      transports: [inproc({ isolated: true })],
      reconnect: { initial: 5, max: 10, maxRetries: 3 },
    });
    const errored = nextEvent(req, "error");
    await assert.rejects(
      req.connect("inproc://connections-nobody"),
      /retries exhausted/,
    );
    const { detail } = await within(errored, 5_000, "the error event");
    assert.match(detail.error.message, /retries exhausted/);
    const [info] = req.connections();
    assert.equal(info?.state, "failed");
    assert.equal(info.attempts, 4); // the first dial and 3 retries
    assert.equal(info.lastError, detail.error);
    assert.ok(info.lastError.cause instanceof ConnectionError);
  },
);

test(
  "A dial that hangs fails after handshakeTimeout and the dialler tries again",
  async () => {
    const never = (
      _endpoint: unknown,
      options?: { signal?: AbortSignal },
    ): Promise<Connection> =>
      new Promise((_, reject) => {
        // Honours the signal, as a transport should; never connects.
        options?.signal?.addEventListener(
          "abort",
          () => reject(options.signal!.reason),
          { once: true },
        );
      });
    const { transport, dialled } = counted(inproc({ isolated: true }), never);
    await using req = new ReqSocket({
      transports: [transport],
      handshakeTimeout: 100,
      reconnect: { initial: 5, max: 10 },
    });
    const connected = req.connect("inproc://connections-hang");
    await within(dialled(2), 5_000, "two timed-out dials");
    const [info] = req.connections();
    assert.ok(info!.attempts >= 1);
    assert.ok(info!.lastError instanceof ConnectionError);
    assert.equal(info!.lastError.code, "timeout");
    await req.close();
    await assert.rejects(connected);
  },
);

test(
  "connect() with a signal that aborts stops that dialler and forgets it",
  async () => {
    const { transport, dialled } = counted(inproc({ isolated: true }));
    await using req = new ReqSocket({
      transports: [transport],
      reconnect: { initial: 5, max: 10 },
    });
    // Aborted before the dialler starts.
    const early = new AbortController();
    const first = req.connect("inproc://connections-abort", {
      signal: early.signal,
    });
    early.abort(new Error("changed my mind"));
    await assert.rejects(first, { message: "changed my mind" });
    assert.deepEqual(req.connections(), []);
    // Aborted while it dials.
    const late = new AbortController();
    const second = req.connect("inproc://connections-abort", {
      signal: late.signal,
    });
    await within(dialled(2), 5_000, "two failed dials");
    late.abort(new Error("gave up waiting"));
    await assert.rejects(second, { message: "gave up waiting" });
    assert.deepEqual(req.connections(), []);
  },
);
