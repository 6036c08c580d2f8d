/**
 * The options of every runtime's `transports()`.
 *
 * @module
 */

import type { InprocOptions } from "./inproc_transport.ts";
import type { TlsOptions } from "./tls_options.ts";

/**
 * Options of a runtime's `transports()`, the default set of transports
 * (`tcp`, `ipc`, `tls`, `inproc`) a socket gets when given none.
 *
 * @example Default transports that can also listen on TLS
 * ```ts
 * import type { TransportsOptions } from "@msg-ts/msg";
 * import assert from "node:assert/strict";
 *
 * const options: TransportsOptions = {
 *   tls: { cert: "-----BEGIN CERTIFICATE-----…", key: "-----BEGIN PRIVATE KEY-----…" },
 *   inproc: { isolated: true },
 * };
 * assert.equal(options.inproc?.isolated, true);
 * ```
 */
export interface TransportsOptions {
  /** Settings of the `tls` transport. @default {} (connects with the default roots; cannot listen) */
  tls?: TlsOptions;
  /** Settings of the `inproc` transport. @default {} (the shared namespace) */
  inproc?: InprocOptions;
}
