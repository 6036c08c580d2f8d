/**
 * Memory bound of a publisher with a subscriber that never reads.
 *
 * Publishes 1,000,000 messages of 1 KiB (`--count`, `--size`) under the
 * default drop policy to a subscriber in the same process that stops reading
 * at once, and prints the resident set size growth next to the bound the
 * high-water marks imply (hwm × size per queue, plus transport buffers).
 *
 * Run: `deno run -A bench/slow_subscriber_memory.ts [--count N] [--size B] [--endpoint URL]`
 *
 * @module
 */

import { PubSocket, SubSocket } from "../mod.ts";

function flag(name: string, fallback: string): string {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Deno.args[i + 1] ?? fallback : fallback;
}

const count = Number(flag("count", "1000000"));
const size = Number(flag("size", "1024"));
const endpoint = flag("endpoint", "tcp://127.0.0.1:0");
const hwm = 1024;
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);

const pub = new PubSocket({ hwm });
const bound = await pub.bind(endpoint);
const sub = new SubSocket({ hwm });
await sub.connect(bound);
await sub.subscribe("t");

const payload = new Uint8Array(size);
const before = Deno.memoryUsage().rss;
let peak = before;
const t0 = performance.now();
for (let i = 0; i < count; i++) {
  await pub.publish("t", payload);
  if ((i & 0xffff) === 0) peak = Math.max(peak, Deno.memoryUsage().rss);
}
peak = Math.max(peak, Deno.memoryUsage().rss);
const seconds = (performance.now() - t0) / 1000;
const s = pub.stats.subscribers[0]!;
const bound_ = 2 * hwm * (size + 64);
// deno-lint-ignore no-console
console.log(JSON.stringify({
  published: count,
  payloadBytes: size,
  delivered: s.delivered,
  dropped: s.dropped,
  accountedFor: s.delivered + s.dropped === count,
  rssBeforeMB: mb(before),
  rssPeakGrowthMB: mb(peak - before),
  queueBoundMB: mb(bound_),
  publishRate: Math.round(count / seconds),
}));
await sub.close();
await pub.close();
