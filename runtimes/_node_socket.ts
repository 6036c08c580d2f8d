/**
 * The socket plumbing behind `runtimes/node.ts`: a `node:net`/`node:tls`
 * socket becomes a {@linkcode Connection} over its `data` events with
 * `pause()`/`resume()` and over `write()` with `drain`; dialling, binding,
 * accepting, and the unix socket file checks.
 *
 * @module
 */

import { lstat, unlink } from "node:fs/promises";
import * as net from "node:net";
import { abortable } from "../src/transport/abortable.ts";
import type { SocketFileSystem } from "../src/transport/clear_stale_socket.ts";
export { checkScheme } from "../src/transport/check_scheme.ts";
import {
  connectFailure,
  toConnectionError,
} from "../src/transport/connection_failure.ts";
import type { Endpoint } from "../src/transport/endpoint.ts";
import { hostUrl } from "../src/transport/host_url.ts";
import { PushChannel } from "../src/transport/push_channel.ts";
import { QueueListener } from "../src/transport/queue_listener.ts";
import { streamConnection } from "../src/transport/stream_connection.ts";
import type {
  Connection,
  ConnectOptions,
  Listener,
} from "../src/transport/transport.ts";

const FLUSHED: Promise<void> = Promise.resolve();

function wrap(socket: net.Socket, scheme: string, url: string): Connection {
  socket.setNoDelay(true);
  // Node keeps a written array until it is flushed. A write the kernel took
  // at once leaves nothing queued; otherwise its own callback says when (or
  // the close, should the callback never come).
  let flushed = FLUSHED;
  const unflushed = new Set<() => void>();
  socket.on("close", () => {
    for (const resolve of unflushed) resolve();
    unflushed.clear();
  });
  const channel = new PushChannel({
    write: (bytes) => {
      if (socket.destroyed || !socket.writable) return -1;
      if (socket.writableNeedDrain) return 0;
      let done = false;
      let resolve: (() => void) | undefined;
      socket.write(bytes, () => {
        done = true;
        if (resolve !== undefined) {
          unflushed.delete(resolve);
          resolve();
        }
      });
      flushed = done || socket.writableLength === 0
        ? FLUSHED
        : new Promise<void>((r) => unflushed.add(resolve = r));
      return bytes.byteLength;
    },
    afterWrite: () => flushed,
    end: () => new Promise<void>((resolve) => socket.end(() => resolve())),
    pause: () => void socket.pause(),
    resume: () => void socket.resume(),
    destroy: () => void socket.destroy(),
  }, url);
  socket.on("data", (chunk: Uint8Array) => {
    channel.received(
      new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength),
    );
  });
  socket.on("end", () => channel.ended());
  socket.on("drain", () => channel.drained());
  socket.on("error", (error) => channel.failed(error));
  socket.on("close", () => channel.socketClosed());
  const unix = scheme === "ipc";
  return streamConnection(channel, {
    endpoint: url,
    localAddress: unix
      ? url
      : hostUrl(scheme, socket.localAddress, socket.localPort),
    remoteAddress: unix
      ? url
      : hostUrl(scheme, socket.remoteAddress, socket.remotePort),
  });
}

/**
 * Opens a socket and waits until it is connected (and, for TLS, handshaken).
 *
 * @param endpoint Where to.
 * @param options The abort signal.
 * @param open Starts the socket.
 * @returns The connection.
 * @throws {ConnectionError} When it cannot connect; `signal.reason` when aborted.
 */
export async function dial(
  endpoint: Endpoint,
  options: ConnectOptions,
  open: () => net.Socket,
): Promise<Connection> {
  options.signal?.throwIfAborted();
  const socket = open();
  const event = endpoint.scheme === "tls" ? "secureConnect" : "connect";
  let onError: (error: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    socket.once(event, resolve);
    socket.once("error", onError = reject);
  });
  try {
    await abortable(ready, options.signal, () => {});
  } catch (error) {
    socket.destroy();
    if (options.signal?.aborted) throw options.signal.reason;
    throw connectFailure(
      error,
      endpoint,
      endpoint.scheme === "tls" ? "tls" : "other",
    );
  }
  socket.off("error", onError);
  return wrap(socket, endpoint.scheme, endpoint.url);
}

async function bind(
  server: net.Server,
  endpoint: Endpoint,
  address: net.ListenOptions,
): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(address, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    throw toConnectionError(error, `Cannot listen on ${endpoint.url}`);
  }
  // An accept failure later (EMFILE, …) must not crash the process.
  server.on("error", () => {});
}

/**
 * Binds `server` and hands each accepted socket to the returned listener.
 *
 * @param server A `net` or `tls` server, not yet listening.
 * @param endpoint The endpoint asked for.
 * @param address Where to listen.
 * @returns The listener, port 0 resolved.
 * @throws {ConnectionError} When it cannot bind.
 */
export async function serve(
  server: net.Server,
  endpoint: Endpoint,
  address: net.ListenOptions,
): Promise<Listener> {
  await bind(server, endpoint, address);
  const bound = server.address();
  const url = typeof bound === "object" && bound !== null
    ? hostUrl(endpoint.scheme, endpoint.host, bound.port)
    : endpoint.url;
  const listener = new QueueListener(url, {
    onClose: () => void server.close(),
  });
  const event = endpoint.scheme === "tls" ? "secureConnection" : "connection";
  server.on(event, (socket: net.Socket) => {
    // Half-open only once the handshake is done: a TLS server created with
    // allowHalfOpen keeps a client that hung up mid-handshake open forever.
    socket.allowHalfOpen = true;
    listener.push(wrap(socket, endpoint.scheme, url));
  });
  return listener;
}

/** The unix socket file operations of `clearStaleSocket`, on `node:fs` and `node:net`. */
export const SOCKET_FILES: SocketFileSystem = {
  kind: async (path) => {
    const stat = await lstat(path).catch((error: { code?: string }) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    });
    if (stat === undefined) return "missing";
    return stat.isSocket() ? "socket" : "other";
  },
  connect: (path) =>
    new Promise((resolve, reject) => {
      const probe = net.connect({ path });
      probe.once("connect", () => resolve({ close: () => probe.destroy() }));
      probe.once("error", reject);
    }),
  remove: (path) => unlink(path),
};
