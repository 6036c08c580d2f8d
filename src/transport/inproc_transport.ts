/**
 * The in-process transport: `inproc://name` endpoints, connections made of
 * two in-memory byte pipes, no copies and no I/O.
 *
 * @module
 */

import { ConnectionError } from "../errors.ts";
import { BytePipe, DEFAULT_PIPE_HIGH_WATER_MARK } from "./_byte_pipe.ts";
import type { Endpoint } from "./endpoint.ts";
import { QueueListener } from "./queue_listener.ts";
import type {
  Connection,
  ConnectOptions,
  Listener,
  Transport,
} from "./transport.ts";

/** Options of {@linkcode connectionPair}. */
export interface ConnectionPairOptions {
  /**
   * Bytes waiting for the reader, per direction, before writes wait; the
   * writable queues as many again before `writer.ready` waits.
   * @default 65536
   */
  highWaterMark?: number;
}

/** Options of {@linkcode inproc}. */
export interface InprocOptions extends ConnectionPairOptions {
  /**
   * Gives this transport a namespace of its own: its listeners are reachable
   * only through this same transport object. Otherwise every `inproc()`
   * transport of the process shares one namespace, so two sockets created
   * independently find each other by name.
   * @default false
   */
  isolated?: boolean;
}

type Namespace = Map<string, InprocListener>;

const SHARED_NAMESPACE: Namespace = new Map();
let pairCount = 0;

class InprocConnection implements Connection {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  readonly localAddress: string;
  readonly remoteAddress: string;
  readonly closed: Promise<void>;
  #pipes: [BytePipe, BytePipe];

  constructor(inbound: BytePipe, outbound: BytePipe, address: string) {
    this.readable = inbound.readable;
    this.writable = outbound.writable;
    this.localAddress = address;
    this.remoteAddress = address;
    this.#pipes = [inbound, outbound];
    this.closed = Promise.all([inbound.finished, outbound.finished]).then(
      () => {},
    );
  }

  close(): Promise<void> {
    this.#pipes[0].end();
    this.#pipes[1].end();
    return this.closed;
  }
}

function makePair(
  address: string,
  highWaterMark: number,
): [Connection, Connection] {
  if (!(highWaterMark >= 0)) {
    throw new RangeError(
      `Cannot create connection to ${address}: highWaterMark must be >= 0, got ${highWaterMark}`,
    );
  }
  const there = new BytePipe(address, highWaterMark);
  const back = new BytePipe(address, highWaterMark);
  return [
    new InprocConnection(back, there, address),
    new InprocConnection(there, back, address),
  ];
}

/**
 * Makes two connected in-memory connections: what one writes, the other reads.
 *
 * - A chunk is handed to the reader as is, not copied: a writer must not
 *   modify a chunk after writing it.
 * - Backpressure counts bytes: up to `highWaterMark` bytes wait for the
 *   reader, and the writable queues up to `highWaterMark` more; so with a
 *   reader that does not read, at most about 2 × `highWaterMark` bytes (plus
 *   the chunk that crosses the mark) are accepted before `writer.ready` waits.
 * - `writer.close()` ends the peer's readable once it has read everything.
 * - `close()` on either end ends both streams of both ends (unread bytes are
 *   dropped, further writes fail with `ConnectionError` "closed"), and `closed`
 *   resolves on both.
 *
 * @param options The bytes in flight per direction.
 * @returns The two ends.
 * @throws {RangeError} When `highWaterMark` is negative.
 *
 * @example Writing on one end, reading on the other
 * ```ts
 * import { connectionPair } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const [a, b] = connectionPair({ highWaterMark: 1024 });
 * const writer = a.writable.getWriter();
 * const reader = b.readable.getReader();
 * const chunk = new Uint8Array([1, 2, 3]);
 * void writer.write(chunk);
 * assert.equal((await reader.read()).value, chunk); // the same object
 * await a.close();
 * assert.equal((await reader.read()).done, true);
 * await b.closed;
 * ```
 */
