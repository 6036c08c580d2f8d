/**
 * The part of msg-ts' public API the benchmarks use, loaded from `mod.ts` at
 * run time. The import is dynamic and checked, so the suite still runs (and
 * reports "n/a") while a socket is missing from `mod.ts`.
 *
 * @module
 */

/** One received publication. */
export interface MsgTsMessage {
  readonly topic: string;
  readonly payload: Uint8Array;
}

/** One received request. */
export interface MsgTsRequest {
  readonly payload: Uint8Array;
  respond(payload: Uint8Array): Promise<void>;
}

/** What every socket has. */
export interface MsgTsSocket {
  bind(endpoint: string): Promise<string>;
  connect(endpoint: string): Promise<void>;
  close(): Promise<void>;
}

/** `PubSocket`. */
export interface MsgTsPub extends MsgTsSocket {
  publish(topic: string, payload: Uint8Array): Promise<void>;
}

/** `SubSocket`. */
export interface MsgTsSub extends MsgTsSocket, AsyncIterable<MsgTsMessage> {
  subscribe(pattern: string): Promise<void>;
}

/** `ReqSocket`. */
export interface MsgTsReq extends MsgTsSocket {
  request(payload: Uint8Array): Promise<Uint8Array>;
}

/** `RepSocket`. */
export type MsgTsRep = MsgTsSocket & AsyncIterable<MsgTsRequest>;

/** The socket classes. */
export interface MsgTsApi {
  PubSocket: new (options?: { hwm?: number; zeroCopy?: boolean }) => MsgTsPub;
  SubSocket: new () => MsgTsSub;
  ReqSocket: new (options?: { timeout?: number }) => MsgTsReq;
  RepSocket: new () => MsgTsRep;
}

const NAMES = ["PubSocket", "SubSocket", "ReqSocket", "RepSocket"] as const;

/**
 * Imports msg-ts through its public entry point.
 *
 * @returns The socket classes.
 * @throws {Error} When `mod.ts` does not export one of them.
 */
export async function loadMsgTs(): Promise<MsgTsApi> {
  const mod = (await import("../mod.ts")) as Record<string, unknown>;
  const missing = NAMES.filter((name) => typeof mod[name] !== "function");
  if (missing.length > 0) {
    throw new Error(`mod.ts does not export ${missing.join(", ")}`);
  }
  return mod as unknown as MsgTsApi;
}
