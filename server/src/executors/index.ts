/**
 * Executors: where jobs' worker processes run. `LocalExecutor` runs them on this machine; the
 * interface in `types.ts` is what the scheduler uses, so other executors plug in beside it.
 *
 * @example
 * ```ts
 * import { LocalExecutor, type Executor } from "./executors";
 * const executors: Map<string, Executor> = new Map([["local", new LocalExecutor({ cpus: 2 })]]);
 * ```
 */
export { LocalExecutor, type LocalExecutorOptions } from "./local";
export type {
  Executor,
  ExecutorCapabilities,
  FailureKind,
  JobFailure,
  JobHandle,
  JobStatus,
  LaunchRequest,
  ResourceRequest,
} from "./types";
