/**
 * The msg-ts demo: a small market-data service over real sockets.
 *
 * - A publisher streams prices over TCP; two subscribers with different
 *   patterns (`prices.>` and `prices.*.usd`) each get what they asked for.
 * - A quote service answers requests over a unix socket, with MessagePack
 *   payloads; a client pipelines a batch of requests.
 * - Every socket's counters are printed at the end; everything closes and
 *   the process ends by itself.
 *
 * Run: `deno task demo` (or `npm run demo`).
 *
 * @module
 */

import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  msgpackCodec,
  PubSocket,
  RepSocket,
  ReqSocket,
  SubSocket,
  textCodec,
} from "../mod.ts";

// deno-lint-ignore no-console
const log = console.log;

const PRICES: Record<string, number> = {
  "btc.usd": 97_000,
  "eth.usd": 3_400,
  "btc.eur": 91_000,
};

async function pubSub(): Promise<void> {
  await using pub = new PubSocket({ codec: textCodec, timestamps: true });
  const endpoint = await pub.bind("tcp://127.0.0.1:0");
  log(`pub   bound ${endpoint}`);

  await using all = new SubSocket({ codec: textCodec });
  await using usd = new SubSocket({ codec: textCodec });
  await all.connect(endpoint);
  await usd.connect(endpoint);
  await all.subscribe("prices.>");
  await usd.subscribe("prices.*.usd");
  log(
    "sub   subscribed to prices.> and prices.*.usd (confirmed by the publisher)",
  );

  const ticks = 3;
  for (let tick = 0; tick < ticks; tick++) {
    for (const [pair, base] of Object.entries(PRICES)) {
      await pub.publish(
        `prices.${pair}`,
        (base * (1 + tick / 1000)).toFixed(2),
      );
    }
  }
  const read = async (name: string, sub: SubSocket<string>, count: number) => {
    let n = 0;
    for await (const msg of sub) {
      log(
        `${name} ${msg.topic.padEnd(16)} ${
          msg.payload.padStart(10)
        }  seq ${msg.seq}`,
      );
      if (++n === count) break;
    }
  };
  await read("all  ", all, ticks * 3);
  await read("usd  ", usd, ticks * 2);
  const s = pub.stats;
  log(
    `pub   published ${s.published}, delivered ${s.delivered}, dropped ${s.dropped}`,
  );
}

interface Quote {
  pair: string;
  amount: number;
}

async function reqRep(): Promise<void> {
  const path = join(tmpdir(), `msg-ts-demo-quotes-${Date.now()}.sock`);
  await using rep = new RepSocket<unknown>({ codec: msgpackCodec });
  const endpoint = await rep.bind(`ipc://${path}`);
  log(`rep   bound ${endpoint}`);
  (async () => {
    for await (const req of rep) {
      const { pair, amount } = req.payload as Quote;
      await req.respond({ pair, amount, total: (PRICES[pair] ?? 0) * amount });
    }
  })();

  await using req = new ReqSocket<unknown>({
    codec: msgpackCodec,
    timeout: 2_000,
  });
  await req.connect(endpoint);
  const asks: Quote[] = [{ pair: "btc.usd", amount: 0.5 }, {
    pair: "eth.usd",
    amount: 2,
  }, {
    pair: "btc.eur",
    amount: 0.1,
  }];
  const replies = await Promise.all(asks.map((ask) => req.request(ask)));
  for (const reply of replies) log(`req   quote ${JSON.stringify(reply)}`);
  const s = req.stats;
  log(
    `req   ${s.requests} requests, ${s.replies} replies, rtt p50 ${
      s.rtt.p50.toFixed(3)
    } ms`,
  );
}

await pubSub();
await reqRep();
log("done: every socket closed");
