/**
 * What every interop role shares, in Deno, Bun and Node alike (Node runs the
 * same file compiled by tsc, see ../lib/node_build.mjs): its `--name value`
 * flags, the line protocol with the orchestrator (words on stdout, commands
 * on stdin), the test payloads and checksum, and the transports when TLS is
 * asked for.
 *
 * A role prints one word per line, maybe followed by a space and data
 * (`READY tcp://127.0.0.1:40123`, `RESULT {…}`). A role that fails prints
 * `ERROR <message>` and exits with code 1.
 *
 * @module
 */

import { readFileSync } from "node:fs";
import process from "node:process";
import type { TlsOptions, Transport } from "../../../mod.ts";
import { runtimeName } from "../../_helpers/runtime.ts";

/** Reads the next stdin line; `undefined` once stdin has ended. */
export type LineReader = () => Promise<string | undefined>;

/** Reads `--name value` pairs from the command line. */
export function flags(): Map<string, string> {
  const args = process.argv.slice(2);
  const found = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i] ?? "";
    const value = args[i + 1];
    if (!name.startsWith("--") || value === undefined) {
      throw new TypeError(
        `Cannot read flags: expected --name value at ${name}`,
      );
    }
    found.set(name.slice(2), value);
  }
  return found;
}

/** A flag that must be there. */
export function required(options: Map<string, string>, name: string): string {
  const value = options.get(name);
  if (value === undefined) throw new TypeError(`Cannot run: --${name} missing`);
  return value;
}

/** Prints one protocol line for the orchestrator. */
export function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Starts reading stdin at once, so no command is missed, line by line. */
export function stdinLines(): LineReader {
  const lines: string[] = [];
  const waiters: Array<(line: string | undefined) => void> = [];
  let rest = "";
  let ended = false;
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (chunk: string) => {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop() ?? "";
    for (const part of parts) {
      const waiter = waiters.shift();
      if (waiter === undefined) lines.push(part.trim());
      else waiter(part.trim());
    }
  });
  process.stdin.on("end", () => {
    ended = true;
    for (const waiter of waiters.splice(0)) waiter(undefined);
  });
  return () => {
    if (lines.length > 0) return Promise.resolve(lines.shift());
    if (ended) return Promise.resolve(undefined);
    return new Promise((resolve) => waiters.push(resolve));
  };
}

/** Waits for a command line; stdin ending first is an error. */
export async function expectLine(
  read: LineReader,
  word: string,
): Promise<void> {
  for (;;) {
    const line = await read();
    if (line === undefined) {
      throw new Error(`Cannot wait for ${word}: stdin ended`);
    }
    if (line === word) return;
  }
}

/**
 * The payload of message `index` for a sender `salt`: 4 bytes of index, 4 of
 * salt, then filler that depends on both. Sizes vary from 8 to 207 bytes,
 * and every 997th payload is 70,000 bytes, so frames cross chunk borders.
 */
export function payloadOf(index: number, salt: number): Uint8Array {
  const size = index % 997 === 996 ? 70_000 : 8 + (index * 7919) % 200;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, index);
  view.setUint32(4, salt);
  for (let k = 8; k < size; k++) bytes[k] = (index + k * 31 + salt) & 255;
  return bytes;
}

/** The index a payload from `payloadOf()` carries. */
export function indexOf(payload: Uint8Array): number {
  if (payload.byteLength < 4) return -1;
  return new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0);
}

/** What a rep role answers: the request reversed, each byte XOR 0x5a. */
export function replyOf(request: Uint8Array): Uint8Array {
  const reply = new Uint8Array(request.byteLength);
  const last = request.byteLength - 1;
  for (let k = 0; k <= last; k++) reply[k] = (request[last - k] ?? 0) ^ 0x5a;
  return reply;
}

/** Whether two byte arrays hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let k = 0; k < a.byteLength; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** Folds a payload into a running FNV-1a checksum (start with 0x811c9dc5). */
export function checksum(sum: number, payload: Uint8Array): number {
  let hash = sum;
  for (let k = 0; k < payload.byteLength; k++) {
    hash = Math.imul(hash ^ (payload[k] ?? 0), 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The running runtime's transports with these TLS settings (a JSON file of
 * `TlsOptions`), or `undefined` when there is no file: the socket then picks
 * the runtime's default transports by itself.
 */
export async function transportsFor(
  tlsFile: string | undefined,
): Promise<Transport[] | undefined> {
  if (tlsFile === undefined) return undefined;
  const tls = JSON.parse(readFileSync(tlsFile, "utf8")) as TlsOptions;
  switch (runtimeName()) {
    case "deno":
      return (await import("../../../runtimes/deno.ts")).transports({ tls });
    case "bun":
      return (await import("../../../runtimes/bun.ts")).transports({ tls });
    default:
      return (await import("../../../runtimes/node.ts")).transports({ tls });
  }
}

/** Runs a role; any error becomes an `ERROR` line and exit code 1. */
export async function runRole(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    const message = error instanceof Error
      ? `${error.name}: ${error.message}`
      : String(error);
    say(`ERROR ${message.replaceAll("\n", " ")}`);
    process.exitCode = 1;
    process.stdin.destroy();
  }
}
