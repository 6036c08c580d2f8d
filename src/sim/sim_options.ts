/**
 * Options of the network simulator.
 *
 * @module
 */

/**
 * Impairments of one direction of a simulated connection.
 *
 * Latency, jitter, bandwidth, loss and `resetAfterBytes` act where bytes are
 * written; `blackhole` acts at both ends (see {@linkcode simulate}).
 */
export interface LinkOptions {
  /** Least one-way delay added to every chunk, in ms. @default 0 */
  latency?: number;
  /**
   * Extra delay drawn uniformly from `[0, jitter]` ms per chunk. Chunks are
   * never reordered: a chunk is not delivered before the one written before
   * it, as on a TCP stream.
   * @default 0
   */
  jitter?: number;
  /**
   * Probability, per written chunk, that the connection is reset (both ends
   * see `ConnectionError` "reset" or the end of the stream). Bytes of a
   * stream are never dropped silently: that would corrupt framing, which a
   * real TCP connection never does.
   * @default 0
   */
  loss?: number;
  /**
   * Bytes per second: each chunk occupies the link for
   * `byteLength / bandwidth` s before its latency starts (no burst
   * allowance), so a writer is paced at this rate.
   * @default Infinity
   */
  bandwidth?: number;
  /**
   * Writes are accepted and their bytes discarded; nothing arrives. A silent
   * dead peer, to test heartbeats.
   * @default false
   */
  blackhole?: boolean;
  /**
   * Resets the connection once this many bytes have been written in this
   * direction; the last chunk is cut at the limit, so the peer may see half
   * a frame before the end.
   * @default Infinity
   */
  resetAfterBytes?: number;
}

/** Options of {@linkcode simulate}. */
export interface SimulateOptions extends LinkOptions {
  /** Overrides for the bytes the connecting end writes to the listening end. */
  toListener?: LinkOptions;
  /** Overrides for the bytes the listening end writes to the connecting end. */
  toDialer?: LinkOptions;
  /**
   * Bytes in flight per direction (written but not yet delivered, delayed
   * ones included) before `writer.ready` waits: the simulated window. With
   * latency `L` ms, throughput is at most `window / L` bytes per ms, as with
   * TCP.
   * @default 65536
   */
  window?: number;
  /** Seed of the random draws (jitter, loss). @default a random seed */
  seed?: number;
}

/** Impairments that {@linkcode SimulatedTransport.update} may change at run time. */
export type SimulateUpdate = Omit<SimulateOptions, "window" | "seed">;
