/**
 * Model-based test of request/reply: any interleaving of sends and
 * out-of-order answers gives every request its own reply, and close fails
 * exactly the requests still open.
 *
 * @module
 */

import assert from "node:assert/strict";
import { SocketClosedError } from "../../src/errors.ts";
import { RepSocket, type Request } from "../../src/socket/rep_socket.ts";
import { type PendingReply, ReqSocket } from "../../src/socket/req_socket.ts";
import { msgpackCodec } from "../../src/codec/msgpack_codec.ts";
import { inproc } from "../../src/transport/inproc_transport.ts";
import { fc } from "../_helpers/fc.ts";
import { test, within } from "../_helpers/test.ts";

interface Model {
  open: number[];
  nextValue: number;
}

interface Real {
  req: ReqSocket<unknown>;
  replies: Map<number, PendingReply<unknown>>;
  received(value: number): Promise<Request<unknown>>;
}

class Send implements fc.AsyncCommand<Model, Real> {
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    const value = model.nextValue++;
    model.open.push(value);
    real.replies.set(value, await real.req.send(value));
    assert.equal(real.req.stats.pending, model.open.length);
  }
  toString(): string {
    return "send";
  }
}

class Answer implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check(model: Readonly<Model>): boolean {
    return model.open.length > 0;
  }
  async run(model: Model, real: Real): Promise<void> {
    const [value] = model.open.splice(this.pick % model.open.length, 1) as [
      number,
    ];
    const request = await within(
      real.received(value),
      5000,
      `request ${value}`,
    );
    await request.respond({ answer: value * 10 });
    const reply = await within(
      real.replies.get(value)!.reply,
      5000,
      `reply ${value}`,
    );
    assert.deepEqual(reply, { answer: value * 10 });
    assert.equal(real.req.stats.pending, model.open.length);
  }
  toString(): string {
    return `answer(${this.pick})`;
  }
}

test(
  "ReqSocket matches every reply to its request under any interleaving, and close fails the rest",
  async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.commands([
          fc.constant(new Send()),
          fc.nat(50).map((n) => new Answer(n)),
        ], { maxCommands: 40 }),
        async (commands) => {
          const transports = [inproc()];
          const endpoint = `inproc://req-model-${run++}`;
          const rep = new RepSocket({ transports, codec: msgpackCodec });
          const req = new ReqSocket({
            transports,
            codec: msgpackCodec,
            timeout: 60_000,
          });
          const arrived = new Map<number, Request<unknown>>();
          const waiters = new Map<number, (r: Request<unknown>) => void>();
          const collect = (async () => {
            for await (const r of rep) {
              const value = r.payload as number;
              arrived.set(value, r);
              waiters.get(value)?.(r);
            }
          })();
          const received = (value: number) =>
            arrived.has(value)
              ? Promise.resolve(arrived.get(value)!)
              : new Promise<Request<unknown>>((resolve) =>
                waiters.set(value, resolve)
              );
          const model: Model = { open: [], nextValue: 0 };
          const replies = new Map<number, PendingReply<unknown>>();
          try {
            await rep.bind(endpoint);
            await req.connect(endpoint);
            await fc.asyncModelRun(
              () => ({ model, real: { req, replies, received } }),
              commands,
            );
          } finally {
            await req.close();
            await rep.close();
            await collect;
          }
          for (const value of model.open) {
            await assert.rejects(replies.get(value)!.reply, SocketClosedError);
          }
        },
      ),
      { numRuns: 30 },
    );
  },
  { timeout: 120_000 },
);
