/**
 * Deno's transports: TCP, unix-socket IPC and TLS over `Deno.connect`,
 * `Deno.listen`, `Deno.connectTls` and `Deno.listenTls`, plus the default set.
 *
 * @example Echo over TCP
 * ```ts
 * import { tcp } from "@msg-ts/msg/deno";
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

import { ConnectionError } from "../src/errors.ts";
import { abortable } from "../src/transport/abortable.ts";
import { acceptListener } from "../src/transport/accept_listener.ts";
import { clearStaleSocket } from "../src/transport/clear_stale_socket.ts";
import { toConnectionError } from "../src/transport/connection_failure.ts";
import type { Endpoint } from "../src/transport/endpoint.ts";
import {
  inproc,
  type InprocOptions,
} from "../src/transport/inproc_transport.ts";
import { slabReader } from "../src/transport/slab_reader.ts";
import { streamConnection } from "../src/transport/stream_connection.ts";
import type { TlsOptions } from "../src/transport/tls_options.ts";
import type {
  Connection,
  ConnectOptions,
  Listener,
  Transport,
} from "../src/transport/transport.ts";

// The few Deno APIs used here, typed locally so that plain tsc compiles this file.
interface DenoAddr {
  hostname?: string;
  port?: number;
  path?: string | null;
}
interface DenoConn {
  readonly localAddr: DenoAddr;
  readonly remoteAddr: DenoAddr;
  read(buffer: Uint8Array): Promise<number | null>;
  write(bytes: Uint8Array): Promise<number>;
  closeWrite(): Promise<void>;
  close(): void;
  setNoDelay?(noDelay?: boolean): void;
  handshake?(): Promise<unknown>;
}
interface DenoListener {
  readonly addr: DenoAddr;
  accept(): Promise<DenoConn>;
  close(): void;
}
interface DenoNet {
  connect(options: object): Promise<DenoConn>;
  listen(options: object): DenoListener;
  connectTls(options: object): Promise<DenoConn>;
  listenTls(options: object): DenoListener;
  startTls(conn: DenoConn, options: object): Promise<DenoConn>;
  lstat(path: string): Promise<{ isSocket: boolean | null }>;
  remove(path: string): Promise<void>;
}

function deno(): DenoNet {
  return (globalThis as unknown as { Deno: DenoNet }).Deno;
}

function hostUrl(scheme: string, addr: DenoAddr): string {
  const host = addr.hostname ?? "";
  return `${scheme}://${host.includes(":") ? `[${host}]` : host}:${addr.port}`;
}

function wrap(conn: DenoConn, endpoint: string, scheme: string): Connection {
  const unix = scheme === "ipc";
  conn.setNoDelay?.(true);
  return streamConnection({
    read: slabReader((buffer) => conn.read(buffer)),
    write: (bytes) => conn.write(bytes),
    closeWrite: () => conn.closeWrite(),
    close: () => conn.close(),
  }, {
    endpoint,
    localAddress: unix ? endpoint : hostUrl(scheme, conn.localAddr),
    remoteAddress: unix ? endpoint : hostUrl(scheme, conn.remoteAddr),
  });
}

function listening(
  endpoint: string,
  scheme: string,
  listener: DenoListener,
  onClose?: () => Promise<void>,
): Listener {
  return acceptListener(endpoint, {
    accept: async () => wrap(await listener.accept(), endpoint, scheme),
    close: async () => {
      listener.close();
      await onClose?.();
    },
  });
}

async function dial(
  endpoint: Endpoint,
  options: ConnectOptions,
  open: () => Promise<DenoConn>,
): Promise<Connection> {
  options.signal?.throwIfAborted();
  try {
    const conn = await abortable(open(), options.signal, (c) => c.close());
    return wrap(conn, endpoint.url, endpoint.scheme);
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    const failure = toConnectionError(
      error,
      `Cannot connect to ${endpoint.url}`,
    );
    if (failure.code !== "not-found" || endpoint.scheme !== "ipc") {
      throw failure;
    }
    throw new ConnectionError( // no socket file: nobody listens there
      `Cannot connect to ${endpoint.url}: connection refused, no socket file`,
      { code: "refused", cause: error },
    );
  }
}

function bind(endpoint: Endpoint, open: () => DenoListener): DenoListener {
  try {
    return open();
  } catch (error) {
    throw toConnectionError(error, `Cannot listen on ${endpoint.url}`);
  }
}

/**
 * The TCP transport, for `tcp://host:port` endpoints (`TCP_NODELAY` on).
 *
 * @returns The transport; listening on port 0 resolves the real port in `listener.endpoint`.
 * @throws {ConnectionError} From `connect` ("refused", …) and `listen` ("addr-in-use", …).
 *
 * @example Connecting to nothing is refused
 * ```ts
 * import { tcp } from "@msg-ts/msg/deno";
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
    connect: (endpoint, options = {}) =>
      dial(
        endpoint,
        options,
        () => deno().connect({ hostname: endpoint.host, port: endpoint.port }),
      ),
    listen: (endpoint) => {
      const listener = bind(
        endpoint,
        () => deno().listen({ hostname: endpoint.host, port: endpoint.port }),
      );
      const url = hostUrl("tcp", listener.addr);
      return Promise.resolve(listening(url, "tcp", listener));
    },
  };
}

const SOCKET_FILES = {
  kind: async (path: string) => {
    try {
      return (await deno().lstat(path)).isSocket ? "socket" : "other";
    } catch (error) {
      if ((error as Error).name === "NotFound") return "missing";
      throw error;
    }
  },
  connect: (path: string) => deno().connect({ transport: "unix", path }),
  remove: (path: string) => deno().remove(path),
} as const;

/**
 * The unix-socket transport, for `ipc:///absolute/path` endpoints.
 *
 * - Listening where a stale socket file lies (nobody accepts on it) replaces
 *   it; a live one is `ConnectionError` "addr-in-use", and so is a path that
 *   is not a socket.
 * - Closing the listener removes its socket file.
 *
 * @returns The transport.
 * @throws {ConnectionError} From `connect` ("refused", also when there is no socket file) and `listen` ("addr-in-use", …).
 *
 * @example A live socket path cannot be taken twice
 * ```ts
 * import { ipc } from "@msg-ts/msg/deno";
 * import { ConnectionError, parseEndpoint } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * const endpoint = parseEndpoint(`ipc://${dir}/doc.sock`);
 * const listener = await ipc().listen(endpoint);
 * await assert.rejects(ipc().listen(endpoint), (error: unknown) =>
 *   error instanceof ConnectionError && error.code === "addr-in-use");
 * await listener.close();
 * await Deno.remove(dir);
 * ```
 */
