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

import type { Transport } from "../../src/transport/transport.ts";
import { test } from "../_helpers/test.ts";
import {
  aborted,
  closeFrom,
  concurrentConnections,
  CONNECTIONS,
  echoTenMegabytes,
  halfClose,
  linked,
  listenerClose,
  refused,
  stalledReader,
} from "./_cases.ts";

/** What a transport under test provides. */
export interface ConformanceSetup {
  /** The transport; it both listens and connects. */
  transport: Transport;
  /** A fresh endpoint to listen on (port 0, a new socket path, a new name). */
  endpoint: () => string;
  /** Releases what the setup made (temporary directories). */
  teardown?: () => Promise<void>;
}

/** Cases a transport may be known to fail. */
export type KnownIssue = "stalled-reader" | "half-close";

/**
 * Tests a transport is known to fail, each with the reason; they are
 * registered as ignored so the gap stays visible.
 */
export interface ConformanceOptions {
  /** Reasons, by case. */
  knownIssues?: Partial<Record<KnownIssue, string>>;
}

interface Case {
  name: string;
  run: (setup: ConformanceSetup, label: string) => Promise<void>;
  timeout?: number;
  issue?: KnownIssue;
}

const CASES: Case[] = [
  {
    name: "echoes 10 MB in random chunk sizes intact and in order",
    run: linked(echoTenMegabytes),
    timeout: 90_000,
  },
  {
    name:
      "writer.close() ends the peer's readable after the last byte, and only that direction",
    run: linked(halfClose),
    issue: "half-close",
  },
  {
    name:
      "makes writer.ready wait, with bounded memory, while the reader stalls",
    run: linked(stalledReader),
    timeout: 60_000,
    issue: "stalled-reader",
  },
  {
    name: "close() from the client ends both streams on both ends",
    run: linked(closeFrom("client")),
  },
  {
    name: "close() from the server ends both streams on both ends",
    run: linked(closeFrom("server")),
  },
  {
    name: "listener close() refuses new connections and keeps accepted ones",
    run: linked(listenerClose),
  },
  {
    name: `serves ${CONNECTIONS} concurrent connections`,
    run: concurrentConnections,
  },
  {
    name: "connect to an endpoint nobody listens on is refused",
    run: refused,
  },
  {
    name: "connect rejects with the signal's reason when aborted",
    run: aborted,
  },
];

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
  for (const { name, run, timeout = 30_000, issue } of CASES) {
    const reason = issue === undefined
      ? undefined
      : options.knownIssues?.[issue];
    const suffix = reason === undefined ? "" : ` (known issue: ${reason})`;
    test(`${label} transport ${name}${suffix}`, async () => {
      const made = await setup();
      try {
        await run(made, label);
      } finally {
        await made.teardown?.();
      }
    }, { timeout, ignore: reason !== undefined });
  }
}
