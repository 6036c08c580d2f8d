/**
 * The TLS settings every runtime's `tls(options)` takes.
 *
 * @module
 */

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
