/**
 * Runs the socket conformance suites over every transport of the running
 * runtime: inproc, TCP, IPC and TLS.
 *
 * @module
 */

import { pubSubConformance } from "./_pubsub_conformance.ts";
import { reqRepConformance } from "./_reqrep_conformance.ts";
import { SETUPS } from "./_setups.ts";

for (const setup of SETUPS) {
  reqRepConformance(setup);
  pubSubConformance(setup);
}
