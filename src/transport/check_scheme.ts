/**
 * The guard every runtime transport runs before connecting or listening.
 *
 * @module
 */

import type { Endpoint } from "./endpoint.ts";

/**
 * Throws unless `endpoint` belongs to the transport of `scheme`.
 *
 * @param scheme The transport's scheme, e.g. `"tcp"`.
 * @param endpoint The endpoint handed to it.
 * @throws {TypeError} When the schemes differ.
 */
export function checkScheme(scheme: string, endpoint: Endpoint): void {
  if (endpoint.scheme !== scheme) {
    throw new TypeError(
      `Cannot use ${endpoint.url} with the ${scheme} transport: wrong scheme`,
    );
  }
}
