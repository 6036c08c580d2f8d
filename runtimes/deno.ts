/**
 * Deno's transports: TCP, unix-socket IPC and TLS, plus the default set.
 * Connections use `conn.read()`/`conn.write()`: `conn.readable` would close
 * the whole connection at end of stream.
 *
 * @module
 */

import { abortable } from "../src/transport/abortable.ts";
import { acceptListener } from "../src/transport/accept_listener.ts";
import { clearStaleSocket } from "../src/transport/clear_stale_socket.ts";
import {
  connectFailure,
  toConnectionError,
} from "../src/transport/connection_failure.ts";
import type { Endpoint } from "../src/transport/endpoint.ts";
import { hostUrl } from "../src/transport/host_url.ts";
import { inproc } from "../src/transport/inproc_transport.ts";
import { slabReader } from "../src/transport/slab_reader.ts";
import { streamConnection } from "../src/transport/stream_connection.ts";
import {
  checkListenTls,
  type TlsOptions,
} from "../src/transport/tls_options.ts";
import type { TransportsOptions } from "../src/transport/transports_options.ts";
import type {
  Connection,
  ConnectOptions,
  Listener,
  Transport,
} from "../src/transport/transport.ts";

// The few Deno APIs used here, typed locally so that plain tsc compiles this file.
type DenoAddr = { hostname?: string; port?: number };
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

/**
 * Bytes of each read slab. A frame split between two reads into one slab is
 * joined without a copy, so larger slabs copy fewer large frames: 256 KiB
 * read 64 KiB messages 30% faster than 64 KiB slabs here, and 512 KiB or
 * 1 MiB no faster. Pages are only touched as bytes arrive.
 */
const READ_SLAB = 256 * 1024;

function wrap(conn: DenoConn, endpoint: string, scheme: string): Connection {
  conn.setNoDelay?.(true);
  const url = (addr: DenoAddr) =>
    scheme === "ipc" ? endpoint : hostUrl(scheme, addr.hostname, addr.port);
  return streamConnection({
    read: slabReader((buffer) => conn.read(buffer), { slabSize: READ_SLAB }),
    write: (bytes) => conn.write(bytes),
    closeWrite: () => conn.closeWrite(),
    close: () => conn.close(),
    copiesOnWrite: true,
  }, {
    endpoint,
    localAddress: url(conn.localAddr),
    remoteAddress: url(conn.remoteAddr),
  });
}

async function listenOn(
  endpoint: Endpoint,
  open: () => DenoListener,
  onClose?: () => Promise<void>,
): Promise<Listener> {
  const listener = await Promise.resolve().then(open).catch((error) => {
    throw toConnectionError(error, `Cannot listen on ${endpoint.url}`);
  });
  const { scheme } = endpoint;
  const url = scheme === "ipc"
    ? endpoint.url
    : hostUrl(scheme, listener.addr.hostname, listener.addr.port);
  return acceptListener(url, {
    accept: async () => wrap(await listener.accept(), url, scheme),
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
    const unknown = endpoint.scheme === "tls" ? "tls" : "other";
    throw connectFailure(error, endpoint, unknown);
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
 * await listener.close();
 * await assert.rejects(tcp().connect(parseEndpoint(listener.endpoint)), (error: unknown) =>
 *   error instanceof ConnectionError && error.code === "refused");
 * ```
 */
export function tcp(): Transport {
  return {
    scheme: "tcp",
    connect: (endpoint, options = {}) =>
      dial(endpoint, options, () => deno().connect(address(endpoint))),
    listen: (endpoint) =>
      listenOn(endpoint, () => deno().listen(address(endpoint))),
  };
}

function address(endpoint: Endpoint): { hostname: string; port: number } {
  return { hostname: endpoint.host, port: endpoint.port };
}

const SOCKET_FILES = {
  kind: (path: string) =>
    deno().lstat(path).then(
      (info) => info.isSocket ? "socket" as const : "other" as const,
      (error) =>
        error?.name === "NotFound" ? "missing" as const : Promise.reject(error),
    ),
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
 * const endpoint = parseEndpoint(`ipc:///tmp/msg-ts-${crypto.randomUUID()}.sock`);
 * const listener = await ipc().listen(endpoint);
 * await assert.rejects(ipc().listen(endpoint), (error: unknown) =>
 *   error instanceof ConnectionError && error.code === "addr-in-use");
 * await listener.close();
 * ```
 */
export function ipc(): Transport {
  return {
    scheme: "ipc",
    connect: (endpoint, options = {}) =>
      dial(endpoint, options, () => deno().connect(unix(endpoint))),
    listen: async (endpoint) => {
      await clearStaleSocket(endpoint, SOCKET_FILES);
      const removeIfStale = () => clearStaleSocket(endpoint, SOCKET_FILES);
      return listenOn(
        endpoint,
        () => deno().listen(unix(endpoint)),
        () => removeIfStale().catch(() => {}),
      );
    },
  };
}

function unix(endpoint: Endpoint): { transport: "unix"; path: string } {
  return { transport: "unix", path: endpoint.path };
}

/**
 * The TLS transport, for `tls://host:port` endpoints, over TCP with
 * `TCP_NODELAY`.
 *
 * - `connect` resolves after the handshake verified the server against `ca`
 *   (in Deno, on top of the default roots) and `serverName`; a failed
 *   handshake is `ConnectionError` "tls".
 * - `Deno.listenTls` cannot verify client certificates, so with
 *   `requestClientCert` the listener runs on `node:tls`, which refuses every
 *   client without a certificate that `ca` verifies.
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
  const trust = options.ca === undefined
    ? {}
    : { caCerts: [options.ca].flat() };
  const mine = identity ? { cert: options.cert, key: options.key } : {};
  return dial(endpoint, connectOptions, async () => {
    const conn = name === endpoint.host
      ? await deno().connectTls({ ...address(endpoint), ...trust, ...mine })
      : await deno().startTls(await deno().connect(address(endpoint)), {
        hostname: name,
        ...trust,
      });
    await conn.handshake?.().catch((error) => {
      conn.close();
      throw error;
    });
    return conn;
  });
}

async function listenTls(
  endpoint: Endpoint,
  options: TlsOptions,
): Promise<Listener> {
  const { cert, key, requestClientCert } = checkListenTls(endpoint, options);
  if (requestClientCert === true) {
    const { listenNodeTls } = await import("./_node_tls.ts");
    return listenNodeTls(endpoint, options);
  }
  return listenOn(
    endpoint,
    () => deno().listenTls({ ...address(endpoint), cert, key }),
  );
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
