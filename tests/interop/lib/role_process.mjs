// deno-lint-ignore-file explicit-module-boundary-types -- plain JavaScript for Node 20, which has no type syntax
// One interop role running as a real child process in Deno, Bun or Node,
// and the line protocol with it: lines it prints are waited for by their
// first word (`READY`, `RESULT`, …), commands go to its stdin. Children are
// not detached: killing the orchestrator's process group ends them too.

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

/**
 * The Deno binary itself: node_modules/.bin/deno is a Node launcher that
 * runs it as a grandchild, which killing the launcher would leave behind.
 */
function denoBinary(root) {
  const binary = join(root, "node_modules", "deno", "deno");
  return existsSync(binary)
    ? binary
    : join(root, "node_modules", ".bin", "deno");
}

/**
 * How each runtime runs a role: Deno and Bun the .ts source, Node its
 * compiled copy under `nodeDir` (see node_build.mjs).
 */
export function roleCommand(root, runtime, role, nodeDir) {
  const bin = join(root, "node_modules", ".bin");
  const source = join("tests", "interop", "roles", `${role}.ts`);
  switch (runtime) {
    case "deno":
      return [denoBinary(root), ["run", "-A", "--quiet", source]];
    case "bun":
      return [join(bin, "bun"), [source]];
    case "node":
      return [
        process.execPath,
        [join(nodeDir, "tests", "interop", "roles", `${role}.js`)],
      ];
    default:
      throw new TypeError(`Cannot run role ${role}: no runtime ${runtime}`);
  }
}

/** The last `max` characters of a text, on one line. */
function tail(text, max = 600) {
  const flat = text.trim().replaceAll("\n", " | ");
  return flat.length > max ? `…${flat.slice(-max)}` : flat;
}

/**
 * Starts a role. `flags` is an object of `--name value` flags. Returns a
 * handle: `waitFor(word, nth = 1)` resolves to the data after the word in
 * its nth line,
 * `send(line)`, `end()`, `exited` (resolves to the exit code, or the
 * signal's name), `kill()`, and `pending()` (the words still awaited).
 */
export function startRole(root, nodeDir, { runtime, role, flags, name }) {
  const [command, baseArgs] = roleCommand(root, runtime, role, nodeDir);
  const args = [...baseArgs];
  for (const [key, value] of Object.entries(flags)) {
    args.push(`--${key}`, String(value));
  }
  const child = spawn(command, args, {
    cwd: root,
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  const lines = [];
  const waiters = new Set();
  let stdoutRest = "";
  let stderr = "";
  let exit;
  const label = name ?? `${role} (${runtime})`;

  function describeExit() {
    const why = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
    return `${label} exited (${why}); stderr: ${tail(stderr) || "(empty)"}`;
  }

  function settle(waiter) {
    const { word, nth } = waiter;
    const found = lines.filter((l) => l === word || l.startsWith(`${word} `));
    const error = lines.find((l) => l.startsWith("ERROR "));
    if (found.length >= nth) {
      waiter.resolve(found[nth - 1].slice(word.length + 1));
    } else if (error !== undefined) {
      waiter.reject(new Error(`${label}: ${error}`));
    } else if (exit !== undefined) {
      waiter.reject(new Error(`before ${word} #${nth}, ${describeExit()}`));
    } else return;
    waiters.delete(waiter);
  }

  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    const parts = (stdoutRest + chunk).split("\n");
    stdoutRest = parts.pop() ?? "";
    lines.push(...parts.map((part) => part.trim()));
    for (const waiter of [...waiters]) settle(waiter);
  });
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-8_000);
  });
  child.stdin.on("error", () => {}); // a child that died cannot read: exit tells why
  const exited = new Promise((resolve) => {
    child.on("error", (error) => {
      stderr += `\n${error.message}`;
    });
    child.on("close", (code, signal) => {
      exit = { code, signal };
      for (const waiter of [...waiters]) settle(waiter);
      resolve(signal ?? code);
    });
  });

  return {
    label,
    exited,
    waitFor(word, nth = 1) {
      return new Promise((resolve, reject) => {
        const waiter = { word, nth, resolve, reject };
        waiters.add(waiter);
        settle(waiter);
      });
    },
    async waitForJson(word) {
      return JSON.parse(await this.waitFor(word));
    },
    send(line) {
      if (child.stdin.writable) child.stdin.write(`${line}\n`);
    },
    end() {
      if (child.stdin.writable) child.stdin.end();
    },
    kill() {
      if (exit !== undefined) return;
      child.kill("SIGKILL");
      // Whatever else holds the pipes open must not keep "close" from coming.
      for (const stream of [child.stdin, child.stdout, child.stderr]) {
        stream.destroy();
      }
    },
    pending() {
      return [...waiters].map((waiter) => `${label} ${waiter.word}`);
    },
    describeExit() {
      return exit === undefined ? `${label} still running` : describeExit();
    },
  };
}
