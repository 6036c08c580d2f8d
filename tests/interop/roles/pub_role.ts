/**
 * Interop role: a publisher. Binds `--bind`, prints `READY <endpoint>`,
 * waits for `GO`, publishes `--count` messages on `interop.seq.t0` to
 * `interop.seq.t3` (plus one `noise.*` message per 100, which no subscriber
 * wants), with `policy: "block"` so nothing may be lost, then prints
 * `PUBLISHED <json>` (count, checksum, longest `publish()` wait in ms,
 * stats). On `CLOSE` (or stdin's end)
 * it closes and prints `CLOSED`.
 *
 * Flags: `--bind <endpoint> --count <n> [--tls <TlsOptions json file>]`.
 *
 * @module
 */

import { PubSocket } from "../../../mod.ts";
import {
  checksum,
  expectLine,
  flags,
  payloadOf,
  required,
  runRole,
  say,
  stdinLines,
  transportsFor,
} from "./_role_io.ts";

/** The salt of every message on the `interop.seq.*` topics. */
const SALT = 0x1234;
/** The salt of messages on `noise.*`, which no subscriber asked for. */
const NOISE_SALT = 0xdead;

async function main(): Promise<void> {
  const read = stdinLines();
  const options = flags();
  const count = Number(required(options, "count"));
  const transports = await transportsFor(options.get("tls"));
  const pub = new PubSocket({
    policy: "block",
    hwm: 64,
    timestamps: true,
    ...(transports === undefined ? {} : { transports }),
  });
  const endpoint = await pub.bind(required(options, "bind"));
  say(`READY ${endpoint}`);
  await expectLine(read, "GO");
  let sum = 0x811c9dc5;
  let noise = 0;
  let longestWait = 0;
  for (let i = 0; i < count; i++) {
    if (i % 100 === 50) {
      await pub.publish(`noise.n${i}`, payloadOf(i, NOISE_SALT));
      noise++;
    }
    const payload = payloadOf(i, SALT);
    sum = checksum(sum, payload);
    const began = performance.now();
    await pub.publish(`interop.seq.t${i % 4}`, payload);
    longestWait = Math.max(longestWait, performance.now() - began);
  }
  const stats = pub.stats;
  say(`PUBLISHED ${JSON.stringify({ count, noise, sum, longestWait, stats })}`);
  await expectLine(read, "CLOSE").catch(() => {});
  await pub.close();
  say("CLOSED");
}

await runRole(main);
