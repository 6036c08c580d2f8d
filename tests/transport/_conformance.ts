/**
 * The transport conformance suite: what every transport (inproc, and TCP,
 * IPC, TLS in each runtime) must do the same way. A runtime's test file calls
 * {@linkcode transportConformance} once per transport.
 *
 * Set `MSG_TS_TRANSPORT_STATS=1` to print what the suite measures (echo
 * throughput, bytes a stalled writer got accepted).
 *
 * @module
 */

import assert from "node:assert/strict";
import { parseEndpoint } from "../../src/transport/endpoint.ts";
import type { Connection, Transport } from "../../src/transport/transport.ts";
import { SEED } from "../_helpers/fc.ts";
import { test, within } from "../_helpers/test.ts";
import {
  chunkSizes,
  drain,
  random,
  randomBytes,
  readExactly,
  writeChunks,
} from "./_bytes.ts";
import {
  echo,
  expectClosed,
  expectPeerClosed,
  fillUntilBlocked,
  isCode,
  link,
  report,
  STALL_BOUND,
  unlink,
} from "./_links.ts";

/** What a transport under test provides. */
export interface ConformanceSetup {
  /** The transport; it both listens and connects. */
  transport: Transport;
  /** A fresh endpoint to listen on (port 0, a new socket path, a new name). */
  endpoint: () => string;
  /** Releases what the setup made (temporary directories). */
  teardown?: () => Promise<void>;
}

/**
 * Tests a transport is known to fail, each with the reason; they are
 * registered as ignored so the gap stays visible.
 */
export interface ConformanceOptions {
  /** Reasons, by test. */
  knownIssues?: Partial<Record<"stalled-reader" | "half-close", string>>;
}

const ECHO_BYTES = 10 * 1024 * 1024;
const HALF_CLOSE_BYTES = 2 * 1024 * 1024;
const CONNECTIONS = 64;

interface CaseOptions {
  timeout?: number;
  issue?: string | undefined;
}

/**
 * Declares the conformance tests for one transport.
 *
 * @param label Names the transport in test names: `"Deno tcp"`.
 * @param setup Called at the start of every test.
 * @param options Known issues, registered as ignored tests.
 */
