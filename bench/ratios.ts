/**
 * Ratios between rows of the same scenario: msg-ts against the raw socket of
 * the same runtime, and against zeromq on Node.
 *
 * - Throughput (pub/sub, pipelined): msg-ts ÷ baseline; higher is better.
 * - Latency: msg-ts p50 ÷ baseline p50; lower is better.
 *
 * @module
 */

import type { Row } from "./run_case.ts";
import { scenarioKey } from "./scenarios.ts";

/** The two ratios of a msg-ts row; missing when a side is not available. */
export interface Ratios {
  vsRaw?: number;
  vsZeromq?: number;
}

function figure(row: Row | undefined): number | undefined {
  if (row?.status !== "ok") return undefined;
  return row.kind === "latency" ? row.latency?.p50Us : row.msgsPerSec;
}

/**
 * Finds the row of an implementation in the same scenario.
 *
 * @param rows Every row.
 * @param of The row whose scenario to match.
 * @param impl The implementation wanted.
 * @param runtime The runtime wanted.
 * @returns The row, if measured.
 */
export function sibling(
  rows: readonly Row[],
  of: Row,
  impl: Row["impl"],
  runtime: Row["runtime"],
): Row | undefined {
  const key = scenarioKey(of);
  return rows.find((row) =>
    row.impl === impl && row.runtime === runtime && scenarioKey(row) === key
  );
}

/**
 * The ratios of one msg-ts row.
 *
 * @param rows Every row of the run.
 * @param row A msg-ts row.
 * @returns Its ratios against raw (same runtime) and zeromq (Node).
 */
export function ratiosOf(rows: readonly Row[], row: Row): Ratios {
  const own = figure(row);
  if (own === undefined || row.impl !== "msg-ts") return {};
  const ratios: Ratios = {};
  const raw = figure(sibling(rows, row, "raw", row.runtime));
  const zeromq = figure(sibling(rows, row, "zeromq", "node"));
  if (raw !== undefined && raw > 0) ratios.vsRaw = own / raw;
  if (zeromq !== undefined && zeromq > 0) ratios.vsZeromq = own / zeromq;
  return ratios;
}
