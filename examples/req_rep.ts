/**
 * Request/reply in any runtime: a service that answers MessagePack requests
 * over a unix socket, and a client with many requests in flight.
 *
 * Run: `bun examples/req_rep.ts`, or `deno run -A examples/req_rep.ts`.
 *
 * @module
 */

import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Codec, msgpackCodec, RepSocket, ReqSocket } from "../mod.ts";

// deno-lint-ignore no-console
const log = console.log;

interface Sum {
  a: number;
  b: number;
}
const codec = msgpackCodec as Codec<Sum | number>;

await using rep = new RepSocket({ codec });
const endpoint = await rep.bind(
  `ipc://${join(tmpdir(), `msg-ts-example-${Date.now()}.sock`)}`,
);
(async () => {
  for await (const req of rep) {
    const { a, b } = req.payload as Sum;
    await req.respond(a + b);
  }
})();

await using req = new ReqSocket({ codec, timeout: 2_000 });
await req.connect(endpoint);
const sums = await Promise.all(
  Array.from({ length: 5 }, (_, i) => req.request({ a: i, b: i * 10 })),
);
log(`sums: ${sums.join(", ")}`);
log(
  `rtt p50 ${
    req.stats.rtt.p50.toFixed(3)
  } ms over ${req.stats.replies} replies`,
);