export function connectionPair(
  options: ConnectionPairOptions = {},
): [Connection, Connection] {
  pairCount += 1;
  return makePair(
    `inproc://pair-${pairCount}`,
    options.highWaterMark ?? DEFAULT_PIPE_HIGH_WATER_MARK,
  );
}

class InprocListener extends QueueListener {
  readonly highWaterMark: number;

  constructor(url: string, highWaterMark: number, onClose: () => void) {
    super(url, { onClose });
    this.highWaterMark = highWaterMark;
  }
}

function connectTo(
  namespace: Namespace,
  endpoint: Endpoint,
  options: ConnectOptions,
): Promise<Connection> {
  options.signal?.throwIfAborted();
  checkScheme(endpoint, "connect to");
  const listener = namespace.get(endpoint.host);
  if (listener === undefined || listener.isClosed) {
    throw new ConnectionError(
      `Cannot connect to ${endpoint.url}: refused, no listener bound to that name`,
      { code: "refused" },
    );
  }
  const [mine, theirs] = makePair(endpoint.url, listener.highWaterMark);
  listener.push(theirs);
  return Promise.resolve(mine);
}

function listenOn(
  namespace: Namespace,
  endpoint: Endpoint,
  highWaterMark: number,
): Listener {
  checkScheme(endpoint, "listen on");
  const name = endpoint.host;
  if (namespace.has(name)) {
    throw new ConnectionError(
      `Cannot listen on ${endpoint.url}: address in use`,
      { code: "addr-in-use" },
    );
  }
  const listener = new InprocListener(endpoint.url, highWaterMark, () => {
    if (namespace.get(name) === listener) namespace.delete(name);
  });
  namespace.set(name, listener);
  return listener;
}

function checkScheme(endpoint: Endpoint, action: string): void {
  if (endpoint.scheme !== "inproc") {
    throw new TypeError(
      `Cannot ${action} ${endpoint.url}: the inproc transport serves inproc:// only`,
    );
  }
}

/**
 * The in-process transport, for `inproc://name` endpoints.
 *
 * - Binding a name already bound is `ConnectionError` "addr-in-use";
 *   connecting to a name nobody binds is `ConnectionError` "refused".
 * - Closing the listener frees the name and refuses new connections;
 *   connections already made stay open.
 * - Connections behave like {@linkcode connectionPair}'s (no copy, byte
 *   backpressure); a connection takes its `highWaterMark` from the listener's
 *   transport.
 *
 * @param options Namespace and bytes in flight per direction.
 * @returns The transport.
 * @throws {RangeError} When `highWaterMark` is negative.
 *
 * @example Two independently made transports meet by name
 * ```ts
 * import { ConnectionError, inproc, parseEndpoint } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const endpoint = parseEndpoint("inproc://doc-inproc");
 * const listener = await inproc().listen(endpoint);
 * const client = await inproc().connect(endpoint);
 * const server = (await listener[Symbol.asyncIterator]().next()).value!;
 * await listener.close();
 * await assert.rejects(inproc().connect(endpoint), (error: unknown) =>
 *   error instanceof ConnectionError && error.code === "refused");
 * await client.close();
 * await server.closed;
 * ```
 */
export function inproc(options: InprocOptions = {}): Transport {
  const highWaterMark = options.highWaterMark ?? DEFAULT_PIPE_HIGH_WATER_MARK;
  if (!(highWaterMark >= 0)) {
    throw new RangeError(
      `Cannot create inproc transport: highWaterMark must be >= 0, got ${highWaterMark}`,
    );
  }
  const namespace: Namespace = options.isolated === true
    ? new Map()
    : SHARED_NAMESPACE;
  return {
    scheme: "inproc",
    connect: (endpoint, connectOptions = {}) =>
      Promise.resolve().then(() =>
        connectTo(namespace, endpoint, connectOptions)
      ),
    listen: (endpoint) =>
      Promise.resolve().then(() =>
        listenOn(namespace, endpoint, highWaterMark)
      ),
  };
}
