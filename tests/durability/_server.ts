/**
 * A server run as a child process by the durability tests, in the same
 * runtime as the tests: `<script> <kind> <endpoint>`.
 *
 * - `rep`: echoes every request.
 * - `rep-hold`: echoes, except requests whose text starts with `hold`,
 *   which it never answers (it reports them as `{"held": text}`).
 * - `pub`: publishes on command. Right after binding, before any subscriber
 *   can connect, it publishes 10 messages on `early.n` (nobody gets them).
 *
 * It prints one JSON object per line: first `{"ready": endpoint}`. A `pub`
 * reads one JSON command per line on stdin: `{"publish": [topics]}` (the
 * payload is the topic) answers `{"published": n, "stats": …}`, and
 * `{"stats": true}` answers `{"stats": …}`. It exits when stdin ends, so it
 * never outlives the test that started it.
 *
 * @module
 */

import process from "node:process";
import { createInterface } from "node:readline";
import { PubSocket } from "../../src/socket/pub_socket.ts";
import { RepSocket } from "../../src/socket/rep_socket.ts";

function say(line: unknown): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const [kind = "", endpoint = ""] = process.argv.slice(-2);

async function serveRep(hold: boolean): Promise<void> {
  const rep = new RepSocket();
  say({ ready: await rep.bind(endpoint) });
  for await (const request of rep) {
    const text = decoder.decode(request.payload);
    if (hold && text.startsWith("hold")) say({ held: text });
    else void request.respond(request.payload).catch(() => {});
  }
}

function pubStats(pub: PubSocket): unknown {
  const { published, delivered, dropped, subscribers } = pub.stats;
  return {
    published,
    delivered,
    dropped,
    patterns: subscribers.map((s) => s.patterns.length),
  };
}

async function servePub(): Promise<void> {
  const pub = new PubSocket({ hwm: 100_000 });
  const bound = await pub.bind(endpoint);
  for (let i = 0; i < 10; i++) {
    await pub.publish("early.n", encoder.encode("early.n"));
  }
  say({ ready: bound });
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const command = JSON.parse(line) as { publish?: string[] };
    if (command.publish === undefined) {
      say({ stats: pubStats(pub) });
      continue;
    }
    for (const topic of command.publish) {
      await pub.publish(topic, encoder.encode(topic));
    }
    say({ published: command.publish.length, stats: pubStats(pub) });
  }
}

process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
const served = kind === "pub" ? servePub() : serveRep(kind === "rep-hold");
served.catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
