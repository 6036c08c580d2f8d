/**
 * Describes the machine and the runtimes a run was measured on.
 *
 * @module
 */

import { ROOT } from "./bench_child.ts";
import { type RuntimeName, runtimeVersion } from "./runtime_command.ts";

/** The machine, the date and the versions of one run. */
export interface MachineInfo {
  /** ISO date and time the run started. */
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  /** 1, 5 and 15 minute load averages when the run started and ended. */
  loadAvgStart: number[];
  loadAvgEnd?: number[];
  runtimes: Partial<Record<RuntimeName, string>>;
  /** The `zeromq` package and its libzmq. */
  zeromq: string;
}

async function cpuModel(): Promise<string> {
  try {
    const text = await Deno.readTextFile("/proc/cpuinfo");
    return /^model name\s*:\s*(.*)$/m.exec(text)?.[1]?.trim() ??
      Deno.build.arch;
  } catch {
    return Deno.build.arch;
  }
}

async function zeromqVersion(): Promise<string> {
  const script = 'import("zeromq").then((z) => console.log(z.version))';
  try {
    const output = await new Deno.Command("node", {
      args: ["--input-type=module", "-e", script],
      cwd: ROOT,
    }).output();
    const libzmq = new TextDecoder().decode(output.stdout).trim();
    const pkg = JSON.parse(
      await Deno.readTextFile(`${ROOT}node_modules/zeromq/package.json`),
    );
    return `${pkg.version} (libzmq ${libzmq || "?"})`;
  } catch {
    return "unavailable";
  }
}

/**
 * Gathers the machine description.
 *
 * @param runtimes The runtimes whose versions to record.
 * @returns The description.
 */
export async function machineInfo(
  runtimes: readonly RuntimeName[],
): Promise<MachineInfo> {
  const versions: Partial<Record<RuntimeName, string>> = {};
  for (const runtime of runtimes) {
    versions[runtime] = await runtimeVersion(runtime);
  }
  return {
    date: new Date().toISOString(),
    cpu: await cpuModel(),
    cores: navigator.hardwareConcurrency,
    memoryGiB: Math.round(Deno.systemMemoryInfo().total / 2 ** 30),
    os: `${Deno.build.os} ${Deno.osRelease()}`,
    loadAvgStart: Deno.loadavg(),
    runtimes: versions,
    zeromq: await zeromqVersion(),
  };
}