export function transportConformance(
  label: string,
  setup: () => Promise<ConformanceSetup>,
  options: ConformanceOptions = {},
): void {
  const issues = options.knownIssues ?? {};
  function conformance(
    name: string,
    fn: (setup: ConformanceSetup) => Promise<void>,
    { timeout = 30_000, issue }: CaseOptions = {},
  ): void {
    const suffix = issue === undefined ? "" : ` (known issue: ${issue})`;
    test(`${label} transport ${name}${suffix}`, async () => {
      const made = await setup();
      try {
        await fn(made);
      } finally {
        await made.teardown?.();
      }
    }, { timeout, ignore: issue !== undefined });
  }

  conformance(
    "echoes 10 MB in random chunk sizes intact and in order",
    async (s) => {
      const parts = await link(s);
      try {
        const next = random(SEED);
        const data = randomBytes(ECHO_BYTES, next);
        const sizes = chunkSizes(ECHO_BYTES, next);
        const started = performance.now();
        const echoed = echo(parts.server);
        await Promise.all([
          writeChunks(parts.client.writable, data, sizes, false),
          readExactly(parts.client.readable, data),
        ]);
        const seconds = (performance.now() - started) / 1000;
        report(
          `${label}: echo of 10 MB in ${sizes.length} chunks, ${
            (10 / seconds).toFixed(0)
          } MB/s`,
        );
        await parts.client.close();
        await within(echoed, 10_000, "the echo ends after close()");
      } finally {
        await unlink(parts);
      }
    },
    { timeout: 90_000 },
  );

  conformance(
    "writer.close() ends the peer's readable after the last byte, and only that direction",
    async (s) => {
      const parts = await link(s);
      try {
        const data = randomBytes(HALF_CLOSE_BYTES, random(SEED));
        const received = readExactly(parts.server.readable, data);
        await writeChunks(
          parts.client.writable,
          data,
          [HALF_CLOSE_BYTES],
          true,
        );
        await within(received, 10_000, "every byte before end of stream");
        assert.equal(
          await within(drain(parts.server.readable), 10_000, "end of stream"),
          0,
        );
        const reply = new Uint8Array([42]);
        await within(
          Promise.all([
            writeChunks(parts.server.writable, reply, [1], true),
            readExactly(parts.client.readable, reply),
          ]),
          5_000,
          "reply",
        );
        assert.equal(
          await within(
            drain(parts.client.readable),
            5_000,
            "reply's end of stream",
          ),
          0,
        );
        await within(
          Promise.all([parts.client.closed, parts.server.closed]),
          5_000,
          "closed",
        );
      } finally {
        await unlink(parts);
      }
    },
    { issue: issues["half-close"] },
  );

  conformance(
    "makes writer.ready wait, with bounded memory, while the reader stalls",
    async (s) => {
      const parts = await link(s);
      try {
        const writer = parts.client.writable.getWriter();
        const accepted = await fillUntilBlocked(writer);
        report(
          `${label}: stalled reader, writer blocked after ${accepted} bytes`,
        );
        assert.ok(accepted <= STALL_BOUND, `accepted ${accepted} bytes`);
        const reader = parts.server.readable.getReader();
        let read = 0;
        while (read < accepted) read += (await reader.read()).value!.byteLength;
        await within(writer.ready, 10_000, "writer.ready once the reader read");
        reader.releaseLock();
        writer.releaseLock();
      } finally {
        await unlink(parts);
      }
    },
    { timeout: 60_000, issue: issues["stalled-reader"] },
  );

  for (const side of ["client", "server"] as const) {
    conformance(
      `close() from the ${side} ends both streams on both ends`,
      async (s) => {
        const parts = await link(s);
        try {
          const closer = side === "client" ? parts.client : parts.server;
          const other = side === "client" ? parts.server : parts.client;
          await within(closer.close(), 5_000, "close()");
          await within(expectClosed(closer), 5_000, "closer's streams end");
          await within(expectPeerClosed(other), 10_000, "peer's streams end");
        } finally {
          await unlink(parts);
        }
      },
    );
  }

  conformance(
    "listener close() refuses new connections and keeps accepted ones",
    async (s) => {
      const parts = await link(s);
      try {
        await parts.listener.close();
        await assert.rejects(
          s.transport.connect(parseEndpoint(parts.listener.endpoint)),
          isCode("refused"),
        );
        void echo(parts.server);
        const data = new Uint8Array([1, 2, 3, 4]);
        await Promise.all([
          writeChunks(parts.client.writable, data, [2, 2], false),
          readExactly(parts.client.readable, data),
        ]);
      } finally {
        await unlink(parts);
      }
    },
  );
  conformance(`serves ${CONNECTIONS} concurrent connections`, async (s) => {
    const listener = await s.transport.listen(parseEndpoint(s.endpoint()));
    const servers: Connection[] = [];
    const serving = (async () => {
      for await (const connection of listener) {
        servers.push(connection);
        void echo(connection);
        if (servers.length === CONNECTIONS) return;
      }
    })();
    const clients: Connection[] = [];
    try {
      await Promise.all(Array.from({ length: CONNECTIONS }, async (_, i) => {
        const client = await s.transport.connect(
          parseEndpoint(listener.endpoint),
        );
        clients.push(client);
        const data = new TextEncoder().encode(`connection ${i} `.repeat(100));
        await Promise.all([
          writeChunks(client.writable, data, [data.byteLength], false),
          readExactly(client.readable, data),
        ]);
      }));
      await within(serving, 10_000, "every connection accepted");
    } finally {
      await Promise.all([...clients, ...servers].map((c) => c.close()));
      await listener.close();
    }
  });

  conformance(
    "connect to an endpoint nobody listens on is refused",
    async (s) => {
      const listener = await s.transport.listen(parseEndpoint(s.endpoint()));
      await listener.close();
      await assert.rejects(
        s.transport.connect(parseEndpoint(listener.endpoint)),
        isCode("refused"),
      );
    },
  );

  conformance(
    "connect rejects with the signal's reason when aborted",
    async (s) => {
      const listener = await s.transport.listen(parseEndpoint(s.endpoint()));
      try {
        const reason = new Error("stop");
        await assert.rejects(
          s.transport.connect(parseEndpoint(listener.endpoint), {
            signal: AbortSignal.abort(reason),
          }),
          (error) => error === reason,
        );
      } finally {
        await listener.close();
      }
    },
  );
}
