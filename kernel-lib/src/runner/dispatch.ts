/**
 * The runner's seam to executors: a resolution that has a {@link Dispatcher} runs each child whose
 * step declares `resources` (or `remote: true`) as its own job instead of inline. The runner only
 * decides *what* is dispatched and settles the run with the job's outcome; how a job is made and
 * watched (HTTP to the lineage server) lives in `cloud/`, loaded only by resolutions with an executor.
 */
import type { ErrorInfo, ResourceRequest, RunState } from "../events";
import { backoffDelay, resolveRetry, type CallSettings } from "../options";
import type { Artifact } from "../types/artifact";

/** One input of a dispatched run, in parameter order. */
export interface InputRef {
  name: string;
  artifactId: string;
}

/** What the runner asks for when it dispatches a run (the run and its inputs are on the server). */
export interface DispatchRequest {
  runId: string;
  stepName: string;
  inputs: InputRef[];
  resources: ResourceRequest;
  /** The key the resolver computed: the worker stores its cache entry under it. */
  cacheKey?: string;
  /**
   * The run's time budget in its worker ({@link jobTimeBudgetMs}): the executor stops a worker
   * that outlives it (plus an allowance for its setup) and classifies it `timeout`, even one stuck
   * where the step's own timer cannot fire (a loop, native code).
   */
  timeoutMs?: number;
  /**
   * The resolution's `maxParallelism`: an executor that starts a fan-out as one unit (a Slurm job
   * array) runs at most this many of its jobs at once.
   */
  maxParallelism?: number;
  /**
   * false: this resolution takes nothing from the cache (a rerun from scratch), so the step's
   * worker must not either, nor for the steps nested in it.
   */
  cache?: false;
}

/** How a dispatched run ended, as its job recorded it. */
export type DispatchOutcome =
  | { state: "resolved"; artifact: Artifact }
  | { state: "failed"; error: ErrorInfo }
  | { state: "canceled"; reason: string };

/** What the server already knows about a run with a deterministic id (see "Durable ids"). */
export interface PriorRun {
  state: RunState;
  /** Input artifact ids by parameter name. */
  inputs: Record<string, string>;
  /** Its output, with bytes, when it resolved. */
  output?: Artifact;
}

/**
 * Runs dispatched runs as jobs and answers what the server knows of earlier attempts.
 *
 * @example
 * ```ts
 * const dispatcher: Dispatcher = {
 *   async dispatch(request) { return { state: "canceled", reason: "no executor here" }; },
 * };
 * ```
 */
export interface Dispatcher {
  /**
   * Dispatches the run (re-attaching to its job when it has one) and waits for its outcome;
   * `onRunning` is called once when its job is seen running (for this process's run views).
   */
  dispatch(
    request: DispatchRequest,
    signal: AbortSignal,
    onRunning?: () => void,
  ): Promise<DispatchOutcome>;
  /** The run as the server has it, undefined when the server does not know it. */
  priorRun?(runId: string): Promise<PriorRun | undefined>;
}

/**
 * The longest a dispatched run's body may take in its worker: every attempt's `timeoutMs` and the
 * backoffs between them (the step's own `retry` runs inside the worker). Undefined without a
 * timeout.
 *
 * @example
 * ```ts
 * jobTimeBudgetMs({ timeoutMs: 1000, retry: { attempts: 3, backoffMs: 100 } }); // 3300
 * ```
 */
export function jobTimeBudgetMs(settings: CallSettings): number | undefined {
  if (settings.timeoutMs === undefined) return undefined;
  const retry = resolveRetry(settings.retry);
  let total = settings.timeoutMs * retry.attempts;
  for (let r = 1; r < retry.attempts; r++) total += backoffDelay(retry, r);
  return total;
}

/** Whether a step's settings ask for a job of its own. */
export function asksForJob(settings: { resources?: ResourceRequest; remote?: boolean }): boolean {
  if (settings.remote === true) return true;
  const r = settings.resources;
  return r !== undefined && Object.values(r).some((v) => v !== undefined);
}

/**
 * The original error of a run that failed in another process, rebuilt from its recorded
 * {@link ErrorInfo} (name, message, stack and, for a failed job, its classified failure).
 */
export class RemoteStepError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message);
    this.name = info.name;
    this.stack = info.stack ?? `${info.name}: ${info.message}`;
  }
}