export function ipc(): Transport {
  return {
    scheme: "ipc",
    connect: (endpoint, options = {}) =>
      dial(
        endpoint,
        options,
        () => deno().connect({ transport: "unix", path: endpoint.path }),
      ),
    listen: async (endpoint) => {
      await clearStaleSocket(endpoint, SOCKET_FILES);
      const listener = bind(
        endpoint,
        () => deno().listen({ transport: "unix", path: endpoint.path }),
      );
      return listening(endpoint.url, "ipc", listener, async () => {
        // Removes the file only if nobody live listens there now.
        await clearStaleSocket(endpoint, SOCKET_FILES).catch(() => {});
      });
    },
  };
}

/**
 * The TLS transport, for `tls://host:port` endpoints, over TCP with
 * `TCP_NODELAY`.
 *
 * - Connecting verifies the server against `ca` and `serverName` (or the
 *   endpoint's host) before `connect` resolves; a failed handshake is
 *   `ConnectionError` "tls". In Deno, `ca` adds to the default roots rather
 *   than replacing them.
 * - Listening needs `cert` and `key`. `Deno.listenTls` cannot verify client
 *   certificates, so with `requestClientCert` the listener runs on `node:tls`
 *   and refuses every client without a certificate that `ca` verifies.
 *
 * @param options Certificates, keys, CAs and names.
 * @returns The transport.
 * @throws {TypeError} From `listen`, when `cert` or `key` is missing, or `requestClientCert` lacks `ca`.
 * @throws {ConnectionError} From `connect` ("refused", "tls", …) and `listen` ("addr-in-use", …).
 *
 * @example A server with no certificate cannot listen
 * ```ts
 * import { tls } from "@msg-ts/msg/deno";
 * import { parseEndpoint } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * await assert.rejects(tls({}).listen(parseEndpoint("tls://127.0.0.1:0")), TypeError);
 * ```
 */
