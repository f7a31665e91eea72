/** The executors a server has: `local` always, `slurm` when a slurmrestd URL is configured. */
import type { ResolvedOptions } from "../config";
import { LocalExecutor } from "../executors/local";
import { createSlurmExecutor } from "../executors/slurm";
import type { Executor } from "../executors/types";

export function createExecutors(options: ResolvedOptions): Executor[] {
  const executors: Executor[] = [
    new LocalExecutor({ ...options.executor, killGraceMs: options.killGraceMs }),
  ];
  if (options.slurm) executors.push(createSlurmExecutor(options.slurm, options.log));
  return executors;
}
