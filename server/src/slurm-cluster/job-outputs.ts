/**
 * The node-local output files of the jobs a local cluster ran (the slurm executor's
 * `/tmp/tsematic-slurm-<tag>-<job>.out`): its nodes are this machine, so stopping the cluster
 * removes them. Which jobs were its own is read from its slurmctld's log (every submission is a
 * `_slurm_rpc_submit_batch_job: JobId=N` line), so that another cluster's files stay.
 *
 * @example
 * ```ts
 * removeJobOutputs(join(stateDir, "logs", "slurmctld.log")); // 3 (files removed)
 * ```
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { outputDir, outputFileName } from "../executors/slurm/script";

/** The ids of the jobs submitted to the slurmctld that wrote `logFile`. */
export function submittedJobIds(logFile: string): Set<string> {
  let text = "";
  try {
    text = readFileSync(logFile, "utf8");
  } catch {
    return new Set();
  }
  return new Set([...text.matchAll(/_slurm_rpc_submit_batch_job: JobId=(\d+)/g)].map((m) => m[1]!));
}

/** Removes the output files of the jobs `logFile`'s slurmctld ran; returns how many. */
export function removeJobOutputs(logFile: string, dir: string = outputDir): number {
  const ids = submittedJobIds(logFile);
  if (ids.size === 0) return 0;
  let removed = 0;
  for (const name of readdirSync(dir)) {
    const id = outputFileName.exec(name)?.[1];
    if (id === undefined || !ids.has(id)) continue;
    rmSync(join(dir, name), { force: true });
    removed++;
  }
  return removed;
}
