/**
 * Interop role: a subscriber. Connects to `--connect`, subscribes to
 * `interop.>`, prints `SUBSCRIBED`, then reads until it has seen message
 * `--count - 1`, checking every message: its index comes next (no gap, no
 * duplicate, in order), its payload, topic, sequence number and timestamp
 * are the expected ones. Prints `RESULT <json>` (counts, checksum, first
 * problem, stats); on `CLOSE` (or stdin's end) closes and prints `CLOSED`.
 *
 * With `--stall <ms>` it stops reading for that long halfway through, so
 * its queues fill up and a `policy: "block"` publisher must wait for it.
 *
 * Flags: `--connect <endpoint> --count <n> [--stall <ms>]
 * [--tls <TlsOptions json file>]`.
 *
 * @module
 */

import { type Message, SubSocket } from "../../../mod.ts";
import {
  checksum,
  expectLine,
  flags,
  indexOf,
  payloadOf,
  required,
  runRole,
  sameBytes,
  say,
  stdinLines,
  transportsFor,
} from "./_role_io.ts";

/** The publisher's salt for `interop.seq.*` (see pub_role.ts). */
const SALT = 0x1234;

interface Tally {
  received: number;
  missing: number;
  duplicates: number;
  badPayload: number;
  badTopic: number;
  badSeq: number;
  badTimestamp: number;
  first: string | undefined;
  sum: number;
  next: number;
  lastSeq: number;
}

function problem(tally: Tally, what: string): void {
  tally.first ??= `${what} (message ${tally.received} received)`;
}

/** Checks one message against what must come next; returns its index. */
function check(tally: Tally, msg: Message): number {
  const index = indexOf(msg.payload);
  tally.received++;
  if (index < tally.next) {
    tally.duplicates++;
    problem(
      tally,
      `index ${index} again or out of order, expected ${tally.next}`,
    );
    return index;
  }
  if (index > tally.next) {
    tally.missing += index - tally.next;
    problem(tally, `index ${index} came, expected ${tally.next}`);
  }
  tally.next = index + 1;
  if (!sameBytes(msg.payload, payloadOf(index, SALT))) {
    tally.badPayload++;
    problem(tally, `payload of ${index} differs`);
  }
  if (msg.topic !== `interop.seq.t${index % 4}`) {
    tally.badTopic++;
    problem(tally, `topic of ${index} is ${msg.topic}`);
  }
  if (msg.seq !== tally.lastSeq + 1) {
    tally.badSeq++;
    problem(tally, `seq ${msg.seq} after ${tally.lastSeq}`);
  }
  tally.lastSeq = msg.seq;
  if (Math.abs(Date.now() - msg.timestamp) > 120_000) {
    tally.badTimestamp++;
    problem(tally, `timestamp of ${index} is ${msg.timestamp}`);
  }
  tally.sum = checksum(tally.sum, msg.payload);
  return index;
}

async function main(): Promise<void> {
  const read = stdinLines();
  const options = flags();
  const count = Number(required(options, "count"));
  const transports = await transportsFor(options.get("tls"));
  const sub = new SubSocket(transports === undefined ? {} : { transports });
  await sub.connect(required(options, "connect"));
  await sub.subscribe("interop.>");
  say("SUBSCRIBED");
  const tally: Tally = {
    received: 0,
    missing: 0,
    duplicates: 0,
    badPayload: 0,
    badTopic: 0,
    badSeq: 0,
    badTimestamp: 0,
    first: undefined,
    sum: 0x811c9dc5,
    next: 0,
    lastSeq: 0,
  };
  const stallMs = Number(options.get("stall") ?? 0);
  for await (const msg of sub) {
    const index = check(tally, msg);
    if (index >= count - 1) break;
    if (stallMs > 0 && index === Math.floor(count / 2)) {
      await new Promise((resolve) => setTimeout(resolve, stallMs));
    }
  }
  const { next: _next, lastSeq: _lastSeq, ...counts } = tally;
  say(`RESULT ${JSON.stringify({ ...counts, stats: sub.stats })}`);
  await expectLine(read, "CLOSE").catch(() => {});
  await sub.close();
  say("CLOSED");
}

await runRole(main);
