/**
 * Per-kind layout facts shared by the encoder and the parser (PROTOCOL.md §3).
 *
 * @module
 */

import { FrameKind } from "./frame.ts";

/** Highest flags value: bits 0-3 are defined, bits 4-7 are reserved and must be 0. */
export const ALLOWED_FLAGS = 0x0f;

/** Bytes of kind, flags and id (the common prefix of id-carrying kinds). */
export const ID_HEADER_SIZE = 6;

/** Bytes of kind, flags, seq and topic length (a Publish frame before its topic). */
export const PUBLISH_HEADER_SIZE = 8;

/** Bytes of kind and flags. */
export const BARE_HEADER_SIZE = 2;

const HEADER_SIZES = new Uint8Array(256);
for (const kind of Object.values(FrameKind)) {
  HEADER_SIZES[kind] = ID_HEADER_SIZE;
}
HEADER_SIZES[FrameKind.Publish] = PUBLISH_HEADER_SIZE;
HEADER_SIZES[FrameKind.Message] = BARE_HEADER_SIZE;
HEADER_SIZES[FrameKind.Close] = BARE_HEADER_SIZE;

const KIND_NAMES: string[] = [];
for (const [name, kind] of Object.entries(FrameKind)) KIND_NAMES[kind] = name;

/**
 * Fixed header bytes of a kind, after the length prefix and before any
 * topic: 6 for id-carrying kinds, 8 for Publish, 2 for Message and Close.
 *
 * @param kind A kind byte, possibly unknown.
 * @returns The header size, or 0 when `kind` is not a known kind.
 */
export function kindHeaderSize(kind: number): number {
  return HEADER_SIZES[kind] ?? 0;
}

/**
 * Names a kind for error messages.
 *
 * @param kind A known kind byte.
 * @returns Its name in `FrameKind`, e.g. `"Request"`.
 */
export function kindName(kind: number): string {
  return KIND_NAMES[kind] ?? `0x${kind.toString(16).padStart(2, "0")}`;
}
