/**
 * Request/reply behaviour every transport must give the same way.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  HandshakeError,
  PeerLostError,
  SocketClosedError,
} from "../../src/errors.ts";
import { RepSocket, type Request } from "../../src/socket/rep_socket.ts";
import { ReqSocket } from "../../src/socket/req_socket.ts";
import { SubSocket } from "../../src/socket/sub_socket.ts";
import { textCodec } from "../../src/codec/text_codec.ts";
import { msgpackCodec } from "../../src/codec/msgpack_codec.ts";
import { test, within } from "../_helpers/test.ts";
import type { SocketSetup } from "./_setups.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Answers every request with `answer(request)` until the socket closes. */
export async function serve<T>(
  rep: RepSocket<T>,
  answer: (req: Request<T>) => T | Promise<T>,
): Promise<void> {
  for await (const req of rep) {
    void Promise.resolve(answer(req)).then((reply) => req.respond(reply)).catch(
      () => {},
    );
  }
}

/** Declares the request/reply suite for one transport. */
export function reqRepConformance(setup: SocketSetup): void {
  const name = (what: string) => `[${setup.label}] ${what}`;

  test(name("ReqSocket.request() receives the RepSocket's reply"), async () => {
    const transports = await setup.transports();
    await using rep = new RepSocket({ transports });
    const endpoint = await rep.bind(setup.endpoint());
    const served = serve(rep, (req) => req.payload);
    await using req = new ReqSocket({ transports });
    await req.connect(endpoint);
    const reply = await req.request(encoder.encode("hello"));
    assert.equal(decoder.decode(reply), "hello");
    await req.close();
    await rep.close();
    await within(served, 5000, "the rep loop to end");
  });

  test(
    name(
      "ReqSocket and RepSocket carry requests and replies of every size to 1 MiB intact",
    ),
    async () => {
      const transports = await setup.transports();
      await using rep = new RepSocket({ transports });
      const endpoint = await rep.bind(setup.endpoint());
      // The reply reverses the request: a new array of the same size.
      const served = serve(rep, (req) => req.payload.slice().reverse());
      await using req = new ReqSocket({ transports });
      await req.connect(endpoint);
      const sizes = [0, 1, 16383, 16384, 65536, 65537, 262144, 1 << 20];
      const payloads = sizes.map((size, i) =>
        Uint8Array.from({ length: size }, (_, j) => (j * 7 + i) & 0xff)
      );
      const replies = await Promise.all(payloads.map((p) => req.request(p)));
      replies.forEach((reply, i) =>
        assert.deepEqual(
          reply,
          payloads[i]!.slice().reverse(),
          `size ${sizes[i]}`,
        )
      );
      await req.close();
      await rep.close();
      await within(served, 5000, "the rep loop to end");
    },
  );

  test(
    name(
      "ReqSocket and RepSocket send what a large payload held at the call, though the caller reuses the array",
    ),
    async () => {
      const transports = await setup.transports();
      await using rep = new RepSocket({ transports });
      const endpoint = await rep.bind(setup.endpoint());
      const reply = new Uint8Array(64 * 1024);
      const served = serve(rep, (req) => {
        reply.fill(req.payload[0]! + 100);
        return reply; // the same array for every reply
      });
      await using req = new ReqSocket({ transports });
      await req.connect(endpoint);
      const request = new Uint8Array(64 * 1024);
      const replies: Promise<Uint8Array>[] = [];
      for (let round = 1; round <= 5; round++) {
        request.fill(round);
        replies.push(req.request(request));
      }
      request.fill(0);
      const got = await Promise.all(replies);
      got.forEach((bytes, i) =>
        assert.ok(
          bytes.every((byte) => byte === i + 101),
          `reply ${i + 1} changed`,
        )
      );
      await req.close();
      await rep.close();
      await within(served, 5000, "the rep loop to end");
    },
  );

  test(name("RepSocket's respond() works taken off the request"), async () => {
    const transports = await setup.transports();
    await using rep = new RepSocket({ transports });
    const endpoint = await rep.bind(setup.endpoint());
    const served = (async () => {
      for await (const { payload, respond } of rep) await respond(payload);
    })();
    await using req = new ReqSocket({ transports });
    await req.connect(endpoint);
    assert.deepEqual(
      await req.request(Uint8Array.of(4, 2)),
      Uint8Array.of(4, 2),
    );
    await req.close();
    await rep.close();
    await within(served, 5000, "the rep loop to end");
  });

  test(
    name("ReqSocket matches 10,000 pipelined replies answered out of order"),
    async () => {
      const transports = await setup.transports();
      await using rep = new RepSocket({ transports, codec: msgpackCodec });
      const endpoint = await rep.bind(setup.endpoint());
      // Replies come back in a shuffled order: each waits a random number of microtasks/macrotasks.
      void serve(rep, async (r) => {
        const turns = (r.payload as number) % 7;
        for (let i = 0; i < turns; i++) {
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
        return (r.payload as number) * 2;
      });
      await using req = new ReqSocket({
        transports,
        codec: msgpackCodec,
        timeout: 60_000,
      });
      await req.connect(endpoint);
      const count = 10_000;
      const replies = await Promise.all(
        Array.from({ length: count }, (_, i) => req.request(i)),
      );
      assert.deepEqual(replies, Array.from({ length: count }, (_, i) => i * 2));
      assert.equal(req.stats.replies, count);
      assert.equal(req.stats.pending, 0);
    },
    { timeout: 90_000 },
  );

  test(
    name(
      "ReqSocket.request() rejects with TimeoutError when the rep never answers",
    ),
    async () => {
      const transports = await setup.transports();
      await using rep = new RepSocket({ transports });
      const endpoint = await rep.bind(setup.endpoint());
      await using req = new ReqSocket({ transports, timeout: 100 });
      await req.connect(endpoint);
      await assert.rejects(req.request(encoder.encode("x")), {
        name: "TimeoutError",
      });
      assert.equal(req.stats.timeouts, 1);
      assert.equal(req.stats.pending, 0);
    },
  );

  test(
    name("ReqSocket.request() times out from the call even with no connection"),
    async () => {
      const transports = await setup.transports();
      await using req = new ReqSocket({ transports });
      const start = performance.now();
      await assert.rejects(req.request(encoder.encode("x"), { timeout: 150 }), {
        name: "TimeoutError",
      });
      assert.ok(performance.now() - start >= 140);
    },
  );

  test(
    name("ReqSocket.connect() before RepSocket.bind() waits for the late bind"),
    async () => {
      const transports = await setup.transports();
      const endpoint = await freeEndpoint(setup, transports);
      await using req = new ReqSocket({
        transports,
        codec: textCodec,
        reconnect: { initial: 20, max: 100 },
      });
      const connected = req.connect(endpoint);
      const reply = req.request("late");
      await using rep = new RepSocket({ transports, codec: textCodec });
      await rep.bind(endpoint);
      void serve(rep, (r) => r.payload + "!");
      await within(connected, 10_000, "the late connection");
      assert.equal(await reply, "late!");
    },
  );

  test(
    name("ReqSocket spreads requests round-robin over several reps"),
    async () => {
      const transports = await setup.transports();
      const reps = [
        new RepSocket({ transports, codec: textCodec }),
        new RepSocket({ transports, codec: textCodec }),
      ];
      await using req = new ReqSocket({ transports, codec: textCodec });
      for (const [i, rep] of reps.entries()) {
        await req.connect(await rep.bind(setup.endpoint()));
        void serve(rep, () => String(i));
      }
      const replies = await Promise.all(
        Array.from({ length: 10 }, () => req.request("?")),
      );
      assert.equal(replies.filter((r) => r === "0").length, 5);
      assert.equal(replies.filter((r) => r === "1").length, 5);
      await Promise.all(reps.map((rep) => rep.close()));
    },
  );

  test(
    name(
      "ReqSocket.request() fails fast with PeerLostError when the rep goes away",
    ),
    async () => {
      const transports = await setup.transports();
      const rep = new RepSocket({ transports });
      const endpoint = await rep.bind(setup.endpoint());
      await using req = new ReqSocket({
        transports,
        timeout: 30_000,
        reconnect: { initial: 10_000 },
      });
      await req.connect(endpoint);
      const received = rep[Symbol.asyncIterator]().next();
      const rejected = assert.rejects(
        req.request(encoder.encode("never answered")),
        PeerLostError,
      );
      await within(received, 5000, "the request to arrive");
      await rep.close();
      await within(rejected, 10_000, "the rejection");
      assert.equal(req.stats.peerLost, 1);
    },
  );

  test(
    name("ReqSocket with retry sends an orphaned request again to another rep"),
    async () => {
      const transports = await setup.transports();
      const silent = new RepSocket({ transports, codec: textCodec });
      await using answering = new RepSocket({ transports, codec: textCodec });
      await using req = new ReqSocket({
        transports,
        codec: textCodec,
        retry: true,
        reconnect: { initial: 10_000 },
      });
      await req.connect(await silent.bind(setup.endpoint()));
      const first = silent[Symbol.asyncIterator]().next();
      const reply = req.request("idempotent");
      await within(first, 5000, "the first delivery");
      await req.connect(await answering.bind(setup.endpoint()));
      void serve(answering, (r) => r.payload.toUpperCase());
      await silent.close();
      assert.equal(
        await within(reply, 10_000, "the retried reply"),
        "IDEMPOTENT",
      );
      assert.equal(req.stats.retried, 1);
    },
  );

  test(
    name("RepSocket.respond() to a departed peer rejects with PeerLostError"),
    async () => {
      const transports = await setup.transports();
      await using rep = new RepSocket({ transports });
      const endpoint = await rep.bind(setup.endpoint());
      const req = new ReqSocket({ transports, timeout: 30_000 });
      await req.connect(endpoint);
      void req.request(encoder.encode("bye")).catch(() => {});
      const { value } = await within(
        rep[Symbol.asyncIterator]().next(),
        5000,
        "the request",
      );
      const gone = new Promise<void>((resolve) =>
        rep.addEventListener("disconnect", () => resolve(), { once: true })
      );
      await req.close();
      await within(gone, 5000, "the disconnect");
      await assert.rejects(
        value!.respond(encoder.encode("late")),
        PeerLostError,
      );
    },
  );

  test(
    name("ReqSocket waits for room past maxPending, or fails fast when asked"),
    async () => {
      const transports = await setup.transports();
      await using rep = new RepSocket({ transports });
      const endpoint = await rep.bind(setup.endpoint());
      await using req = new ReqSocket({
        transports,
        maxPending: 2,
        timeout: 30_000,
      });
      await req.connect(endpoint);
      const a = await req.send(encoder.encode("a"));
      const b = await req.send(encoder.encode("b"));
      let thirdSent = false;
      const third = req.send(encoder.encode("c")).then((
        p,
      ) => (thirdSent = true, p));
      await Promise.resolve();
      assert.equal(thirdSent, false);
      const iterator = rep[Symbol.asyncIterator]();
      const first = await within(iterator.next(), 5000, "the first request");
      await first.value!.respond(encoder.encode("A"));
      assert.equal(decoder.decode(await a.reply), "A");
      const c = await within(third, 5000, "room for the third request");
      await using strict = new ReqSocket({
        transports,
        maxPending: 1,
        failFast: true,
      });
      await strict.connect(endpoint);
      const held = await strict.send(encoder.encode("held"));
      await assert.rejects(strict.send(encoder.encode("over")), {
        name: "HighWaterMarkError",
      });
      await req.close();
      await strict.close();
      await assert.rejects(b.reply, SocketClosedError);
      await assert.rejects(c.reply, SocketClosedError);
      await assert.rejects(held.reply, SocketClosedError);
    },
  );

  test(
    name("SubSocket.connect() to a RepSocket fails with HandshakeError"),
    async () => {
      const transports = await setup.transports();
      await using rep = new RepSocket({ transports });
      const endpoint = await rep.bind(setup.endpoint());
      await using sub = new SubSocket({ transports });
      await assert.rejects(sub.connect(endpoint), (error: unknown) => {
        assert.ok(error instanceof HandshakeError);
        assert.equal(error.reason, "socket-type");
        return true;
      });
    },
  );

  test(
    name(
      "RepSocket.close() in the middle of traffic ends iteration and rejects pending requests",
    ),
    async () => {
      const transports = await setup.transports();
      const rep = new RepSocket({ transports });
      const endpoint = await rep.bind(setup.endpoint());
      const served = serve(rep, (r) => r.payload);
      await using req = new ReqSocket({
        transports,
        timeout: 30_000,
        reconnect: { initial: 10_000 },
      });
      await req.connect(endpoint);
      const results = Array.from(
        { length: 500 },
        () => req.request(new Uint8Array(64)).then(() => "ok", (e) => e.name),
      );
      await results[0];
      await rep.close();
      await within(served, 5000, "the rep loop to end");
      const outcomes = await within(
        Promise.all(results),
        10_000,
        "every request to settle",
      );
      assert.ok(
        outcomes.every((o) => o === "ok" || o === "PeerLostError"),
        outcomes.join(),
      );
    },
  );
}

/** An endpoint nobody is bound to yet, that can be bound later. */
export async function freeEndpoint(
  setup: SocketSetup,
  transports: readonly unknown[],
): Promise<string> {
  const endpoint = setup.endpoint();
  if (!/:0$/.test(endpoint)) return endpoint;
  // A port the OS just handed out and released: bound again a moment later.
  const probe = new RepSocket({ transports: transports as never });
  const bound = await probe.bind(endpoint);
  await probe.close();
  return bound;
}
