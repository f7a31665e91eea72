/**
 * What a worker does about its cluster: Slurm restarts a requeued job's worker with
 * `SLURM_RESTART_COUNT` set (the server makes that restart the run's next attempt), and warns a
 * job nearing its time limit with SIGUSR2 (`--signal=B:USR2@60`): the worker then sends the logs
 * and events it holds, so that what the step printed last is kept when Slurm kills it.
 *
 * The flushers live on `globalThis`, so that the package's own copy of tsematic (which runs the
 * step) and the worker's copy (which got the signal) share them.
 *
 * @example
 * ```ts
 * installTimeLimitWarning((line) => process.stderr.write(line + "\n"));
 * const stop = onTimeLimitWarning(() => backend.flush());
 * // ... at the end of the job: stop();
 * ```
 */

import { unlinkSync } from "node:fs";

const FLUSHERS = Symbol.for("tsematic.worker.timeLimitFlushers");

type Flusher = () => Promise<void>;

function flushers(): Set<Flusher> {
  const g = globalThis as { [FLUSHERS]?: Set<Flusher> };
  g[FLUSHERS] ??= new Set();
  return g[FLUSHERS];
}

/** How many times the cluster restarted this worker's job in place (0 when it did not). */
export function clusterRestarts(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.SLURM_RESTART_COUNT ?? 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/**
 * The backend, whose every tracking session's sink is flushed on the time-limit warning (until
 * the session closes).
 */
export function flushedOnTimeLimit<
  B extends {
    open(...args: never[]): Promise<{ sink: unknown; close: (...a: never[]) => Promise<unknown> }>;
  },
>(backend: B): B {
  const open = backend.open.bind(backend);
  backend.open = (async (...args: never[]) => {
    const session = await open(...args);
    const sink = session.sink as { flush?: () => Promise<void> };
    if (!sink.flush) return session;
    const stop = onTimeLimitWarning(() => sink.flush!());
    const close = session.close.bind(session);
    session.close = (async (...a: never[]) => {
      stop();
      return close(...a);
    }) as typeof session.close;
    return session;
  }) as B["open"];
  return backend;
}

/** Where the cluster placed this worker (Slurm's node and job id), for the job's record. */
export function clusterPlacement(env: NodeJS.ProcessEnv = process.env): {
  node?: string;
  externalId?: string;
} {
  const node = env.SLURMD_NODENAME;
  const externalId = env.SLURM_ARRAY_JOB_ID
    ? `${env.SLURM_ARRAY_JOB_ID}_${env.SLURM_ARRAY_TASK_ID ?? ""}`
    : env.SLURM_JOB_ID;
  return { ...(node ? { node } : {}), ...(externalId ? { externalId } : {}) };
}

/**
 * The job's node-local output file (`TSEMATIC_JOB_OUTPUT`, Slurm's `%j` / `%A_%a` pattern, expanded
 * from this job's SLURM_* ids); undefined outside a cluster job.
 *
 * @example
 * ```ts
 * clusterOutputFile({ TSEMATIC_JOB_OUTPUT: "/tmp/t-%j.out", SLURM_JOB_ID: "12" }); // "/tmp/t-12.out"
 * ```
 */
export function clusterOutputFile(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const pattern = env.TSEMATIC_JOB_OUTPUT;
  if (!pattern) return undefined;
  const ids: Record<string, string | undefined> = {
    j: env.SLURM_JOB_ID,
    A: env.SLURM_ARRAY_JOB_ID,
    a: env.SLURM_ARRAY_TASK_ID,
  };
  let complete = true;
  const path = pattern.replace(/%([jAa])/g, (_, k: string) => {
    const id = ids[k];
    if (id === undefined || !/^\d+$/.test(id)) complete = false;
    return id ?? "";
  });
  return complete ? path : undefined;
}

/**
 * Removes the job's output once the worker reported how its job ended: it served diagnosis only
 * (the step's log is on the server). A worker that did not report leaves it for the failure
 * message that names it.
 */
export function removeClusterOutput(env: NodeJS.ProcessEnv = process.env): void {
  const file = clusterOutputFile(env);
  if (!file) return;
  try {
    unlinkSync(file);
  } catch {
    // Already gone, or not this user's: nothing to clean.
  }
}

/** Registers what to send when the time limit nears; returns the unregistration. */
export function onTimeLimitWarning(flush: Flusher): () => void {
  const set = flushers();
  set.add(flush);
  return () => set.delete(flush);
}

/**
 * SIGUSR2 (which would otherwise end the process at once) flushes every registered sender and
 * says so in the job's output; the worker goes on until the cluster stops it.
 */
export function installTimeLimitWarning(
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const warn = (why: string): void => {
    log(`${why}: the cluster stops this job soon (its time limit): sending what the step logged`);
    for (const flush of flushers()) {
      flush().catch((error: unknown) =>
        log(`could not send the step's logs before the time limit: ${(error as Error).message}`),
      );
    }
  };
  process.on("SIGUSR2", () => warn("SIGUSR2"));
  // Where the cluster cannot signal the worker (Slurm 22.05's REST API refuses --signal=B:...),
  // the executor passes the limit: the same warning 60 s before it (counted from this start).
  const limitMs = Number(env.TSEMATIC_TIME_LIMIT_MS);
  if (Number.isFinite(limitMs) && limitMs > 0) {
    setTimeout(
      () => warn("60 s before the job's time limit"),
      Math.max(0, limitMs - 60_000),
    ).unref();
  }
}
