import * as node from "../../runtimes/node.ts";
import { runtimeName } from "../_helpers/runtime.ts";
import { conformanceOverAll } from "./_setups.ts";
import { runtimeSuite } from "./_runtime_suite.ts";

if (runtimeName() === "node") {
  conformanceOverAll("Node", node);
  runtimeSuite("Node", node);
}
