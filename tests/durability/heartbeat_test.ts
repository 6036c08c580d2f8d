/**
 * Heartbeats: a peer that stops answering is found dead within
 * `heartbeatTimeout` and the dialler replaces the connection; a live idle
 * connection stays up.
 *
 * @module
 */

import assert from "node:assert/strict";
import { ConnectionError } from "../../src/errors.ts";
import { simulate } from "../../src/sim/simulate.ts";
import { RepSocket } from "../../src/socket/rep_socket.ts";
import { ReqSocket } from "../../src/socket/req_socket.ts";
import { inproc } from "../../src/transport/inproc_transport.ts";
import type { Connection, Transport } from "../../src/transport/transport.ts";
import { test, within } from "../_helpers/test.ts";
import { serve } from "../socket/_reqrep_conformance.ts";
import { measured, nextEvent } from "./_events.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

test(
  "ReqSocket finds a blackholed RepSocket dead within heartbeatTimeout and connects again once the network heals",
  async () => {
    const timeout = 1000;
    const sim = simulate(inproc({ isolated: true }), { seed: 1 });
    const options = {
      transports: [sim],
      heartbeatInterval: 100,
      heartbeatTimeout: timeout,
    };
    // The Rep would find the Req silent too: it waits longer, so that the
    // Req is the one to tell.
    await using rep = new RepSocket({ ...options, heartbeatTimeout: 60_000 });
    const endpoint = await rep.bind("inproc://heartbeat-dead");
    void serve(rep, (r) => r.payload);
    await using req = new ReqSocket({
      ...options,
      reconnect: { initial: 20, max: 200 },
    });
    await req.connect(endpoint);
    assert.equal(decoder.decode(await req.request(encoder.encode("a"))), "a");
    const firstPeer = req.connections()[0]?.peerId;

    const disconnected = nextEvent(req, "disconnect");
    const cutAt = performance.now();
    sim.partition(); // both ways: writes accepted, nothing arrives
    const dead = await within(disconnected, timeout + 5_000, "disconnect");
    const detection = dead.at - cutAt;
    measured(`dead peer found (heartbeatTimeout ${timeout} ms)`, detection);
    assert.ok(dead.detail.cause instanceof ConnectionError);
    assert.equal(dead.detail.cause.code, "timeout");
    // Not before the timeout, less what arrived just before the cut.
    assert.ok(detection >= timeout - 300, `found dead after ${detection} ms`);

    const reconnected = nextEvent(req, "reconnect");
    sim.heal();
    const back = await within(reconnected, 5_000, "reconnect");
    assert.equal(back.detail.cause, dead.detail.cause);
    assert.notEqual(back.detail.peerId, firstPeer);
    assert.equal(decoder.decode(await req.request(encoder.encode("b"))), "b");
    assert.equal(req.stats.reconnects, 1);
  },
  { timeout: 30_000 },
);

/**
 * Wraps `inner` so that `onChunk` sees every chunk the dialling side reads.
 */
function watched(inner: Transport, onChunk: () => void): Transport {
  return {
    scheme: inner.scheme,
    listen: (endpoint) => inner.listen(endpoint),
    async connect(endpoint, options): Promise<Connection> {
      const conn = await inner.connect(endpoint, options);
      const counter = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          onChunk();
          controller.enqueue(chunk);
        },
      });
      return {
        readable: conn.readable.pipeThrough(counter),
        writable: conn.writable,
        localAddress: conn.localAddress,
        remoteAddress: conn.remoteAddress,
        closed: conn.closed,
        close: () => conn.close(),
      };
    },
  };
}

test(
  "A live idle connection survives many heartbeat timeouts",
  async () => {
    const timeout = 800;
    const idleFor = 3 * timeout;
    const start = performance.now();
    let resolve!: (elapsed: number) => void;
    const idled = new Promise<number>((r) => resolve = r);
    // Only heartbeat frames flow: wait until they have kept the
    // connection alive for three timeouts.
    const transport = watched(inproc({ isolated: true }), () => {
      const elapsed = performance.now() - start;
      if (elapsed >= idleFor) resolve(elapsed);
    });
    const options = { heartbeatInterval: 100, heartbeatTimeout: timeout };
    await using rep = new RepSocket({ ...options, transports: [transport] });
    const endpoint = await rep.bind("inproc://heartbeat-idle");
    void serve(rep, (r) => r.payload);
    await using req = new ReqSocket({ ...options, transports: [transport] });
    let lost = 0;
    req.addEventListener("disconnect", () => lost++);
    await req.connect(endpoint);
    const peerId = req.connections()[0]?.peerId;

    await within(idled, idleFor + 10_000, "heartbeats to flow");
    assert.equal(lost, 0);
    assert.equal(req.connections()[0]?.peerId, peerId);
    assert.equal(decoder.decode(await req.request(encoder.encode("c"))), "c");
    assert.equal(req.stats.disconnects, 0);
    assert.equal(rep.stats.disconnects, 0);
  },
  { timeout: 30_000 },
);
