/**
 * Runs the doc examples of a runtime's own files in that runtime, for the
 * Bun and Node runner. `deno test --doc` runs every other example, but it
 * cannot run Bun's, nor Node's that need Node's permissions model; those are
 * marked `ts ignore` for Deno and run here, ignored or not.
 *
 * Each example becomes one test. Its imports of `@msg-ts/msg`,
 * `@msg-ts/msg/<runtime>` and relative paths are pointed at the code beside
 * the runner (the sources for Bun, the build for Node), TypeScript is
 * stripped with `typescript` when the runtime cannot run it, and the result
 * is imported from a temporary file.
 *
 * @module
 */

import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { test } from "./_helpers/test.ts";

/** One fenced example found in a doc comment. */
export interface DocExample {
  /** The `@example` title, or where the block starts. */
  title: string;
  /** The code, with the comment's leading `*` removed. */
  code: string;
}

const FENCE = /^```ts\b[^\n]*\n([\s\S]*?)^```/gm;

/**
 * Finds the fenced `ts` examples in a source file's doc comments.
 *
 * @param source The file's text.
 * @returns The examples, in file order.
 */
export function findExamples(source: string): DocExample[] {
  const text = source.split("\n").map((line) => line.replace(/^\s*\* ?/, ""))
    .join("\n");
  const examples: DocExample[] = [];
  for (const match of text.matchAll(FENCE)) {
    const before = text.slice(0, match.index);
    const title = /@example ([^\n]*)\n[^@]*$/.exec(before)?.[1]?.trim() ??
      `line ${before.split("\n").length}`;
    examples.push({ title, code: match[1]! });
  }
  return examples;
}

function pointImports(
  code: string,
  codeRoot: string,
  fromDir: string,
  ext: string,
): string {
  const target = (specifier: string): string => {
    if (specifier === "@msg-ts/msg") return join(codeRoot, `mod${ext}`);
    if (specifier.startsWith("@msg-ts/msg/")) {
      return join(codeRoot, "runtimes", `${specifier.slice(12)}${ext}`);
    }
    return resolve(fromDir, specifier.replace(/\.ts$/, ext));
  };
  return code.replace(
    /(from\s+|import\s*\(\s*)"((?:@msg-ts\/msg[^"]*)|\.{1,2}\/[^"]+)"/g,
    (_, lead: string, specifier: string) =>
      `${lead}"${pathToFileURL(target(specifier)).href}"`,
  );
}

async function toJavaScript(code: string): Promise<string> {
  const ts = (await import("typescript")).default;
  return ts.transpileModule(code, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
    },
  }).outputText;
}

async function runExample(code: string, typescript: boolean): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "msg-ts-doc-"));
  try {
    const file = join(dir, typescript ? "example.ts" : "example.mjs");
    await writeFile(file, typescript ? code : await toJavaScript(code));
    await import(pathToFileURL(file).href);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Registers one test per example in `files`.
 *
 * @param files Source files, relative to the repository root.
 * @param options `sourceRoot`: the repository; `codeRoot`: where the code to
 *   import lives; `typescript`: whether the runtime runs TypeScript.
 * @returns Resolves once every file was read.
 */
export async function registerDocExamples(
  files: string[],
  options: { sourceRoot: string; codeRoot: string; typescript: boolean },
): Promise<void> {
  const ext = options.typescript ? ".ts" : ".js";
  for (const file of files) {
    const source = await readFile(join(options.sourceRoot, file), "utf8");
    const fromDir = dirname(join(options.codeRoot, file));
    for (const example of findExamples(source)) {
      const code = pointImports(example.code, options.codeRoot, fromDir, ext);
      test(
        `doc example ${file}: ${example.title}`,
        () => runExample(code, options.typescript),
      );
    }
  }
}
