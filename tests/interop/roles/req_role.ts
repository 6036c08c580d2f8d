/**
 * Interop role: a client. Connects to `--connect`, prints `CONNECTED`,
 * waits for `GO`, then sends `--count` requests `payloadOf(i, salt)` with up
 * to `--window` in flight, and checks each reply is `replyOf(request)`.
 * Prints `RESULT <json>` (counts, first problem, stats); on `CLOSE` (or
 * stdin's end) closes and prints `CLOSED`.
 *
 * Flags: `--connect <endpoint> --count <n> --salt <n> --window <n>
 * [--tls <TlsOptions json file>]`.
 *
 * @module
 */

import { ReqSocket } from "../../../mod.ts";
import {
  expectLine,
  flags,
  payloadOf,
  replyOf,
  required,
  runRole,
  sameBytes,
  say,
  stdinLines,
  transportsFor,
} from "./_role_io.ts";

interface Tally {
  ok: number;
  mismatches: number;
  errors: number;
  first: string | undefined;
}

/** One of `window` loops: takes the next index until all are sent. */
async function worker(
  req: ReqSocket,
  next: { index: number; count: number; salt: number },
  tally: Tally,
): Promise<void> {
  while (next.index < next.count) {
    const index = next.index++;
    const payload = payloadOf(index, next.salt);
    try {
      const reply = await req.request(payload);
      if (sameBytes(reply, replyOf(payload))) {
        tally.ok++;
      } else {
        tally.mismatches++;
        tally.first ??= `reply to ${index} differs`;
      }
    } catch (error) {
      tally.errors++;
      tally.first ??= `request ${index} failed: ${String(error)}`;
    }
  }
}

async function main(): Promise<void> {
  const read = stdinLines();
  const options = flags();
  const count = Number(required(options, "count"));
  const salt = Number(required(options, "salt"));
  const window = Number(required(options, "window"));
  const transports = await transportsFor(options.get("tls"));
  const req = new ReqSocket({
    timeout: 30_000,
    ...(transports === undefined ? {} : { transports }),
  });
  await req.connect(required(options, "connect"));
  say("CONNECTED");
  await expectLine(read, "GO");
  const tally: Tally = { ok: 0, mismatches: 0, errors: 0, first: undefined };
  const next = { index: 0, count, salt };
  const workers = Array.from(
    { length: window },
    () => worker(req, next, tally),
  );
  await Promise.all(workers);
  say(`RESULT ${JSON.stringify({ ...tally, stats: req.stats })}`);
  await expectLine(read, "CLOSE").catch(() => {});
  await req.close();
  say("CLOSED");
}

await runRole(main);
