/**
 * Publish/subscribe in any runtime: a publisher and two subscribers with
 * different patterns over TCP, then everything closes.
 *
 * Run: `bun examples/pub_sub.ts`, or `deno run -A examples/pub_sub.ts`.
 *
 * @module
 */

import { PubSocket, SubSocket, textCodec } from "../mod.ts";

// deno-lint-ignore no-console
const log = console.log;

await using pub = new PubSocket({ codec: textCodec });
const endpoint = await pub.bind("tcp://127.0.0.1:0");
await using weather = new SubSocket({ codec: textCodec });
await using everything = new SubSocket({ codec: textCodec });
for (const sub of [weather, everything]) await sub.connect(endpoint);
await weather.subscribe("weather.*");
await everything.subscribe(">");

await pub.publish("weather.paris", "12°C, light rain");
await pub.publish("traffic.a6", "slow near Orly");
await pub.publish("weather.oslo", "-3°C, snow");

async function show(
  name: string,
  sub: SubSocket<string>,
  count: number,
): Promise<void> {
  let n = 0;
  for await (const msg of sub) {
    log(`${name} got ${msg.topic}: ${msg.payload}`);
    if (++n === count) return;
  }
}
await show("weather   ", weather, 2);
await show("everything", everything, 3);
