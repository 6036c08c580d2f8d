/**
 * Endpoint URLs: `tcp://host:port`, `tls://host:port`, `ipc:///abs/path`,
 * `inproc://name`, and `scheme://…` for a user's own transport.
 *
 * @module
 */

/**
 * A parsed endpoint. Which fields mean something depends on the scheme:
 *
 * | scheme | `host` | `port` | `path` |
 * | --- | --- | --- | --- |
 * | `tcp`, `tls` | host name or IP (IPv6 without brackets) | 0–65535 | `""` |
 * | `ipc` | `""` | 0 | absolute socket path |
 * | `inproc` | the name | 0 | `""` |
 * | other | from the URL | from the URL, else 0 | from the URL |
 */
export interface Endpoint {
  /** URL scheme without the colon, lower case: `"tcp"`. */
  readonly scheme: string;
  /** Normalised URL, e.g. `"tcp://127.0.0.1:5555"`. */
  readonly url: string;
  /** Host name, IP address, or in-process name. */
  readonly host: string;
  /** TCP port; 0 asks the OS for one when binding. */
  readonly port: number;
  /** Socket path for `ipc`. */
  readonly path: string;
}

const SCHEME_PATTERN = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i;

/**
 * Parses an endpoint URL.
 *
 * @param endpoint The URL, e.g. `"tcp://127.0.0.1:0"` or `"ipc:///tmp/a.sock"`.
 * @returns The parsed endpoint.
 * @throws {TypeError} When the endpoint is malformed; the message names it.
 *
 * @example Parsing TCP and IPC endpoints
 * ```ts
 * import { parseEndpoint } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * assert.equal(parseEndpoint("tcp://127.0.0.1:5555").port, 5555);
 * assert.equal(parseEndpoint("ipc:///tmp/prices.sock").path, "/tmp/prices.sock");
 * assert.throws(() => parseEndpoint("tcp://nope"), TypeError);
 * ```
 */
export function parseEndpoint(endpoint: string): Endpoint {
  if (typeof endpoint !== "string") {
    throw new TypeError(
      `Cannot parse endpoint ${String(endpoint)}: not a string`,
    );
  }
  const match = SCHEME_PATTERN.exec(endpoint);
  if (match === null) {
    throw new TypeError(
      `Cannot parse endpoint "${endpoint}": expected scheme://address`,
    );
  }
  const scheme = match[1]!.toLowerCase();
  const rest = match[2]!;
  switch (scheme) {
    case "tcp":
    case "tls":
      return parseHostPort(endpoint, scheme, rest);
    case "ipc":
      return parseIpc(endpoint, rest);
    case "inproc":
      return parseInproc(endpoint, rest);
    default:
      return parseOther(endpoint, scheme);
  }
}

function fail(endpoint: string, why: string): never {
  throw new TypeError(`Cannot parse endpoint "${endpoint}": ${why}`);
}

function parseHostPort(
  endpoint: string,
  scheme: string,
  rest: string,
): Endpoint {
  let host: string;
  let portText: string;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0 || rest[close + 1] !== ":") {
      fail(endpoint, "expected [ipv6]:port");
    }
    host = rest.slice(1, close);
    portText = rest.slice(close + 2);
  } else {
    const colon = rest.lastIndexOf(":");
    if (colon < 0) fail(endpoint, "missing port");
    host = rest.slice(0, colon);
    portText = rest.slice(colon + 1);
    if (host.includes(":")) fail(endpoint, "an IPv6 host needs brackets");
  }
  if (host === "" || /[\s/?#@]/.test(host)) {
    fail(endpoint, "missing or invalid host");
  }
  if (!/^\d{1,5}$/.test(portText)) {
    fail(endpoint, "port must be a number from 0 to 65535");
  }
  const port = Number(portText);
  if (port > 65535) fail(endpoint, "port must be a number from 0 to 65535");
  const shown = host.includes(":") ? `[${host}]` : host;
  return { scheme, url: `${scheme}://${shown}:${port}`, host, port, path: "" };
}

function parseIpc(endpoint: string, rest: string): Endpoint {
  if (!rest.startsWith("/")) {
    fail(endpoint, "ipc needs an absolute path (ipc:///path)");
  }
  if (rest.length < 2 || rest.endsWith("/")) {
    fail(endpoint, "ipc path must name a file");
  }
  if (rest.includes("\0")) fail(endpoint, "ipc path must not contain NUL");
  return { scheme: "ipc", url: `ipc://${rest}`, host: "", port: 0, path: rest };
}

function parseInproc(endpoint: string, rest: string): Endpoint {
  if (rest === "" || /[\s/?#]/.test(rest)) {
    fail(endpoint, "inproc needs a name without spaces or slashes");
  }
  return {
    scheme: "inproc",
    url: `inproc://${rest}`,
    host: rest,
    port: 0,
    path: "",
  };
}

function parseOther(endpoint: string, scheme: string): Endpoint {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch (cause) {
    throw new TypeError(`Cannot parse endpoint "${endpoint}": not a URL`, {
      cause,
    });
  }
  return {
    scheme,
    url: endpoint,
    host: url.hostname,
    port: url.port === "" ? 0 : Number(url.port),
    path: decodeURIComponent(url.pathname),
  };
}

/**
 * Renders an endpoint back to its URL.
 *
 * @param endpoint A parsed endpoint.
 * @returns Its normalised URL.
 *
 * @example Round trip
 * ```ts
 * import { formatEndpoint, parseEndpoint } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatEndpoint(parseEndpoint("TCP://[::1]:80")), "tcp://[::1]:80");
 * ```
 */
export function formatEndpoint(endpoint: Endpoint): string {
  return endpoint.url;
}