export function tls(options: TlsOptions): Transport {
  return {
    scheme: "tls",
    connect: (endpoint, connectOptions = {}) =>
      dialTls(endpoint, options, connectOptions),
    listen: (endpoint) => listenTls(endpoint, options),
  };
}

function caList(options: TlsOptions): string[] | undefined {
  if (options.ca === undefined) return undefined;
  return typeof options.ca === "string" ? [options.ca] : options.ca;
}

async function dialTls(
  endpoint: Endpoint,
  options: TlsOptions,
  connectOptions: ConnectOptions,
): Promise<Connection> {
  const name = options.serverName ?? endpoint.host;
  const identity = options.cert !== undefined && options.key !== undefined;
  if (name !== endpoint.host && identity) {
    const { connectNodeTls } = await import("./_node_tls.ts");
    return connectNodeTls(endpoint, options, connectOptions);
  }
  const caCerts = caList(options);
  return dial(endpoint, connectOptions, async () => {
    const conn = name === endpoint.host
      ? await deno().connectTls({
        hostname: endpoint.host,
        port: endpoint.port,
        ...(caCerts === undefined ? {} : { caCerts }),
        ...(identity ? { cert: options.cert, key: options.key } : {}),
      })
      : await deno().startTls(
        await deno().connect({ hostname: endpoint.host, port: endpoint.port }),
        { hostname: name, ...(caCerts === undefined ? {} : { caCerts }) },
      );
    return await handshaken(conn);
  });
}

async function handshaken(conn: DenoConn): Promise<DenoConn> {
  try {
    await conn.handshake?.();
    return conn;
  } catch (error) {
    conn.close();
    throw toConnectionError(error, "Cannot complete TLS handshake", "tls");
  }
}

async function listenTls(
  endpoint: Endpoint,
  options: TlsOptions,
): Promise<Listener> {
  if (options.cert === undefined || options.key === undefined) {
    throw new TypeError(
      `Cannot listen on ${endpoint.url}: tls() needs cert and key to listen`,
    );
  }
  if (options.requestClientCert === true) {
    if (options.ca === undefined) {
      throw new TypeError(
        `Cannot listen on ${endpoint.url}: requestClientCert needs ca to verify clients`,
      );
    }
    const { listenNodeTls } = await import("./_node_tls.ts");
    return listenNodeTls(endpoint, options);
  }
  const listener = bind(endpoint, () =>
    deno().listenTls({
      hostname: endpoint.host,
      port: endpoint.port,
      cert: options.cert,
      key: options.key,
    }));
  return listening(hostUrl("tls", listener.addr), "tls", listener);
}

/** Options of {@linkcode transports}. */
export interface TransportsOptions {
  /** Settings of the `tls` transport. @default {} (connect with default roots; no listening) */
  tls?: TlsOptions;
  /** Settings of the `inproc` transport. @default {} (shared namespace) */
  inproc?: InprocOptions;
}

/**
 * Deno's default transports: `tcp`, `ipc`, `tls` and `inproc`.
 *
 * @param options Settings of the `tls` and `inproc` transports.
 * @returns One transport per scheme.
 *
 * @example One transport per scheme
 * ```ts
 * import { transports } from "@msg-ts/msg/deno";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(transports().map((t) => t.scheme), ["tcp", "ipc", "tls", "inproc"]);
 * ```
 */
export function transports(options: TransportsOptions = {}): Transport[] {
  return [tcp(), ipc(), tls(options.tls ?? {}), inproc(options.inproc)];
}
