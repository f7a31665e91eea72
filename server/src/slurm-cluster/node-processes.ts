/**
 * Which processes make up a Slurm node's jobs, found in /proc: a node death must take its jobs with it, as a
 * machine losing power would, but these nodes share one host with other clusters' nodes of the same name.
 *
 * A job's processes are (a) every slurmstepd the node's slurmd started — slurmd double-forks them, so they are
 * not its children, but they inherit its environment, where the cluster put {@link nodeMarkerVariable} — and
 * (b) everything below them, plus (c) any process whose environment says it is a job of this cluster on this
 * node (`SLURM_CLUSTER_NAME` and `SLURMD_NODENAME`), which catches a job process that detached from its
 * slurmstepd.
 */
import { readdirSync, readFileSync } from "node:fs";

/** The environment variable the cluster sets on each slurmd, inherited by its slurmstepd processes. */
export const nodeMarkerVariable = "TSEMATIC_SLURM_NODE";

/** The marker's value for one node of one cluster. */
export function nodeMarker(clusterName: string, node: string): string {
  return `${clusterName}/${node}`;
}

interface ProcessInfo {
  pid: number;
  ppid: number;
  command: string;
}

/** The pids of every process of the jobs on `node` of cluster `clusterName` (not its slurmd). */
export function jobProcessesOfNode(
  clusterName: string,
  node: string,
  excluding: readonly number[] = [],
): number[] {
  const table = readParents();
  const marker = `${nodeMarkerVariable}=${nodeMarker(clusterName, node)}`;
  const roots = new Set<number>();
  for (const { pid, command } of table) {
    // slurmd carries the marker too; it is the node, not one of its jobs.
    if (excluding.includes(pid) || pid === process.pid || command === "slurmd") continue;
    const environment = readEnvironment(pid);
    if (environment.includes(marker)) {
      roots.add(pid);
    } else if (
      environment.includes(`SLURM_CLUSTER_NAME=${clusterName}`) &&
      environment.includes(`SLURMD_NODENAME=${node}`)
    ) {
      roots.add(pid);
    }
  }
  const found = new Set(roots);
  // Descendants: children of anything found, until nothing new turns up.
  for (let grew = true; grew;) {
    grew = false;
    for (const { pid, ppid } of table) {
      if (!found.has(pid) && found.has(ppid) && !excluding.includes(pid)) {
        found.add(pid);
        grew = true;
      }
    }
  }
  return [...found];
}

function readParents(): ProcessInfo[] {
  const table: ProcessInfo[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const text = readFileSync(`/proc/${name}/stat`, "utf8");
      // After `comm` (in parentheses, may hold spaces): state, ppid.
      const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
      const command = text.slice(text.indexOf("(") + 1, text.lastIndexOf(")"));
      table.push({ pid: Number(name), ppid: Number(fields[1]), command });
    } catch {
      // Gone while reading.
    }
  }
  return table;
}

function readEnvironment(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
  } catch {
    return [];
  }
}

/** True while `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    return text.slice(text.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}
