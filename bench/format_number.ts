/**
 * Number formats for the tables: rates, sizes, latencies and ratios.
 *
 * @module
 */

/**
 * A rate with a metric suffix: `20.9M`, `102k`, `950`.
 *
 * @param value Per second.
 * @returns Three significant digits and a suffix.
 */
export function formatRate(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toPrecision(3)}M`;
  if (value >= 1e3) return `${(value / 1e3).toPrecision(3)}k`;
  return value.toFixed(0);
}

/**
 * A payload size: `64 B`, `1 KiB`, `64 KiB`.
 *
 * @param bytes Bytes.
 * @returns The size in B or KiB.
 */
export function formatSize(bytes: number): string {
  return bytes >= 1024 && bytes % 1024 === 0
    ? `${bytes / 1024} KiB`
    : `${bytes} B`;
}

/**
 * A value with about three significant digits: `1340`, `45.2`, `0.812`.
 *
 * @param value Any non-negative number.
 * @returns The rounded text.
 */
export function formatFigure(value: number): string {
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(value >= 1 ? 2 : 3);
}

/**
 * A ratio: `12.3×`, `0.45×`.
 *
 * @param value The ratio.
 * @returns The ratio with a times sign.
 */
export function formatRatio(value: number): string {
  return `${formatFigure(value)}×`;
}
