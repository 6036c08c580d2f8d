/**
 * The policy every runtime follows before listening on a unix socket path:
 * a socket file left by a dead process is replaced, a live one is never
 * taken over, and anything else at the path is left alone.
 *
 * @module
 */

import { ConnectionError } from "../errors.ts";
import { connectionFailure, toConnectionError } from "./connection_failure.ts";
import type { Endpoint } from "./endpoint.ts";

/** The file operations {@linkcode clearStaleSocket} needs, given by a runtime. */
export interface SocketFileSystem {
  /** What is at `path`: nothing, a unix socket, or something else. */
  kind(path: string): Promise<"missing" | "socket" | "other">;
  /** Connects to the socket at `path`; resolves to a way to hang up, or rejects (refused, not found). */
  connect(path: string): Promise<{ close(): void }>;
  /** Removes the file at `path`. */
  remove(path: string): Promise<void>;
}

/**
 * Makes `endpoint.path` free to listen on, or says why it is not.
 *
 * - Nothing there: nothing to do.
 * - A socket nobody accepts on (connect refused): stale, so it is removed.
 * - A socket that accepts a connection: live, `ConnectionError` "addr-in-use".
 * - Anything that is not a socket: `ConnectionError` "addr-in-use", untouched.
 *
 * @param endpoint The `ipc://` endpoint about to be listened on.
 * @param files The runtime's file operations.
 * @returns Resolves once the path is free.
 * @throws {ConnectionError} "addr-in-use" as above; other codes when probing fails otherwise.
 *
 * @example A stale socket file is removed
 * ```ts
 * import { clearStaleSocket } from "./clear_stale_socket.ts";
 * import { parseEndpoint } from "./endpoint.ts";
 * import assert from "node:assert/strict";
 *
 * const removed: string[] = [];
 * await clearStaleSocket(parseEndpoint("ipc:///tmp/doc.sock"), {
 *   kind: () => Promise.resolve("socket"),
 *   connect: () => Promise.reject(Object.assign(new Error("refused"), { code: "ECONNREFUSED" })),
 *   remove: (path) => Promise.resolve(void removed.push(path)),
 * });
 * assert.deepEqual(removed, ["/tmp/doc.sock"]);
 * ```
 */
export async function clearStaleSocket(
  endpoint: Endpoint,
  files: SocketFileSystem,
): Promise<void> {
  const path = endpoint.path;
  const action = `Cannot listen on ${endpoint.url}`;
  const kind = await files.kind(path);
  if (kind === "missing") return;
  if (kind === "other") {
    throw new ConnectionError(
      `${action}: address in use, the path exists and is not a socket`,
      { code: "addr-in-use" },
    );
  }
  let peer: { close(): void };
  try {
    peer = await files.connect(path);
  } catch (error) {
    const failure = connectionFailure(error);
    if (failure === "not-found") return;
    if (failure !== "refused") throw toConnectionError(error, action);
    await removeStale(path, files, action);
    return;
  }
  peer.close();
  throw new ConnectionError(
    `${action}: address in use, a live listener accepts on it`,
    { code: "addr-in-use" },
  );
}

async function removeStale(
  path: string,
  files: SocketFileSystem,
  action: string,
): Promise<void> {
  try {
    await files.remove(path);
  } catch (error) {
    if (connectionFailure(error) !== "not-found") {
      throw toConnectionError(error, `${action}: cannot remove stale socket`);
    }
  }
}
