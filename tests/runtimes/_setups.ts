/**
 * Conformance set-ups for a runtime's `tcp()`, `ipc()` and `tls()`: fresh
 * endpoints (port 0, a socket path in a new temporary directory), test
 * certificates for TLS and mutual TLS, and the conformance suite over each.
 *
 * @module
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TlsOptions } from "../../src/transport/tls_options.ts";
import type { Transport } from "../../src/transport/transport.ts";
import { testCerts } from "../_helpers/certs.ts";
import {
  type ConformanceSetup,
  transportConformance,
} from "../transport/_conformance.ts";

/** The transport factories of one runtime file. */
export interface RuntimeTransports {
  tcp(): Transport;
  ipc(): Transport;
  tls(options: TlsOptions): Transport;
}

/** Makes a temporary directory; `remove()` deletes it with what it holds. */
export async function tempDir(): Promise<
  { path: string; remove: () => Promise<void> }
> {
  const path = await mkdtemp(join(tmpdir(), "msg-ts-test-"));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** TLS options of a server, and of a client that trusts it. */
export function tlsPair(mutual: boolean): {
  server: TlsOptions;
  client: TlsOptions;
} {
  const certs = testCerts();
  const server: TlsOptions = {
    cert: certs.serverCert,
    key: certs.serverKey,
    ca: certs.ca,
    requestClientCert: mutual,
  };
  const client: TlsOptions = mutual
    ? { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey }
    : { ca: certs.ca };
  return { server, client };
}

/**
 * One transport that listens with the server's options and connects with
 * the client's, as the conformance suite needs a single transport.
 */
export function tlsBoth(
  make: (options: TlsOptions) => Transport,
  mutual: boolean,
): Transport {
  const { server, client } = tlsPair(mutual);
  const listening = make(server);
  const connecting = make(client);
  return {
    scheme: "tls",
    connect: (endpoint, options) => connecting.connect(endpoint, options),
    listen: (endpoint) => listening.listen(endpoint),
  };
}

/**
 * Runs the transport conformance suite over TCP, IPC, TLS and mutual TLS.
 *
 * @param label The runtime, as test names show it: `"Node"`.
 * @param runtime The runtime's transport factories.
 */
export function conformanceOverAll(
  label: string,
  runtime: RuntimeTransports,
): void {
  transportConformance(`${label} tcp`, () =>
    Promise.resolve({
      transport: runtime.tcp(),
      endpoint: () => "tcp://127.0.0.1:0",
    }));
  transportConformance(`${label} ipc`, async (): Promise<ConformanceSetup> => {
    const dir = await tempDir();
    let count = 0;
    return {
      transport: runtime.ipc(),
      endpoint: () => `ipc://${join(dir.path, `s${++count}.sock`)}`,
      teardown: dir.remove,
    };
  });
  for (const mutual of [false, true]) {
    transportConformance(
      `${label} ${mutual ? "mtls" : "tls"}`,
      () =>
        Promise.resolve({
          transport: tlsBoth((options) => runtime.tls(options), mutual),
          endpoint: () => "tls://127.0.0.1:0",
        }),
    );
  }
}
