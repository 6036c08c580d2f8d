/**
 * Formats a host and port as an endpoint URL.
 *
 * @module
 */

/**
 * Formats `scheme://host:port`, with brackets around an IPv6 host.
 *
 * @param scheme The URL scheme: `"tcp"`, `"tls"`.
 * @param host A host name or IP address; IPv6 without brackets.
 * @param port The port.
 * @returns The endpoint URL.
 *
 * @example IPv4 and IPv6
 * ```ts
 * import { hostUrl } from "./host_url.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(hostUrl("tcp", "127.0.0.1", 5555), "tcp://127.0.0.1:5555");
 * assert.equal(hostUrl("tls", "::1", 443), "tls://[::1]:443");
 * ```
 */
export function hostUrl(
  scheme: string,
  host: string | undefined,
  port: number | undefined,
): string {
  const shown = host?.includes(":") ? `[${host}]` : host ?? "";
  return `${scheme}://${shown}:${port ?? 0}`;
}
