import * as bun from "../../runtimes/bun.ts";
import { runtimeName } from "../_helpers/runtime.ts";
import { failureSuite } from "./_failure_suite.ts";
import { conformanceOverAll } from "./_setups.ts";
import { streamSuite } from "./_stream_suite.ts";

if (runtimeName() === "bun") {
  conformanceOverAll("Bun", bun);
  streamSuite("Bun", bun);
  failureSuite("Bun", bun);
}
