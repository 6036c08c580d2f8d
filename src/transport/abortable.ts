/**
 * Lets an `AbortSignal` cut short an operation the runtime cannot cancel.
 *
 * @module
 */

/**
 * Settles with `promise`, or rejects with `signal.reason` as soon as the
 * signal aborts. When the operation succeeds after the abort, `dispose`
 * releases what it made (a connection nobody will use).
 *
 * @typeParam T What the operation resolves to.
 * @param promise The operation.
 * @param signal The signal, if any.
 * @param dispose Releases a late result.
 * @returns The operation's result.
 * @throws {unknown} `signal.reason` when aborted, else what `promise` rejects with.
 *
 * @example An aborted connect releases the late connection
 * ```ts
 * import { abortable } from "./abortable.ts";
 * import assert from "node:assert/strict";
 *
 * const controller = new AbortController();
 * const released: string[] = [];
 * const { promise, resolve } = Promise.withResolvers<string>();
 * const result = abortable(promise, controller.signal, (value) => released.push(value));
 * controller.abort(new Error("stop"));
 * await assert.rejects(result, { message: "stop" });
 * resolve("late connection");
 * await promise;
 * assert.deepEqual(released, ["late connection"]);
 * ```
 */
export function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  dispose: (value: T) => void,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.then(dispose, () => {});
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.then(dispose, () => {});
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) return;
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
