/**
 * Launching a job: its row, its worker token and its worker process. The worker's environment is
 * built here from scratch, the one place that decides what a worker may see of the server.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Executor } from "../executors/types";
import type { Job, JobKind, StoredSpec } from "../model/jobs";
import { createJobToken, endJob, getJob, insertJob, revokeJobTokens } from "../storage/jobs";
import { startFailure } from "./failures";
import { offerToIdle, releaseIdle } from "./handoff";
import { callbackUrl } from "./node-url";
import type { SchedulerState } from "./state";

/**
 * The executor's wall clock for a job whose step has a time budget (`spec.timeoutMs`, every
 * attempt and backoff of the step's own retry): the budget twice, plus 10 s, because the clock
 * starts at spawn and also covers the worker's setup (package, dependencies). Past it the worker is
 * stopped and the job fails `timeout`, even when it is stuck where the step's own timer cannot fire.
 */
export function wallTimeoutFor(timeoutMs: number | undefined): number | undefined {
  return timeoutMs === undefined ? undefined : 2 * timeoutMs + 10_000;
}

/** Records a job (attempt `attempt` of run `runId`) and starts its worker; returns the job as stored. */
export function createAndLaunch(
  s: SchedulerState,
  kind: JobKind,
  rootId: string,
  runId: string,
  attempt: number,
  executor: Executor,
  spec: StoredSpec,
  entry: string,
): Job {
  const { db, now } = s.deps;
  const job = insertJob(db, { kind, rootId, runId, attempt, executor: executor.name, spec }, now());
  if (offerToIdle(s, job, spec)) return getJob(db, job.id)!;
  launch(s, job, spec, executor, entry);
  // It waits for resources that waiting warm workers hold: they leave, so that it gets them.
  if (executor.usage().queued > 0) releaseIdle(s, (w) => w.executor === executor.name);
  return getJob(db, job.id)!;
}

/** Starts the job's worker; an executor that cannot start it fails the job and its run for good. */
function launch(
  s: SchedulerState,
  job: Job,
  spec: StoredSpec,
  executor: Executor,
  entry: string,
): void {
  const { db, now, options } = s.deps;
  const token = createJobToken(db, job.id, job.rootId, now());
  const cache = join(options.dataDir, "worker-cache");
  const logs = join(options.dataDir, "jobs");
  mkdirSync(cache, { recursive: true, mode: 0o700 });
  mkdirSync(logs, { recursive: true, mode: 0o700 });
  // Built from scratch: the admin token (and anything else of the server's) never reaches a worker.
  const env: Record<string, string> = {
    // One of the URLs the operator configured for the executor's jobs (node-url.ts): the worker
    // sends its token there.
    TSEMATIC_SERVER_URL: callbackUrl(s, executor, spec.nodeUrl),
    TSEMATIC_TOKEN: token,
    TSEMATIC_JOB_ID: job.id,
    TSEMATIC_WORKER_CACHE: cache,
    // How long the worker waits for another step job after its own (handoff.ts); 0: it exits.
    TSEMATIC_WORKER_IDLE_MS: String(options.warmIdleMs),
  };
  for (const name of ["PATH", "HOME", "LANG"]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith("TSEMATIC_TEST_") && value !== undefined) env[name] = value;
  }
  const wall = wallTimeoutFor(spec.timeoutMs);
  try {
    executor.submit({
      jobId: job.id,
      command: [process.execPath, entry],
      env,
      cwd: cache,
      resources: spec.resources,
      ...(wall !== undefined ? { wallTimeoutMs: wall } : {}),
      logFile: join(logs, `${job.id}.log`),
      ...(spec.stepName !== undefined && job.kind === "step"
        ? { group: `${job.rootId}/${spec.stepName}` }
        : {}),
      ...(spec.timeoutMs !== undefined ? { stepTimeoutMs: spec.timeoutMs } : {}),
      ...(spec.maxParallelism !== undefined ? { maxParallelism: spec.maxParallelism } : {}),
    });
  } catch (err) {
    const failure = startFailure(executor.name, job, err);
    endJob(db, job.id, "failed", { failure }, now());
    revokeJobTokens(db, job.id, now());
    s.runEnds.failRun(job.rootId, job.runId, failure);
    s.waiters.notify(job.runId);
  }
}
