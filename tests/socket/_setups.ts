/**
 * The transports every socket test runs over, in the running runtime: each
 * setup says how to make a fresh endpoint to bind and which transports the
 * sockets use.
 *
 * @module
 */

import type { Transport } from "../../src/transport/transport.ts";
import { runtimeTransports } from "../../runtimes/auto.ts";
import { runtimeName } from "../_helpers/runtime.ts";
import { testCerts } from "../_helpers/certs.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One transport to run the socket suite over. */
export interface SocketSetup {
  /** Names the transport in test names. */
  label: string;
  /** A fresh endpoint to bind. */
  endpoint(): string;
  /** The transports sockets get (`transports` option). */
  transports(): Promise<readonly Transport[]>;
}

let counter = 0;

function unique(): string {
  return `${Date.now().toString(36)}-${(counter++).toString(36)}-${
    Math.random().toString(36).slice(2, 8)
  }`;
}

interface TlsFactory {
  tls(options: Record<string, unknown>): Transport;
}

async function tlsTransports(): Promise<readonly Transport[]> {
  const certs = testCerts();
  const module = await import(
    `../../runtimes/${runtimeName()}.ts`
  ) as TlsFactory;
  const base = await runtimeTransports();
  const tls = module.tls({
    cert: certs.serverCert,
    key: certs.serverKey,
    ca: certs.ca,
    serverName: "localhost",
  });
  return [...base.filter((t) => t.scheme !== "tls"), tls];
}

/** Every setup: inproc, tcp, ipc and tls over the running runtime's transports. */
export const SETUPS: readonly SocketSetup[] = [
  {
    label: "inproc",
    endpoint: () => `inproc://sock-${unique()}`,
    transports: runtimeTransports,
  },
  {
    label: "tcp",
    endpoint: () => "tcp://127.0.0.1:0",
    transports: runtimeTransports,
  },
  {
    label: "ipc",
    endpoint: () => `ipc://${join(tmpdir(), `msgts-${unique()}.sock`)}`,
    transports: runtimeTransports,
  },
  {
    label: "tls",
    endpoint: () => "tls://127.0.0.1:0",
    transports: tlsTransports,
  },
];
