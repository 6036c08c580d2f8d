/**
 * 100 connect/disconnect cycles leave nothing behind: no timer or handle
 * (Deno's sanitizers, and a count of active resources in Bun and Node), no
 * state in the sockets, no memory growth.
 *
 * @module
 */

import assert from "node:assert/strict";
import process from "node:process";
import v8 from "node:v8";
import vm from "node:vm";
import { PubSocket } from "../../src/socket/pub_socket.ts";
import { RepSocket } from "../../src/socket/rep_socket.ts";
import { ReqSocket } from "../../src/socket/req_socket.ts";
import { SubSocket } from "../../src/socket/sub_socket.ts";
import { test, within } from "../_helpers/test.ts";
import { serve } from "../socket/_reqrep_conformance.ts";
import { SETUPS, type SocketSetup } from "../socket/_setups.ts";
import { measured, nextEvent } from "./_events.ts";

const CYCLES = 100;
/**
 * A leaked connection keeps at least a 64 KiB write slab at each end, so
 * 100 leaked cycles would hold 12.8 MiB or more; allocator noise stays far
 * below this bound.
 */
const MAX_GROWTH = 4 * 1024 * 1024;

/**
 * Full garbage collections, in every runtime. V8 needs two: the first runs
 * the weak callbacks that free array buffers' memory, the second counts it
 * as gone.
 */
function collectGarbage(): void {
  const bun = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun;
  if (bun !== undefined) return bun.gc(true);
  v8.setFlagsFromString("--expose-gc");
  const gc = vm.runInNewContext("gc") as () => void;
  gc();
  gc();
}

/** Live JS heap plus the memory of array buffers, in bytes, after a full collection. */
function liveBytes(): number {
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

/** Counts of active handles by kind (Bun and Node; Deno returns what it can). */
function handles(): string {
  const info = (process as { getActiveResourcesInfo?: () => string[] })
    .getActiveResourcesInfo?.() ?? [];
  return info.filter((kind) => kind !== "TTYWrap").sort().join(",");
}

/** Makes a connected pair, runs one cycle at a time, reports what is left. */
interface Scenario {
  name: string;
  /** Binds the server side and makes the client; nothing connected yet. */
  setUp(setup: SocketSetup): Promise<{
    cycle(): Promise<void>;
    check(cycles: number): void;
    close(): Promise<void>;
  }>;
}

const SCENARIOS: Scenario[] = [{
  // A request per cycle would be retained by ReqSocket for its timeout (see
  // the report on request deadlines): the cycle is connect, handshake,
  // disconnect.
  name: "ReqSocket",
  async setUp(setup) {
    const transports = await setup.transports();
    const rep = new RepSocket({ transports });
    const endpoint = await rep.bind(setup.endpoint());
    void serve(rep, (r) => r.payload);
    const req = new ReqSocket({ transports });
    return {
      async cycle() {
        const gone = nextEvent(rep, "disconnect");
        await req.connect(endpoint);
        await req.disconnect(endpoint);
        await within(gone, 5_000, "the Rep to see the disconnect");
      },
      check(cycles) {
        assert.deepEqual(req.connections(), []);
        assert.equal(req.stats.peers, 0);
        assert.equal(rep.stats.peers, 0);
        assert.equal(req.stats.connects, cycles);
        assert.equal(rep.stats.disconnects, cycles);
      },
      async close() {
        await req.close();
        await rep.close();
      },
    };
  },
}, {
  name: "SubSocket",
  async setUp(setup) {
    const transports = await setup.transports();
    const pub = new PubSocket({ transports });
    const endpoint = await pub.bind(setup.endpoint());
    const sub = new SubSocket({ transports });
    return {
      async cycle() {
        const gone = nextEvent(pub, "disconnect");
        await sub.connect(endpoint);
        await sub.subscribe("cycle.>"); // confirmed by the publisher
        await sub.unsubscribe("cycle.>");
        await sub.disconnect(endpoint);
        await within(gone, 5_000, "the Pub to see the disconnect");
      },
      check(cycles) {
        assert.deepEqual(sub.connections(), []);
        assert.equal(sub.stats.peers, 0);
        assert.equal(pub.stats.peers, 0);
        assert.deepEqual(pub.stats.subscribers, []);
        assert.equal(sub.stats.connects, cycles);
      },
      async close() {
        await sub.close();
        await pub.close();
      },
    };
  },
}];

for (const setup of SETUPS.filter((s) => ["inproc", "tcp"].includes(s.label))) {
  for (const scenario of SCENARIOS) {
    test(
      `[${setup.label}] 100 ${scenario.name} connect/disconnect cycles leave no timer, handle, state or memory behind`,
      async () => {
        const pair = await scenario.setUp(setup);
        try {
          const warmUp = 10;
          for (let i = 0; i < warmUp; i++) await pair.cycle();
          const handlesBefore = handles();
          const before = liveBytes();
          const rssBefore = process.memoryUsage().rss;
          const started = performance.now();
          for (let i = 0; i < CYCLES; i++) await pair.cycle();
          const took = performance.now() - started;
          const after = liveBytes();
          const rssAfter = process.memoryUsage().rss;
          const mib = (bytes: number) => bytes / 1024 / 1024;
          const what = `[${setup.label}] ${scenario.name}`;
          measured(`${what}: ${CYCLES} cycles`, took);
          measured(`${what}: heap+external before`, mib(before), "MiB");
          measured(`${what}: heap+external after`, mib(after), "MiB");
          measured(`${what}: rss before`, mib(rssBefore), "MiB");
          measured(`${what}: rss after`, mib(rssAfter), "MiB");
          assert.ok(
            after - before < MAX_GROWTH,
            `grew by ${after - before} bytes over ${CYCLES} cycles`,
          );
          assert.equal(handles(), handlesBefore);
          pair.check(warmUp + CYCLES);
        } finally {
          await pair.close();
        }
      },
      { timeout: 60_000 },
    );
  }
}
