// Points node_modules/.bin/deno at the npm package's launcher (bin.cjs)
// instead of the raw binary that the deno package's own install step links.
//
// Why: in a folder with node_modules, `deno task` runs every command found in
// node_modules/.bin as a JavaScript program, and that includes `deno` itself.
// With the raw binary there, every task that calls `deno` dies with
// "Uncaught SyntaxError: Invalid or unexpected token". The launcher is
// JavaScript that starts the binary, so `deno task test` and `npm run demo`
// work. `npm ci` and `npm install` run this through the "prepare" script.

import {
  existsSync,
  lstatSync,
  readlinkSync,
  symlinkSync,
  unlinkSync,
} from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const launcher = join(root, "node_modules", "deno", "bin.cjs");
const link = join(root, "node_modules", ".bin", "deno");
const target = join("..", "deno", "bin.cjs");

if (process.platform !== "win32" && existsSync(launcher)) {
  const stat = lstatSync(link, { throwIfNoEntry: false });
  if (!stat?.isSymbolicLink() || readlinkSync(link) !== target) {
    if (stat !== undefined) unlinkSync(link);
    symlinkSync(target, link);
    process.stdout.write(`linked node_modules/.bin/deno -> ${target}\n`);
  }
}
