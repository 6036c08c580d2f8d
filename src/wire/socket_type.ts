/**
 * Socket types as the handshake names them, and which pairs may talk.
 *
 * @module
 */

/**
 * The socket types of the protocol. Values are the byte sent in the
 * handshake greeting (PROTOCOL.md §2.1).
 */
export const SocketType = {
  /** Sends requests, one reply each. */
  Req: 1,
  /** Answers requests. */
  Rep: 2,
  /** Publishes messages on topics. */
  Pub: 3,
  /** Subscribes to topic patterns. */
  Sub: 4,
  /** Sends messages round-robin to pullers. */
  Push: 5,
  /** Receives pushed messages, fair-queued. */
  Pull: 6,
  /** Asynchronous requester. */
  Dealer: 7,
  /** Asynchronous replier that routes by peer. */
  Router: 8,
  /** One-to-one exclusive pair. */
  Pair: 9,
} as const;

/** A socket type byte. */
export type SocketType = typeof SocketType[keyof typeof SocketType];

const NAMES: string[] = [];
for (const [name, type] of Object.entries(SocketType)) {
  NAMES[type] = name.toLowerCase();
}

/** Each type's partners, as a bit set indexed by type. */
const PARTNERS: number[] = [];
function allow(a: SocketType, b: SocketType): void {
  PARTNERS[a] = (PARTNERS[a] ?? 0) | (1 << b);
  PARTNERS[b] = (PARTNERS[b] ?? 0) | (1 << a);
}
allow(SocketType.Req, SocketType.Rep);
allow(SocketType.Req, SocketType.Router);
allow(SocketType.Dealer, SocketType.Rep);
allow(SocketType.Dealer, SocketType.Router);
allow(SocketType.Dealer, SocketType.Dealer);
allow(SocketType.Pub, SocketType.Sub);
allow(SocketType.Push, SocketType.Pull);
allow(SocketType.Pair, SocketType.Pair);

/**
 * Tells whether a number is one of the {@linkcode SocketType} values.
 *
 * @param value Any number, e.g. a byte read from the wire.
 * @returns `true` when it names a socket type.
 *
 * @example Checking a byte from the wire
 * ```ts
 * import { isSocketType } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * assert.equal(isSocketType(4), true);
 * assert.equal(isSocketType(0), false);
 * ```
 */
export function isSocketType(value: number): value is SocketType {
  return NAMES[value] !== undefined;
}

/**
 * Names a socket type in lower case, as error messages use it.
 *
 * @param type A socket type.
 * @returns `"req"`, `"rep"`, `"pub"`, …
 * @throws {RangeError} When `type` is not a socket type.
 *
 * @example Naming socket types
 * ```ts
 * import { SocketType, socketTypeName } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * assert.equal(socketTypeName(SocketType.Sub), "sub");
 * assert.equal(socketTypeName(SocketType.Router), "router");
 * ```
 */
export function socketTypeName(type: SocketType): string {
  const name = NAMES[type];
  if (name === undefined) {
    throw new RangeError(`Cannot name socket type ${type}: unknown type`);
  }
  return name;
}

/**
 * Tells whether two socket types may be connected: req↔rep, req↔router,
 * dealer↔rep, dealer↔router, dealer↔dealer, pub↔sub, push↔pull,
 * pair↔pair. The relation is symmetric.
 *
 * @param a One side's type.
 * @param b The other side's type.
 * @returns `true` when they can talk.
 *
 * @example Which types can talk
 * ```ts
 * import { canTalk, SocketType } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * assert.equal(canTalk(SocketType.Sub, SocketType.Pub), true);
 * assert.equal(canTalk(SocketType.Sub, SocketType.Rep), false);
 * assert.equal(canTalk(SocketType.Dealer, SocketType.Dealer), true);
 * ```
 */
export function canTalk(a: SocketType, b: SocketType): boolean {
  return ((PARTNERS[a] ?? 0) & (1 << b)) !== 0;
}
