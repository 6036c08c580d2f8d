import * as node from "../../runtimes/node.ts";
import { runtimeName } from "../_helpers/runtime.ts";
import { failureSuite } from "./_failure_suite.ts";
import { conformanceOverAll } from "./_setups.ts";
import { streamSuite } from "./_stream_suite.ts";

if (runtimeName() === "node") {
  conformanceOverAll("Node", node);
  streamSuite("Node", node);
  failureSuite("Node", node);
}
