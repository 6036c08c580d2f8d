/**
 * One way to declare a test that runs in every runtime.
 *
 * Under Deno, `test()` is `Deno.test` (sanitizers on). Under Bun and Node it
 * registers the test in a shared list that `tests/_runner.ts` runs.
 *
 * @module
 */

/** Options of {@linkcode test}. */
export interface TestOptions {
  /** Fails the test when it runs longer, in ms. @default 30000 */
  timeout?: number;
  /** Skips the test. @default false */
  ignore?: boolean;
  /** Deno's resource sanitizer. Leave on unless a runtime API leaks by design. @default true */
  sanitizeResources?: boolean;
  /** Deno's op sanitizer. @default true */
  sanitizeOps?: boolean;
}

/** A registered test, for the Bun and Node runner. */
export interface RegisteredTest {
  name: string;
  fn: () => void | Promise<void>;
  options: TestOptions;
}

const REGISTRY_KEY = Symbol.for("msg-ts.tests");

/** The tests registered so far in this process (Bun and Node). */
export function registeredTests(): RegisteredTest[] {
  const holder = globalThis as unknown as Record<symbol, RegisteredTest[]>;
  return (holder[REGISTRY_KEY] ??= []);
}

interface DenoTestApi {
  test(definition: {
    name: string;
    fn: () => Promise<void>;
    ignore?: boolean;
    sanitizeResources?: boolean;
    sanitizeOps?: boolean;
  }): void;
}

function denoApi(): DenoTestApi | undefined {
  const deno =
    (globalThis as { Deno?: DenoTestApi & { version?: unknown } }).Deno;
  return deno?.version === undefined ? undefined : deno;
}

/**
 * Runs `fn` and fails if it takes longer than `ms`, clearing its timer either way.
 *
 * @param promise What to wait for.
 * @param ms Bound in milliseconds.
 * @param what Named in the failure message.
 * @returns What `promise` resolves to.
 */
export async function within<T>(
  promise: Promise<T>,
  ms: number,
  what: string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Timed out after ${ms} ms waiting for ${what}`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Declares a test.
 *
 * @param name Symbol and behaviour in plain words: `"ReqSocket.request() rejects after close()"`.
 * @param fn The test body.
 * @param options Timeout, ignore, sanitizers.
 */
export function test(
  name: string,
  fn: () => void | Promise<void>,
  options: TestOptions = {},
): void {
  const timeout = options.timeout ?? 30_000;
  const bounded = () =>
    within(Promise.resolve().then(fn), timeout, `test "${name}"`);
  const deno = denoApi();
  if (deno !== undefined) {
    deno.test({
      name,
      fn: bounded,
      ignore: options.ignore ?? false,
      sanitizeResources: options.sanitizeResources ?? true,
      sanitizeOps: options.sanitizeOps ?? true,
    });
    return;
  }
  registeredTests().push({ name, fn: bounded, options });
}
