/**
 * The parts of Deno's `tls()` that `Deno.listenTls`/`Deno.connectTls` cannot
 * do, run on Deno's `node:tls`: a listener that requires and verifies client
 * certificates, and a client with both its own certificate and a server name
 * that differs from the host. Loaded only when needed.
 *
 * @module
 */

import type * as NodeTls from "node:tls";
import { ConnectionError } from "../src/errors.ts";
import { abortable } from "../src/transport/abortable.ts";
import { toConnectionError } from "../src/transport/connection_failure.ts";
import type { Endpoint } from "../src/transport/endpoint.ts";
import { hostUrl } from "../src/transport/host_url.ts";
import { QueueListener } from "../src/transport/queue_listener.ts";
import {
  type ByteChannel,
  streamConnection,
} from "../src/transport/stream_connection.ts";
import {
  serverTlsSettings,
  type TlsOptions,
} from "../src/transport/tls_options.ts";
import type {
  Connection,
  ConnectOptions,
  Listener,
} from "../src/transport/transport.ts";

function socketChannel(socket: NodeTls.TLSSocket, url: string): ByteChannel {
  let ended = false;
  let failure: unknown;
  const waiting = {
    readable: [] as (() => void)[],
    drain: [] as (() => void)[],
  };
  const wake = (list: (() => void)[]) => list.splice(0).forEach((f) => f());
  const wakeAll = () => (wake(waiting.readable), wake(waiting.drain));
  const until = (list: (() => void)[]) =>
    new Promise<void>((resolve) => list.push(resolve));
  socket.on("readable", () => wake(waiting.readable));
  socket.on("drain", () => wake(waiting.drain));
  socket.on("end", () => (ended = true, wakeAll()));
  socket.on("close", () => (ended = true, wakeAll()));
  socket.on("error", (error) => (failure = error, wakeAll()));
  return {
    async read() {
      for (;;) {
        const chunk = socket.read() as Uint8Array | null;
        if (chunk !== null) {
          return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
        }
        if (failure !== undefined) throw failure;
        if (ended) return null;
        await until(waiting.readable);
      }
    },
    async write(bytes) {
      if (failure !== undefined) throw failure;
      if (socket.destroyed) {
        throw new ConnectionError(`Cannot write to ${url}: connection closed`, {
          code: "closed",
        });
      }
      if (!socket.write(bytes)) await until(waiting.drain);
      return bytes.byteLength;
    },
    closeWrite: () => new Promise<void>((resolve) => socket.end(resolve)),
    close: () => void socket.destroy(),
  };
}

function wrapSocket(
  socket: NodeTls.TLSSocket,
  url: string,
  scheme: string,
): Connection {
  socket.setNoDelay(true);
  return streamConnection(socketChannel(socket, url), {
    endpoint: url,
    localAddress: hostUrl(scheme, socket.localAddress, socket.localPort),
    remoteAddress: hostUrl(scheme, socket.remoteAddress, socket.remotePort),
  });
}

/**
 * Listens for TLS clients that must present a certificate `ca` verifies.
 *
 * @param endpoint The `tls://host:port` endpoint.
 * @param options Server `cert`, `key` and the clients' `ca`.
 * @returns The listener; port 0 resolved.
 * @throws {ConnectionError} When the address cannot be bound.
 */
export async function listenNodeTls(
  endpoint: Endpoint,
  options: TlsOptions,
): Promise<Listener> {
  const tls = await import("node:tls");
  const server = tls.createServer(serverTlsSettings(endpoint, options));
  // A client that fails the handshake is dropped by node:tls; nothing to do.
  server.on("tlsClientError", () => {});
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(endpoint.port, endpoint.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    throw toConnectionError(error, `Cannot listen on ${endpoint.url}`);
  }
  const { port } = server.address() as { port: number };
  const url = hostUrl("tls", endpoint.host, port);
  const listener = new QueueListener(url, {
    onClose: () => void server.close(),
  });
  server.on("secureConnection", (socket) => {
    listener.push(wrapSocket(socket, url, "tls"));
  });
  return listener;
}

/**
 * Connects with a client certificate to a server verified under `serverName`.
 *
 * @param endpoint The `tls://host:port` endpoint.
 * @param options `cert`, `key`, `ca` and `serverName`.
 * @param connectOptions The abort signal.
 * @returns The connection, once the handshake has succeeded.
 * @throws {ConnectionError} "refused", "tls", … when it cannot connect.
 */
export async function connectNodeTls(
  endpoint: Endpoint,
  options: TlsOptions,
  connectOptions: ConnectOptions,
): Promise<Connection> {
  connectOptions.signal?.throwIfAborted();
  const tls = await import("node:tls");
  const socket = tls.connect({
    host: endpoint.host,
    port: endpoint.port,
    ...(options.serverName === undefined
      ? {}
      : { servername: options.serverName }),
    ca: options.ca,
    cert: options.cert,
    key: options.key,
  });
  const secured = new Promise<void>((resolve, reject) => {
    socket.once("secureConnect", resolve);
    socket.once("error", reject);
  });
  try {
    await abortable(secured, connectOptions.signal, () => {});
  } catch (error) {
    socket.destroy();
    if (connectOptions.signal?.aborted) throw connectOptions.signal.reason;
    throw toConnectionError(error, `Cannot connect to ${endpoint.url}`, "tls");
  }
  socket.removeAllListeners("error");
  return wrapSocket(socket, endpoint.url, "tls");
}
