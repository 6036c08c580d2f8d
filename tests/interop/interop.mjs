// Cross-runtime interop with real processes: publishers, subscribers, reps
// and reqs run as separate Deno, Bun and Node processes (tests/interop/roles,
// one TypeScript source per role; Node runs a copy that lib/node_build.mjs
// compiles into a temporary directory) and talk over
// loopback TCP, TLS and unix sockets in a temporary directory. Every message
// is accounted for (see lib/scenarios.mjs).
//
//   node tests/interop/interop.mjs [name-filter]
//
// Prints `ok <scenario> …` or `FAIL <scenario>: <reasons>` per scenario and
// `N passed, N failed` last; exits with 1 on any failure. Each scenario is
// bounded by MSG_TS_INTEROP_TIMEOUT_MS (default 90 s): past it, its children
// are killed and it fails, naming the lines still awaited.
// MSG_TS_INTEROP_COUNT sets the messages per sender (default 10,000).

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildForNode } from "./lib/node_build.mjs";
import { startRole } from "./lib/role_process.mjs";
import { pubSub, refusal, reqRep } from "./lib/scenarios.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const TIMEOUT_MS = Number(process.env.MSG_TS_INTEROP_TIMEOUT_MS ?? 90_000);
const COUNT = Number(process.env.MSG_TS_INTEROP_COUNT ?? 10_000);
const WINDOW = 64;

/**
 * Publisher × subscribers and rep × reqs, per transport: every runtime plays
 * every role at least once, and each transport links different runtimes.
 * `stall` makes the last subscriber stop reading for that many ms halfway,
 * so the blocking publisher must wait for it.
 */
const PUB_SUB = [
  { pub: "deno", subs: ["bun", "node"], transport: "tcp" },
  { pub: "deno", subs: ["bun", "node"], transport: "ipc" },
  { pub: "node", subs: ["deno", "bun"], transport: "tcp", stall: 500 },
  { pub: "bun", subs: ["deno", "node"], transport: "ipc", stall: 500 },
  { pub: "deno", subs: ["bun", "node"], transport: "tls" },
];
const REQ_REP = [
  { rep: "bun", reqs: ["deno", "node"], transport: "tcp" },
  { rep: "bun", reqs: ["deno", "node"], transport: "ipc" },
  { rep: "bun", reqs: ["deno", "node"], transport: "mtls" },
  { rep: "deno", reqs: ["node", "bun"], transport: "tcp" },
  { rep: "node", reqs: ["bun", "deno"], transport: "tls" },
];
/** A rep and sockets of the wrong type (runtime, type) that connect to it. */
const REFUSAL = [
  { rep: "bun", wrong: [["deno", "sub"], ["node", "pub"]], transport: "tcp" },
  { rep: "deno", wrong: [["node", "sub"], ["bun", "rep"]], transport: "ipc" },
];

const SCENARIOS = [
  ...PUB_SUB.map((spec) => ({
    name: `pub ${spec.pub} → sub ${spec.subs.join("+")} over ${spec.transport}`,
    run: (ctx) => pubSub(ctx, { ...spec, count: COUNT }),
  })),
  ...REQ_REP.map((spec) => ({
    name: `rep ${spec.rep} ← req ${spec.reqs.join("+")} over ${spec.transport}`,
    run: (ctx) => reqRep(ctx, { ...spec, count: COUNT, window: WINDOW }),
  })),
  ...REFUSAL.map((spec) => ({
    name: `rep ${spec.rep} refuses ${
      spec.wrong.map(([runtime, type]) => `${type} ${runtime}`).join(" and ")
    } over ${spec.transport}`,
    run: (ctx) => refusal(ctx, spec),
  })),
];

/** Writes TLS options as JSON files for the roles: server side, client side. */
function writeTls(dir, certs, mutual) {
  const server = {
    cert: certs.serverCert,
    key: certs.serverKey,
    ca: certs.ca,
    requestClientCert: mutual,
  };
  const client = mutual
    ? { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey }
    : { ca: certs.ca };
  const paths = {
    server: join(dir, "server-tls.json"),
    client: join(dir, "client-tls.json"),
  };
  writeFileSync(paths.server, JSON.stringify(server), { mode: 0o600 });
  writeFileSync(paths.client, JSON.stringify(client), { mode: 0o600 });
  return paths;
}

function makeContext(dir, children, node) {
  return {
    start(spec) {
      const child = startRole(ROOT, node.dir, spec);
      children.push(child);
      return child;
    },
    bindEndpoint(transport) {
      if (transport === "ipc") return `ipc://${join(dir, "interop.sock")}`;
      const scheme = transport === "tcp" ? "tcp" : "tls";
      return `${scheme}://127.0.0.1:0`;
    },
    tlsFiles(transport) {
      if (transport !== "tls" && transport !== "mtls") return undefined;
      return writeTls(dir, node.testCerts(), transport === "mtls");
    },
  };
}

/** Runs one scenario within TIMEOUT_MS; cleans up children and temp files. */
async function runScenario(scenario, node) {
  const dir = mkdtempSync(join(tmpdir(), "msg-ts-interop-"));
  const children = [];
  const began = performance.now();
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      const waiting = children.flatMap((child) => child.pending());
      reject(
        new Error(
          `timed out after ${TIMEOUT_MS / 1000} s waiting for ${
            waiting.join(", ") || "nothing"
          }; ` +
            children.map((child) => child.describeExit()).join("; "),
        ),
      );
    }, TIMEOUT_MS);
  });
  const running = scenario.run(makeContext(dir, children, node));
  running.catch(() => {}); // after a timeout its rejection is no news
  let outcome;
  try {
    outcome = await Promise.race([running, timeout]);
  } catch (error) {
    outcome = {
      problems: [error instanceof Error ? error.message : String(error)],
    };
  } finally {
    clearTimeout(timer);
    for (const child of children) child.kill();
    await Promise.all(children.map((child) => child.exited));
    rmSync(dir, { recursive: true, force: true });
  }
  const seconds = ((performance.now() - began) / 1000).toFixed(1);
  if (outcome.problems.length === 0) {
    process.stdout.write(
      `ok ${scenario.name} (${outcome.detail}; ${seconds} s)\n`,
    );
    return true;
  }
  process.stdout.write(
    `FAIL ${scenario.name}: ${outcome.problems.join("; ")} (${seconds} s)\n`,
  );
  return false;
}

/** Compiles the roles for Node; `testCerts` comes from that build too. */
async function prepareNode() {
  const build = buildForNode(ROOT);
  try {
    const certs = join(build.dir, "tests", "_helpers", "certs.js");
    const { testCerts } = await import(pathToFileURL(certs).href);
    return { ...build, testCerts };
  } catch (error) {
    build.remove();
    throw error;
  }
}

async function main() {
  process.stdout.write("# tests/interop/interop.mjs\n");
  const filter = process.argv[2];
  const chosen = SCENARIOS.filter((s) =>
    filter === undefined || s.name.includes(filter)
  );
  let node;
  try {
    node = await prepareNode();
  } catch (error) {
    process.stdout.write(`FAIL build: ${error.message}\n`);
    process.stdout.write(`0 passed, ${Math.max(chosen.length, 1)} failed\n`);
    process.exit(1);
  }
  let passed = 0;
  let failed = 0;
  try {
    for (const scenario of chosen) {
      if (await runScenario(scenario, node)) passed++;
      else failed++;
    }
  } finally {
    node.remove();
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}

await main();
