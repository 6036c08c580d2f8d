import * as bun from "../../runtimes/bun.ts";
import { runtimeName } from "../_helpers/runtime.ts";
import { conformanceOverAll } from "./_setups.ts";
import { runtimeSuite } from "./_runtime_suite.ts";

if (runtimeName() === "bun") {
  conformanceOverAll("Bun", bun);
  runtimeSuite("Bun", bun);
}
