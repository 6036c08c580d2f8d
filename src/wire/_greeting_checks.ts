/**
 * The checks a side runs on its peer's greeting (PROTOCOL.md §2.2), as pure
 * functions that name the refusal to send back.
 *
 * @module
 */

import type { HandshakeFailure } from "../errors.ts";
import { PROTOCOL_VERSION } from "./_handshake_codec.ts";
import type { Authenticate } from "./handshake.ts";
import {
  canTalk,
  isSocketType,
  type SocketType,
  socketTypeName,
} from "./socket_type.ts";

/** Why this side refuses the peer; sent back in REJECT. */
export interface Refusal {
  reason: HandshakeFailure;
  message: string;
  cause?: unknown;
}

/**
 * Checks the version byte.
 *
 * @param version The peer's version.
 * @returns A refusal, or `undefined` when it is supported.
 */
export function checkVersion(version: number): Refusal | undefined {
  if (version === PROTOCOL_VERSION) return undefined;
  return {
    reason: "version",
    message:
      `Cannot handshake: protocol version ${version} is not supported, only ${PROTOCOL_VERSION}`,
  };
}

/**
 * Checks the peer's socket type against this side's. The message names the
 * dialling side first, so both ends word it the same.
 *
 * @param peer The peer's type byte.
 * @param mine This side's type.
 * @param role This side's role.
 * @returns A refusal, or `undefined` when the types can talk.
 */
export function checkSocketType(
  peer: number,
  mine: SocketType,
  role: "connect" | "accept",
): Refusal | undefined {
  if (!isSocketType(peer)) {
    return {
      reason: "malformed",
      message: `Cannot handshake: unknown socket type ${peer}`,
    };
  }
  if (canTalk(mine, peer)) return undefined;
  const [dialler, acceptor] = role === "connect" ? [mine, peer] : [peer, mine];
  return {
    reason: "socket-type",
    message: `Cannot connect ${socketTypeName(dialler)} to ${
      socketTypeName(acceptor)
    }: incompatible socket types`,
  };
}

/**
 * Checks the declared properties length.
 *
 * @param size Declared bytes.
 * @param max This side's bound.
 * @returns A refusal, or `undefined` when within bounds.
 */
export function checkPropertiesSize(
  size: number,
  max: number,
): Refusal | undefined {
  if (size <= max) return undefined;
  return {
    reason: "malformed",
    message: `Cannot handshake: properties of ${size} bytes exceed ${max}`,
  };
}

/**
 * Runs the authentication hook: only `true` lets the peer in.
 *
 * @param hook The accepting side's hook.
 * @param properties The peer's properties.
 * @returns A refusal, or `undefined` when the peer is accepted.
 */
export async function authenticate(
  hook: Authenticate,
  properties: Record<string, unknown>,
): Promise<Refusal | undefined> {
  const message = "Cannot authenticate: refused by the accepting side";
  let verdict: unknown;
  try {
    verdict = await hook(properties);
  } catch (cause) {
    return { reason: "auth", message, cause };
  }
  if (verdict === true) return undefined;
  const why = typeof verdict === "string" && verdict !== ""
    ? `: ${verdict}`
    : "";
  return { reason: "auth", message: message + why };
}
