/**
 * A bounded wait that leaves no timer behind.
 *
 * @module
 */

/**
 * Waits for `promise` to settle, or `ms` milliseconds, whichever is first.
 * Never rejects; the timer is cleared either way.
 *
 * @param promise What to wait for.
 * @param ms The bound; `0` or less does not wait for the promise at all.
 * @returns `true` when `promise` settled in time.
 */
export async function waitAtMost(
  promise: Promise<unknown>,
  ms: number,
): Promise<boolean> {
  if (!(ms > 0)) return false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(() => true, () => true);
  try {
    return await Promise.race([settled, expired]);
  } finally {
    clearTimeout(timer);
  }
}
