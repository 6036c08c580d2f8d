/**
 * Bun's transports: TCP, unix-socket IPC and TLS over `Bun.listen` and
 * `Bun.connect`, plus the default set. Reading pauses the socket while the
 * reader is behind; a write that Bun takes only in part keeps the rest and
 * resolves once `drain` let every byte through.
 *
 * @example Echo over TCP
 * ```ts ignore
 * import { tcp } from "@msg-ts/msg/bun";
 * import { parseEndpoint } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const listener = await tcp().listen(parseEndpoint("tcp://127.0.0.1:0"));
 * const client = await tcp().connect(parseEndpoint(listener.endpoint));
 * const server = (await listener[Symbol.asyncIterator]().next()).value!;
 * const writer = client.writable.getWriter();
 * await writer.write(new Uint8Array([1, 2, 3]));
 * const reader = server.readable.getReader();
 * assert.deepEqual((await reader.read()).value, new Uint8Array([1, 2, 3]));
 * reader.releaseLock();
 * writer.releaseLock();
 * await client.close();
 * await server.close();
 * await listener.close();
 * ```
 *
 * @module
 */

import { clearStaleSocket } from "../src/transport/clear_stale_socket.ts";
import { inproc } from "../src/transport/inproc_transport.ts";
import {
  serverTlsSettings,
  type TlsOptions,
} from "../src/transport/tls_options.ts";
import type { Transport } from "../src/transport/transport.ts";
import type { TransportsOptions } from "../src/transport/transports_options.ts";
import { checkScheme, dial, serve, SOCKET_FILES } from "./_bun_net.ts";

/**
 * The TCP transport, for `tcp://host:port` endpoints (`TCP_NODELAY` on).
 *
 * @returns The transport; listening on port 0 resolves the real port in `listener.endpoint`.
 * @throws {ConnectionError} From `connect` ("refused", …) and `listen` ("addr-in-use", …).
 *
 * @example Connecting to nothing is refused
 * ```ts ignore
 * import { tcp } from "@msg-ts/msg/bun";
 * import { ConnectionError, parseEndpoint } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const listener = await tcp().listen(parseEndpoint("tcp://127.0.0.1:0"));
 * const endpoint = parseEndpoint(listener.endpoint);
 * await listener.close();
 * await assert.rejects(tcp().connect(endpoint), (error: unknown) =>
 *   error instanceof ConnectionError && error.code === "refused");
 * ```
 */
export function tcp(): Transport {
  return {
    scheme: "tcp",
    connect: async (endpoint, options = {}) => {
      checkScheme("tcp", endpoint);
      return await dial(endpoint, options);
    },
    listen: async (endpoint) => {
      checkScheme("tcp", endpoint);
      return await Promise.resolve(serve(endpoint));
    },
  };
}

/**
 * The unix-socket transport, for `ipc:///absolute/path` endpoints.
 *
 * - Listening where a stale socket file lies (nobody accepts on it) replaces
 *   it; a live one is `ConnectionError` "addr-in-use", and so is a path that
 *   is not a socket.
 * - Closing the listener removes its socket file.
 *
 * @returns The transport.
 * @throws {ConnectionError} From `connect` ("refused", also when no socket file is there) and `listen` ("addr-in-use", …).
 *
 * @example A live socket path cannot be taken twice
 * ```ts ignore
 * import { ipc } from "@msg-ts/msg/bun";
 * import { ConnectionError, parseEndpoint } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 * import { mkdtemp, rm } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 *
 * const dir = await mkdtemp(join(tmpdir(), "msg-ts-doc-"));
 * const endpoint = parseEndpoint(`ipc://${join(dir, "doc.sock")}`);
 * const listener = await ipc().listen(endpoint);
 * await assert.rejects(ipc().listen(endpoint), (error: unknown) =>
 *   error instanceof ConnectionError && error.code === "addr-in-use");
 * await listener.close();
 * await rm(dir, { recursive: true });
 * ```
 */
export function ipc(): Transport {
  return {
    scheme: "ipc",
    connect: async (endpoint, options = {}) => {
      checkScheme("ipc", endpoint);
      return await dial(endpoint, options);
    },
    listen: async (endpoint) => {
      checkScheme("ipc", endpoint);
      await clearStaleSocket(endpoint, SOCKET_FILES);
      return serve(endpoint);
    },
  };
}

/**
 * The TLS transport, for `tls://host:port` endpoints, over TCP with
 * `TCP_NODELAY`.
 *
 * - Connecting verifies the server against `ca` and `serverName` (or the
 *   endpoint's host); `connect` resolves once the handshake succeeded, and a
 *   failed handshake is `ConnectionError` "tls".
 * - Listening needs `cert` and `key`. With `requestClientCert`, every client
 *   must present a certificate that `ca` verifies; others are refused.
 *
 * @param options Certificates, keys, CAs and names.
 * @returns The transport.
 * @throws {TypeError} From `listen`, when `cert` or `key` is missing, or `requestClientCert` lacks `ca`.
 * @throws {ConnectionError} From `connect` ("refused", "tls", …) and `listen` ("addr-in-use", …).
 *
 * @example A server with no certificate cannot listen
 * ```ts ignore
 * import { tls } from "@msg-ts/msg/bun";
 * import { parseEndpoint } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(tls({}).listen(parseEndpoint("tls://127.0.0.1:0")), TypeError);
 * ```
 */
export function tls(options: TlsOptions): Transport {
  return {
    scheme: "tls",
    connect: async (endpoint, connectOptions = {}) => {
      checkScheme("tls", endpoint);
      return await dial(endpoint, connectOptions, {
        rejectUnauthorized: true,
        serverName: options.serverName ?? endpoint.host,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        ...(options.cert === undefined ? {} : { cert: options.cert }),
        ...(options.key === undefined ? {} : { key: options.key }),
      });
    },
    listen: async (endpoint) => {
      checkScheme("tls", endpoint);
      return await Promise.resolve(
        serve(endpoint, serverTlsSettings(endpoint, options)),
      );
    },
  };
}

/**
 * Bun's default transports: `tcp`, `ipc`, `tls` and `inproc`.
 *
 * @param options Settings of the `tls` and `inproc` transports.
 * @returns One transport per scheme.
 *
 * @example One transport per scheme
 * ```ts
 * import { transports } from "@msg-ts/msg/bun";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(transports().map((t) => t.scheme), ["tcp", "ipc", "tls", "inproc"]);
 * ```
 */
export function transports(options: TransportsOptions = {}): Transport[] {
  return [tcp(), ipc(), tls(options.tls ?? {}), inproc(options.inproc)];
}
