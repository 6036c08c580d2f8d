// deno-lint-ignore-file explicit-module-boundary-types -- plain JavaScript for Node 20, which has no type syntax
// Compiles the roles (and what they import: mod.ts, src/, runtimes/) for
// Node into a private temporary directory, with the settings of
// tsconfig.tests.json. Not into build/: `npm test` and other runs delete and
// rebuild build/ as they please, and a role must not vanish mid-scenario.
// The directory gets a package.json ("type": "module") and a node_modules
// link to the project's, so the compiled files resolve their packages.

import { spawnSync } from "node:child_process";
import {
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

/**
 * Compiles every tests/interop/roles/*_role.ts and tests/_helpers/certs.ts.
 * Returns `{ dir, remove() }`; the role `x_role` is at
 * `<dir>/tests/interop/roles/x_role.js`.
 */
export function buildForNode(root) {
  const dir = mkdtempSync(join(tmpdir(), "msg-ts-interop-node-"));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const rolesDir = join(root, "tests", "interop", "roles");
    const roles = readdirSync(rolesDir)
      .filter((name) => name.endsWith("_role.ts"))
      .map((name) => join(rolesDir, name));
    writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
    symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
    const config = {
      extends: join(root, "tsconfig.tests.json"),
      compilerOptions: { rootDir: root, outDir: dir },
      files: [...roles, join(root, "tests", "_helpers", "certs.ts")],
      include: [],
    };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(config));
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
    const result = spawnSync(process.execPath, [tsc, "-p", dir], {
      cwd: root,
      encoding: "utf8",
      timeout: 180_000,
    });
    if (result.status !== 0) {
      const why = result.error?.message ?? `exit ${result.status}`;
      const output = `${result.stdout}${result.stderr}`.trim().slice(-2_000);
      throw new Error(`tsc for the Node roles failed (${why}): ${output}`);
    }
    return { dir, remove };
  } catch (error) {
    remove();
    throw error;
  }
}
