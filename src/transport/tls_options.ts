/**
 * The TLS settings every runtime's `tls(options)` takes.
 *
 * @module
 */

import type { Endpoint } from "./endpoint.ts";

/**
 * TLS settings for the `tls://host:port` transport, the same in every runtime.
 * Certificates and keys are PEM text.
 *
 * - Listening: `cert`/`key` are the server's identity (required). With
 *   `requestClientCert`, every client must present a certificate that `ca`
 *   verifies, or the connection is refused.
 * - Connecting: the server's certificate is verified against `ca` (or the
 *   runtime's default roots when `ca` is left out) and against `serverName`
 *   (or the endpoint's host). `cert`/`key` are the client's identity for
 *   mutual TLS.
 *
 * @example Options for a mutual-TLS server and its client
 * ```ts
 * import type { TlsOptions } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const server: TlsOptions = {
 *   cert: "-----BEGIN CERTIFICATE-----…",
 *   key: "-----BEGIN PRIVATE KEY-----…",
 *   ca: "-----BEGIN CERTIFICATE-----…",
 *   requestClientCert: true,
 * };
 * const client: TlsOptions = { ...server, requestClientCert: false, serverName: "localhost" };
 * assert.equal(client.serverName, "localhost");
 * ```
 */
export interface TlsOptions {
  /**
   * Certificate chain (PEM): the server's identity when listening, the
   * client's identity for mutual TLS when connecting. Needs `key`.
   */
  cert?: string;
  /** Private key (PEM) of `cert`. */
  key?: string;
  /**
   * Trusted certificate authorities (PEM). Connecting: verifies the server;
   * left out, the runtime's default roots do. Listening: verifies client
   * certificates when `requestClientCert` is set.
   */
  ca?: string | string[];
  /**
   * Listening only: require a client certificate and verify it against `ca`;
   * a client without a valid one is refused.
   * @default false
   */
  requestClientCert?: boolean;
  /**
   * Connecting only: the name the server's certificate must match, also sent
   * as SNI.
   * @default the endpoint's host
   */
  serverName?: string;
}

/**
 * Checks that TLS options can listen: `cert` and `key` are there, and
 * `requestClientCert` comes with the `ca` that verifies clients.
 *
 * @param endpoint The endpoint about to be listened on, named in the error.
 * @param options The TLS options.
 * @returns The options, with `cert` and `key` known to be there.
 * @throws {TypeError} When the options cannot listen.
 *
 * @example A server needs a certificate
 * ```ts
 * import { checkListenTls } from "./tls_options.ts";
 * import { parseEndpoint } from "./endpoint.ts";
 * import assert from "node:assert/strict";
 *
 * assert.throws(() => checkListenTls(parseEndpoint("tls://127.0.0.1:0"), {}), TypeError);
 * ```
 */
export function checkListenTls(
  endpoint: Endpoint,
  options: TlsOptions,
): TlsOptions & { cert: string; key: string } {
  const { cert, key } = options;
  if (cert === undefined || key === undefined) {
    throw new TypeError(
      `Cannot listen on ${endpoint.url}: tls() needs cert and key to listen`,
    );
  }
  if (options.requestClientCert === true && options.ca === undefined) {
    throw new TypeError(
      `Cannot listen on ${endpoint.url}: requestClientCert needs ca to verify clients`,
    );
  }
  return { ...options, cert, key };
}

/** What a TLS server needs, in the shape `node:tls` and `Bun.listen` both take. */
export interface ServerTlsSettings {
  /** Server certificate (PEM). */
  cert: string;
  /** Its private key (PEM). */
  key: string;
  /** CAs that verify client certificates, when any. */
  ca?: string | string[];
  /** Ask clients for a certificate. */
  requestCert: boolean;
  /** Refuse clients whose certificate does not verify. */
  rejectUnauthorized: boolean;
}

/**
 * Checks TLS options for listening (see `checkListenTls`) and turns them into
 * server settings: client certificates are requested and enforced exactly
 * when `requestClientCert` is set.
 *
 * @param endpoint The endpoint about to be listened on, named in errors.
 * @param options The TLS options.
 * @returns The server settings.
 * @throws {TypeError} When the options cannot listen.
 *
 * @example Mutual TLS settings
 * ```ts
 * import { serverTlsSettings } from "./tls_options.ts";
 * import { parseEndpoint } from "./endpoint.ts";
 * import assert from "node:assert/strict";
 *
 * const settings = serverTlsSettings(parseEndpoint("tls://127.0.0.1:0"), {
 *   cert: "CERT", key: "KEY", ca: "CA", requestClientCert: true,
 * });
 * assert.equal(settings.rejectUnauthorized, true);
 * ```
 */
export function serverTlsSettings(
  endpoint: Endpoint,
  options: TlsOptions,
): ServerTlsSettings {
  const { cert, key, ca } = checkListenTls(endpoint, options);
  const verify = options.requestClientCert === true;
  return {
    cert,
    key,
    requestCert: verify,
    rejectUnauthorized: verify,
    ...(ca === undefined ? {} : { ca }),
  };
}
