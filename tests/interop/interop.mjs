// Cross-runtime interop with real processes: publishers, subscribers, reps
// and reqs run as separate Deno, Bun and Node processes (tests/interop/roles,
// one TypeScript source per role; Node runs its build/ copy) and talk over
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

import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
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

/** Newest modification time of a file or of anything under a directory. */
function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (max, entry) => Math.max(max, newest(join(path, entry))),
    stat.mtimeMs,
  );
}

/** Compiles the roles for Node (tsconfig.tests.json) unless build/ is current. */
function ensureBuild() {
  const roles = readdirSync(join(ROOT, "tests", "interop", "roles"))
    .filter((name) => name.endsWith("_role.ts"));
  const outputs = [
    join("build", "mod.js"),
    join("build", "tests", "_helpers", "certs.js"),
    ...roles.map((name) =>
      join("build", "tests", "interop", "roles", name.replace(/ts$/, "js"))
    ),
  ].map((path) => join(ROOT, path));
  const sources = [
    "mod.ts",
    "src",
    "runtimes",
    "tests/_helpers",
    "tests/interop/roles",
  ];
  const built = outputs.every(existsSync) &&
    Math.min(...outputs.map(newest)) >=
      Math.max(...sources.map((s) => newest(join(ROOT, s))));
  if (built) return;
  process.stdout.write(
    "# building roles for Node: tsc -p tsconfig.tests.json\n",
  );
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const result = spawnSync(
    process.execPath,
    [tsc, "-p", "tsconfig.tests.json"],
    {
      cwd: ROOT,
      stdio: "inherit",
      timeout: 180_000,
    },
  );
  if (result.status !== 0) {
    throw new Error(`tsc failed (${result.status ?? result.signal})`);
  }
}

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

function makeContext(dir, children, certs) {
  return {
    start(spec) {
      const child = startRole(ROOT, spec);
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
      return writeTls(dir, certs(), transport === "mtls");
    },
  };
}

/** Runs one scenario within TIMEOUT_MS; cleans up children and temp files. */
async function runScenario(scenario, certs) {
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
  const running = scenario.run(makeContext(dir, children, certs));
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

async function main() {
  process.stdout.write("# tests/interop/interop.mjs\n");
  const filter = process.argv[2];
  const chosen = SCENARIOS.filter((s) =>
    filter === undefined || s.name.includes(filter)
  );
  let passed = 0;
  let failed = 0;
  try {
    ensureBuild();
  } catch (error) {
    process.stdout.write(
      `FAIL build: ${error.message}\n0 passed, ${chosen.length} failed\n`,
    );
    process.exit(1);
  }
  const helpers = pathToFileURL(
    join(ROOT, "build", "tests", "_helpers", "certs.js"),
  );
  const { testCerts } = await import(helpers.href);
  for (const scenario of chosen) {
    if (await runScenario(scenario, testCerts)) passed++;
    else failed++;
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exit(failed > 0 || passed === 0 ? 1 : 0);
}

await main();
