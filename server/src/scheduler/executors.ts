/** The executors a server has: `local` always (more behind the same interface later). */
import type { ResolvedOptions } from "../config";
import { LocalExecutor } from "../executors/local";
import type { Executor } from "../executors/types";

export function createExecutors(options: ResolvedOptions): Executor[] {
  return [new LocalExecutor({ ...options.executor, killGraceMs: options.killGraceMs })];
}
