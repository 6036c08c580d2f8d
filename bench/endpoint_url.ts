/**
 * Endpoint URLs for the raw benchmarks, which do not use msg-ts:
 * `tcp://host:port` and `ipc:///absolute/path`.
 *
 * @module
 */

/** A TCP or unix-socket address. */
export type RawAddress =
  | { transport: "tcp"; host: string; port: number }
  | { transport: "ipc"; path: string };

/**
 * Parses `tcp://host:port` or `ipc:///path`.
 *
 * @param url The endpoint.
 * @returns The address.
 * @throws {TypeError} For any other form.
 */
export function parseRawAddress(url: string): RawAddress {
  const tcp = /^tcp:\/\/([^:]+):(\d+)$/.exec(url);
  if (tcp !== null) {
    return { transport: "tcp", host: tcp[1]!, port: Number(tcp[2]) };
  }
  if (url.startsWith("ipc:///")) {
    return { transport: "ipc", path: url.slice("ipc://".length) };
  }
  throw new TypeError(`Cannot parse raw endpoint "${url}"`);
}

/**
 * Formats a bound address back into a URL.
 *
 * @param address The address, with the real port.
 * @returns The endpoint URL.
 */
export function formatRawAddress(address: RawAddress): string {
  return address.transport === "tcp"
    ? `tcp://${address.host}:${address.port}`
    : `ipc://${address.path}`;
}
