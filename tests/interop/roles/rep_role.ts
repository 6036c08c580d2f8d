/**
 * Interop role: a reply service. Binds `--bind`, prints `READY <endpoint>`
 * and answers every request with `replyOf(request)`. Prints
 * `REFUSED <error name>: <message>` for each connection it refuses (its
 * `error` events). On `CLOSE` (or stdin's end) prints `RESULT <json>`
 * (stats, requests per salt), closes and prints `CLOSED`.
 *
 * Flags: `--bind <endpoint> [--tls <TlsOptions json file>]`.
 *
 * @module
 */

import { RepSocket } from "../../../mod.ts";
import {
  expectLine,
  flags,
  replyOf,
  required,
  runRole,
  say,
  stdinLines,
  transportsFor,
} from "./_role_io.ts";

/** Answers until the socket closes; counts requests by their salt. */
async function serve(
  rep: RepSocket,
  bySalt: Record<string, number>,
): Promise<void> {
  for await (const request of rep) {
    const payload = request.payload;
    const salt = payload.byteLength >= 8
      ? new DataView(payload.buffer, payload.byteOffset, 8).getUint32(4)
      : -1;
    bySalt[salt] = (bySalt[salt] ?? 0) + 1;
    await request.respond(replyOf(payload));
  }
}

async function main(): Promise<void> {
  const read = stdinLines();
  const options = flags();
  const transports = await transportsFor(options.get("tls"));
  const rep = new RepSocket(transports === undefined ? {} : { transports });
  const endpoint = await rep.bind(required(options, "bind"));
  rep.addEventListener("error", (event) => {
    const { name, message } = event.detail.error;
    say(`REFUSED ${name}: ${message.replaceAll("\n", " ")}`);
  });
  const bySalt: Record<string, number> = {};
  const serving = serve(rep, bySalt);
  say(`READY ${endpoint}`);
  await expectLine(read, "CLOSE").catch(() => {});
  say(`RESULT ${JSON.stringify({ bySalt, stats: rep.stats })}`);
  await rep.close();
  await serving;
  say("CLOSED");
}

await runRole(main);
