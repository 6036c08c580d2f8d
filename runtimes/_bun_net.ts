/**
 * The socket plumbing behind `runtimes/bun.ts`: one set of Bun socket
 * handlers feeding each socket's {@linkcode SocketState}, dialling,
 * listening, and the unix socket file checks.
 *
 * @module
 */

import { lstat, unlink } from "node:fs/promises";
import { abortable } from "../src/transport/abortable.ts";
import type { SocketFileSystem } from "../src/transport/clear_stale_socket.ts";
export { checkScheme } from "../src/transport/check_scheme.ts";
import {
  connectFailure,
  toConnectionError,
} from "../src/transport/connection_failure.ts";
import type { Endpoint } from "../src/transport/endpoint.ts";
import { hostUrl } from "../src/transport/host_url.ts";
import { QueueListener } from "../src/transport/queue_listener.ts";
import type {
  Connection,
  ConnectOptions,
  Listener,
} from "../src/transport/transport.ts";
import { type BunSocket, SocketState } from "./_bun_socket.ts";

/** Bun's server TLS options, as `tls()` builds them. */
export interface BunServerTls {
  /** PEM certificate chain. */
  cert: string;
  /** PEM key. */
  key: string;
  /** Ask clients for a certificate. */
  requestCert: boolean;
  /** Refuse clients whose certificate `ca` does not verify. */
  rejectUnauthorized: boolean;
  /** Trusted CAs for client certificates. */
  ca?: string | string[];
}

// The few Bun APIs used here, typed locally (no global type changes).
interface BunServer {
  readonly port?: number;
  stop(closeActiveConnections?: boolean): void;
}
interface BunHandlers {
  open(socket: BunSocket): void;
  data(socket: BunSocket, chunk: Uint8Array): void;
  drain(socket: BunSocket): void;
  end(socket: BunSocket): void;
  close(socket: BunSocket, error?: Error): void;
  error(socket: BunSocket, error: Error): void;
  handshake(socket: BunSocket, success: boolean, error: Error | null): void;
  connectError?(socket: BunSocket, error: Error): void;
}
interface BunNet {
  listen(options: object): BunServer;
  connect(options: object): Promise<BunSocket>;
}

function bun(): BunNet {
  return (globalThis as unknown as { Bun: BunNet }).Bun;
}

function state(socket: BunSocket): SocketState {
  return socket.data as SocketState;
}

/** Handlers shared by every socket: each socket's `data` is its state. */
const HANDLERS: BunHandlers = {
  open: (socket) => state(socket).opened(socket),
  data: (socket, chunk) => state(socket).received(chunk),
  drain: (socket) => state(socket).channel?.drained(),
  end: (socket) => state(socket).channel?.ended(),
  close: (socket, error) => state(socket).closed(error),
  error: (socket, error) => state(socket).failed(error),
  handshake: (socket, success, error) =>
    state(socket).handshaken(success, error),
  connectError: () => {/* Bun.connect rejects with the same error */},
};

function address(endpoint: Endpoint): object {
  return endpoint.scheme === "ipc"
    ? { unix: endpoint.path }
    : { hostname: endpoint.host, port: endpoint.port };
}

/**
 * Connects, and for TLS waits for a verified handshake.
 *
 * @param endpoint Where to.
 * @param options The abort signal.
 * @param tls Bun's client TLS options, for `tls://`.
 * @returns The connection.
 * @throws {ConnectionError} When it cannot connect; `signal.reason` when aborted.
 */
export async function dial(
  endpoint: Endpoint,
  options: ConnectOptions,
  tls?: object,
): Promise<Connection> {
  options.signal?.throwIfAborted();
  const socketState = new SocketState(endpoint.scheme, endpoint.url, {
    tls: tls !== undefined,
    verifyPeer: true,
  });
  try {
    const opening = bun().connect({
      ...address(endpoint),
      allowHalfOpen: true,
      socket: HANDLERS,
      data: socketState,
      ...(tls === undefined ? {} : { tls }),
    });
    const socket = await abortable(opening, options.signal, (s) => s.end());
    await abortable(socketState.ready, options.signal, () => socket.end());
    return socketState.connection();
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw connectFailure(error, endpoint, tls === undefined ? "other" : "tls");
  }
}

/**
 * Listens and hands each accepted (for TLS: handshaken) socket to the
 * returned listener.
 *
 * @param endpoint Where to listen.
 * @param tls Bun's server TLS options, for `tls://`.
 * @returns The listener, port 0 resolved.
 * @throws {ConnectionError} When it cannot bind.
 */
export function serve(
  endpoint: Endpoint,
  tls?: BunServerTls,
): Listener {
  const scheme = endpoint.scheme;
  // Filled in once bound; sockets only open after that.
  const bound: { listener?: QueueListener; url: string } = {
    url: endpoint.url,
  };
  const handlers: BunHandlers = {
    ...HANDLERS,
    open: (socket) => {
      const socketState = new SocketState(scheme, bound.url, {
        tls: tls !== undefined,
        verifyPeer: tls?.requestCert ?? false,
      });
      socket.data = socketState;
      socketState.opened(socket);
      socketState.ready.then(
        () => bound.listener?.push(socketState.connection()),
        () => {/* handshake failed: the socket is closed */},
      );
    },
  };
  let server: BunServer;
  try {
    server = bun().listen({
      ...address(endpoint),
      allowHalfOpen: true,
      socket: handlers,
      ...(tls === undefined ? {} : { tls }),
    });
  } catch (error) {
    throw toConnectionError(error, `Cannot listen on ${endpoint.url}`);
  }
  if (scheme !== "ipc") bound.url = hostUrl(scheme, endpoint.host, server.port);
  bound.listener = new QueueListener(bound.url, {
    onClose: () => server.stop(false),
  });
  return bound.listener;
}

/** The unix socket file operations of `clearStaleSocket`, on `node:fs` and `Bun.connect`. */
export const SOCKET_FILES: SocketFileSystem = {
  kind: async (path) => {
    const stat = await lstat(path).catch((error: { code?: string }) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    });
    if (stat === undefined) return "missing";
    return stat.isSocket() ? "socket" : "other";
  },
  connect: async (path) => {
    const probe = new SocketState("ipc", `ipc://${path}`);
    const socket = await bun().connect({
      unix: path,
      socket: HANDLERS,
      data: probe,
    });
    return { close: () => socket.end() };
  },
  remove: (path) => unlink(path),
};
