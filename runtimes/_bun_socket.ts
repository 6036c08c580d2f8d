/**
 * The state behind one Bun socket: Bun calls one set of handlers for every
 * socket, and each socket's `data` holds its {@linkcode SocketState}, which
 * turns those calls into a {@linkcode Connection}.
 *
 * @module
 */

import { ConnectionError } from "../src/errors.ts";
import {
  connectionFailure,
  toConnectionError,
} from "../src/transport/connection_failure.ts";
import { PushChannel } from "../src/transport/push_channel.ts";
import { hostUrl } from "../src/transport/host_url.ts";
import { streamConnection } from "../src/transport/stream_connection.ts";
import type { Connection } from "../src/transport/transport.ts";

/** The parts of Bun's `Socket` used here, typed locally. */
export interface BunSocket {
  /** Per-socket user data: the socket's {@linkcode SocketState}. */
  data: unknown;
  /** Writes what the socket can take now; returns the count, -1 once closed. */
  write(bytes: Uint8Array): number;
  /** Closes the socket; on TLS only the sending direction, like `shutdown()`. */
  end(): void;
  /** Closes the socket, both ways, TLS too (Bun 1.4). */
  close?(): void;
  /** Closes the socket at once (RST). */
  terminate(): void;
  /** Ends the sending direction only. */
  shutdown(halfClose?: boolean): void;
  /** Stops reading. */
  pause(): void;
  /** Reads again. */
  resume(): void;
  /** Sets `TCP_NODELAY`. */
  setNoDelay?(noDelay?: boolean): boolean;
  /** This side's IP address. */
  readonly localAddress?: string;
  /** This side's port. */
  readonly localPort?: number;
  /** The peer's IP address. */
  readonly remoteAddress?: string;
  /** The peer's port. */
  readonly remotePort?: number;
}

/** Options of {@linkcode SocketState}. */
export interface SocketStateOptions {
  /** The socket speaks TLS: it is ready only after a successful handshake. @default false */
  tls?: boolean;
  /** A handshake that did not verify the peer's certificate fails. @default false */
  verifyPeer?: boolean;
}

/**
 * One socket's state, fed by Bun's handlers.
 *
 * - `ready` resolves once the socket is open (TCP, IPC) or its TLS handshake
 *   succeeded; it rejects when the socket fails or closes before that.
 * - From `opened()` on, bytes go to a {@linkcode PushChannel}, which pauses
 *   the socket while nobody reads, so nothing is lost before `connection()`.
 * - On a TLS socket, a failure Bun does not name (such as `EPROTO` when the
 *   server refuses the client's certificate) is `ConnectionError` "tls".
 */
export class SocketState {
  /** The socket's channel, once it opened. */
  channel: PushChannel | undefined;
  /** Settles once the socket can carry bytes, or cannot ever. */
  readonly ready: Promise<void>;
  #scheme: string;
  #url: string;
  #tls: boolean;
  #verifyPeer: boolean;
  #socket: BunSocket | undefined;
  #resolve!: () => void;
  #reject!: (error: unknown) => void;

  /**
   * Makes the state of a socket about to open.
   *
   * @param scheme `"tcp"`, `"ipc"` or `"tls"`.
   * @param url The endpoint, named in error messages.
   * @param options Whether the socket speaks TLS and verifies its peer.
   */
  constructor(scheme: string, url: string, options: SocketStateOptions = {}) {
    this.#scheme = scheme;
    this.#url = url;
    this.#tls = options.tls ?? false;
    this.#verifyPeer = options.verifyPeer ?? false;
    this.ready = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.ready.catch(() => {/* seen by whoever awaits it */});
  }

  /**
   * Bun's `open`: the socket is connected.
   *
   * @param socket The socket.
   */
  opened(socket: BunSocket): void {
    this.#socket = socket;
    if (this.#scheme !== "ipc") socket.setNoDelay?.(true);
    this.channel = new PushChannel({
      write: (bytes) => socket.write(bytes),
      end: () => socket.shutdown(),
      pause: () => socket.pause(),
      resume: () => socket.resume(),
      // end() on a TLS socket only half-closes it; close() closes it.
      destroy: () => socket.close === undefined ? socket.end() : socket.close(),
      // Bun's write() sends what it takes before returning (checked by
      // scribbling over written arrays under backpressure); TLS is left out.
      copiesOnWrite: !this.#tls,
    }, this.#url);
    if (!this.#tls) this.#resolve();
  }

  /**
   * Bun's `data`.
   *
   * @param chunk Bytes Bun will not reuse.
   */
  received(chunk: Uint8Array): void {
    this.channel?.received(
      new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength),
    );
  }

  /**
   * Bun's `handshake` (TLS only).
   *
   * @param success Whether the handshake completed.
   * @param error Why the peer's certificate did not verify, if it did not.
   */
  handshaken(success: boolean, error: Error | null): void {
    if (success && (!this.#verifyPeer || error === null)) {
      this.#resolve();
      return;
    }
    this.#reject(error ?? new Error("TLS handshake failed"));
    this.#socket?.end();
  }

  /**
   * Bun's `error`.
   *
   * @param error The native error.
   */
  failed(error: unknown): void {
    this.#reject(error);
    const named = this.#tls && connectionFailure(error) === "other"
      ? toConnectionError(error, `Connection to ${this.#url} failed`, "tls")
      : error;
    this.channel?.failed(named);
  }

  /**
   * Bun's `close`.
   *
   * @param error The error that closed it, if any.
   */
  closed(error?: Error): void {
    if (error !== undefined) this.failed(error);
    this.#reject(
      new ConnectionError(`Cannot connect to ${this.#url}: connection closed`, {
        code: "closed",
      }),
    );
    this.channel?.socketClosed();
  }

  /**
   * The connection over this socket; call once `ready` resolved.
   *
   * @returns The connection.
   */
  connection(): Connection {
    const socket = this.#socket!;
    const unix = this.#scheme === "ipc";
    return streamConnection(this.channel!, {
      endpoint: this.#url,
      localAddress: unix
        ? this.#url
        : hostUrl(this.#scheme, socket.localAddress, socket.localPort),
      remoteAddress: unix
        ? this.#url
        : hostUrl(this.#scheme, socket.remoteAddress, socket.remotePort),
    });
  }
}
