/**
 * Bytes of the handshake (PROTOCOL.md §2): greeting, READY and REJECT.
 *
 * @module
 */

import { decode, encode } from "@msgpack/msgpack";
import type { HandshakeFailure } from "../errors.ts";
import type { SocketType } from "./socket_type.ts";

/** `MSGT`, the first four bytes of every greeting. */
export const MAGIC: Uint8Array = Uint8Array.of(0x4d, 0x53, 0x47, 0x54);
/** The protocol version this code speaks. */
export const PROTOCOL_VERSION = 1;
/** Magic, version, socket type and properties length. */
export const GREETING_HEADER_SIZE = 10;
/** Default bound on the peer's properties: 64 KiB. */
export const DEFAULT_MAX_PROPERTIES_SIZE = 64 * 1024;
/** Status byte of READY. */
export const STATUS_READY = 0x00;
/** Status byte of REJECT. */
export const STATUS_REJECT = 0x01;
/** Status, reason and message length of a REJECT. */
export const REJECT_HEADER_SIZE = 4;
/** Longest REJECT message sent, in UTF-8 bytes. */
export const MAX_REJECT_MESSAGE = 1024;

const REASON_CODES: Record<HandshakeFailure, number> = {
  magic: 1,
  version: 2,
  "socket-type": 3,
  auth: 4,
  timeout: 5,
  closed: 6,
  malformed: 7,
};
const REASONS = new Map<number, HandshakeFailure>(
  Object.entries(REASON_CODES).map(([reason, code]) => [
    code,
    reason as HandshakeFailure,
  ]),
);

/**
 * Encodes a greeting.
 *
 * @param type This side's socket type.
 * @param properties This side's properties, sent as a MessagePack map.
 * @returns The greeting bytes.
 * @throws {TypeError} When the properties cannot be encoded.
 */
export function encodeGreeting(
  type: SocketType,
  properties: Record<string, unknown>,
): Uint8Array {
  const map = encode(properties);
  const bytes = new Uint8Array(GREETING_HEADER_SIZE + map.length);
  bytes.set(MAGIC);
  bytes[4] = PROTOCOL_VERSION;
  bytes[5] = type;
  new DataView(bytes.buffer).setUint32(6, map.length);
  bytes.set(map, GREETING_HEADER_SIZE);
  return bytes;
}

/**
 * Decodes the properties of a greeting.
 *
 * @param bytes Exactly the properties bytes.
 * @returns The map, or `undefined` when the bytes are not one MessagePack map.
 */
export function decodeProperties(
  bytes: Uint8Array,
): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = decode(bytes);
  } catch {
    return undefined;
  }
  if (
    typeof value !== "object" || value === null || Array.isArray(value) ||
    ArrayBuffer.isView(value) || value instanceof Date
  ) {
    return undefined;
  }
  return value as Record<string, unknown>;
}

/**
 * Encodes a READY status, fresh each time since readers own what they get.
 *
 * @returns The status byte.
 */
export function encodeReady(): Uint8Array {
  return Uint8Array.of(STATUS_READY);
}

/**
 * Encodes a REJECT status, cutting the message at 1024 UTF-8 bytes (never
 * inside a character).
 *
 * @param reason Why.
 * @param message What failed, in sentence case.
 * @returns The status bytes.
 */
export function encodeReject(
  reason: HandshakeFailure,
  message: string,
): Uint8Array {
  const buffer = new Uint8Array(REJECT_HEADER_SIZE + MAX_REJECT_MESSAGE);
  const { written } = new TextEncoder().encodeInto(
    message,
    buffer.subarray(REJECT_HEADER_SIZE),
  );
  buffer[0] = STATUS_REJECT;
  buffer[1] = REASON_CODES[reason];
  buffer[2] = written >>> 8;
  buffer[3] = written & 0xff;
  return buffer.slice(0, REJECT_HEADER_SIZE + written);
}

/**
 * Maps a REJECT reason code to its reason.
 *
 * @param code The reason byte.
 * @returns The reason, or `undefined` for an unknown code.
 */
export function reasonOf(code: number): HandshakeFailure | undefined {
  return REASONS.get(code);
}
