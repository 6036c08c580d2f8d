/**
 * A cancellable delay that never outlives its signal.
 *
 * @module
 */

/**
 * Waits `ms` milliseconds, or less if `signal` aborts first. Never rejects,
 * and clears its timer either way.
 */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
