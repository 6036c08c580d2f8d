/**
 * Interop role: a socket of `--type` (`pub`, `sub`, `req` or `rep`) that
 * only connects to `--connect`, to see a peer of the wrong type refuse it.
 * Prints `OUTCOME connected` or `OUTCOME refused <error name>: <message>`
 * (the connect is given up after 10 s, as `refused TimeoutError: …`); on
 * `CLOSE` (or stdin's end) closes and prints `CLOSED`.
 *
 * Flags: `--type <pub|sub|req|rep> --connect <endpoint>`.
 *
 * @module
 */

import { PubSocket, RepSocket, ReqSocket, SubSocket } from "../../../mod.ts";
import {
  expectLine,
  flags,
  required,
  runRole,
  say,
  stdinLines,
} from "./_role_io.ts";

function makeSocket(
  type: string,
): PubSocket | SubSocket | ReqSocket | RepSocket {
  switch (type) {
    case "pub":
      return new PubSocket();
    case "sub":
      return new SubSocket();
    case "req":
      return new ReqSocket();
    case "rep":
      return new RepSocket();
    default:
      throw new TypeError(`Cannot make a socket of type ${type}`);
  }
}

async function main(): Promise<void> {
  const read = stdinLines();
  const options = flags();
  const socket = makeSocket(required(options, "type"));
  try {
    await socket.connect(required(options, "connect"), {
      signal: AbortSignal.timeout(10_000),
    });
    say("OUTCOME connected");
  } catch (error) {
    const name = error instanceof Error ? error.name : typeof error;
    const message = error instanceof Error ? error.message : String(error);
    say(`OUTCOME refused ${name}: ${message.replaceAll("\n", " ")}`);
  }
  await expectLine(read, "CLOSE").catch(() => {});
  await socket.close();
  say("CLOSED");
}

await runRole(main);
