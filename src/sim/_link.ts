/**
 * Resolved, validated impairments of one direction. Private.
 *
 * @module
 */

import type { LinkOptions, SimulateUpdate } from "./sim_options.ts";

/** One direction's impairments with every default filled in. */
export interface Link {
  readonly latency: number;
  readonly jitter: number;
  readonly loss: number;
  readonly bandwidth: number;
  readonly blackhole: boolean;
  readonly resetAfterBytes: number;
}

/** The two directions, named by who writes. */
export type Direction = "toListener" | "toDialer";

/** What the simulator remembers of the options, to merge updates into. */
export interface LinkSettings {
  base: LinkOptions;
  toListener: LinkOptions;
  toDialer: LinkOptions;
}

/**
 * Merges `update` into `settings` and resolves both directions.
 *
 * @param settings Options given so far; not modified.
 * @param update New values; `undefined` fields keep the old ones.
 * @returns The merged settings and the two resolved links.
 * @throws {RangeError} When a value is out of range.
 */
export function mergeLinks(
  settings: LinkSettings,
  update: SimulateUpdate,
): { settings: LinkSettings; links: Record<Direction, Link> } {
  const { toListener = {}, toDialer = {}, ...base } = update;
  const merged: LinkSettings = {
    base: { ...settings.base, ...defined(base) },
    toListener: { ...settings.toListener, ...defined(toListener) },
    toDialer: { ...settings.toDialer, ...defined(toDialer) },
  };
  return {
    settings: merged,
    links: {
      toListener: resolve({ ...merged.base, ...merged.toListener }),
      toDialer: resolve({ ...merged.base, ...merged.toDialer }),
    },
  };
}

function defined(options: LinkOptions): LinkOptions {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  );
}

function resolve(options: LinkOptions): Link {
  const link: Link = {
    latency: options.latency ?? 0,
    jitter: options.jitter ?? 0,
    loss: options.loss ?? 0,
    bandwidth: options.bandwidth ?? Infinity,
    blackhole: options.blackhole ?? false,
    resetAfterBytes: options.resetAfterBytes ?? Infinity,
  };
  check("latency", link.latency, link.latency >= 0 && link.latency < Infinity);
  check("jitter", link.jitter, link.jitter >= 0 && link.jitter < Infinity);
  check("loss", link.loss, link.loss >= 0 && link.loss <= 1);
  check("bandwidth", link.bandwidth, link.bandwidth > 0);
  const reset = link.resetAfterBytes;
  check(
    "resetAfterBytes",
    reset,
    reset === Infinity || (Number.isInteger(reset) && reset >= 0),
  );
  return link;
}

function check(name: string, value: unknown, ok: boolean): void {
  if (!ok) {
    throw new RangeError(
      `Cannot simulate network: ${name} is out of range, got ${value}`,
    );
  }
}
