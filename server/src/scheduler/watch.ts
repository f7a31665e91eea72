/**
 * Watching the jobs' processes. One pass polls every open job with one `pollMany` per executor
 * (a pass costs a call per executor, not per job); a process that exited is classified here into
 * how its job ended and what happens to its run.
 */
import type { Executor, JobStatus } from "../executors/types";
import { type Job, type JobHandle, TERMINAL_JOB_STATES } from "../model/jobs";
import { carrierOf, carriersOfOpenJobs } from "../storage/carriers";
import {
  endJob,
  getJob,
  markRunning,
  openJobs,
  recordEndedHandle,
  revokeJobTokens,
  setHandle,
} from "../storage/jobs";
import { getRoot } from "../storage/roots";
import { exitFailure } from "./failures";
import { requeueOrFail } from "./requeue";
import type { SchedulerState } from "./state";

/** One pass: every open job's status, from one `pollMany` per executor. */
export async function tick(s: SchedulerState): Promise<void> {
  const byExecutor = new Map<string, Job[]>();
  // The executor knows a process by the job it was launched for (a warm worker serves later ones).
  const carriers = carriersOfOpenJobs(s.deps.db);
  const carrier = (job: Job): string => carriers.get(job.id) ?? job.id;
  for (const job of openJobs(s.deps.db)) {
    const list = byExecutor.get(job.executor) ?? [];
    list.push(job);
    byExecutor.set(job.executor, list);
  }
  for (const [name, jobs] of byExecutor) {
    const executor = s.executors.get(name);
    if (!executor) continue;
    const statuses = await executor.pollMany([...new Set(jobs.map(carrier))]);
    if (s.closed) return;
    for (const listed of jobs) {
      const status = statuses.get(carrier(listed));
      // Read again: while the poll was out, a worker may have reported it started (its pid and
      // host) or finished, and a stale snapshot merged here would overwrite that.
      const job = status && getJob(s.deps.db, listed.id);
      if (!status || !job) continue;
      if (status.state === "running" && (job.state === "queued" || handleChanged(job, status))) {
        markRunning(s.deps.db, job.id, mergeHandle(job, status.handle), s.deps.now());
        s.waiters.notify(job.runId);
      } else if (
        status.state === "queued" &&
        job.state === "queued" &&
        status.handle &&
        handleChanged(job, status)
      ) {
        // Where it waits and why (a cluster's pending reason), for `GET /runs/{id}/job` and `show`;
        // only while it waits: a job its worker reported running has no reason to pend, whatever a
        // poll sent before that report said.
        setHandle(s.deps.db, job.id, mergeHandle(job, status.handle));
        s.waiters.notify(job.runId);
      } else if (status.state === "exited" && !s.checking.has(job.id)) {
        onExited(s, executor, job, status);
      }
    }
  }
}

/** A job's process exited: how the job ends, and what happens to its run. */
export function onExited(
  s: SchedulerState,
  executor: Executor,
  job: Job,
  status: Extract<JobStatus, { state: "exited" }>,
): void {
  const { db, now } = s.deps;
  revokeJobTokens(db, job.id, now());
  const current = getJob(db, job.id)!;
  if (TERMINAL_JOB_STATES.has(current.state)) {
    // Reported by the worker (`finished`) or canceled: the job's record stands, and where it ran
    // is added when only the exit told (a cluster job that ended between two polls).
    if (status.handle && handleChanged(current, status)) {
      recordEndedHandle(db, job.id, mergeHandle(current, status.handle));
    }
    const reported = s.reported.get(job.id);
    s.reported.delete(job.id);
    if (current.state === "failed" && current.failure) {
      s.runEnds.failRun(job.rootId, job.runId, current.failure, reported);
    }
    return;
  }
  const failure =
    status.failure ?? executor.describeFailure(carrierOf(db, job.id)) ?? exitFailure(job, status);
  const output = failure.kind === "canceled" ? undefined : resolvedOutput(s, job.runId);
  if (output !== undefined) {
    // Its events resolved the run before it could report `finished`: the run's record stands.
    endJob(db, job.id, "succeeded", { outputArtifactId: output, handle: status.handle }, now());
    s.waiters.notify(job.runId);
  } else if (failure.kind === "canceled") {
    endJob(db, job.id, "canceled", { failure, handle: status.handle }, now());
    // Canceled outside Tsematic (a cluster's scancel): nobody will end the run otherwise.
    if (!getRoot(db, job.rootId)?.cancelRequested) {
      s.runEnds.failRun(job.rootId, job.runId, failure);
    }
    s.waiters.notify(job.runId);
  } else if (failure.kind === "out-of-memory" || failure.kind === "timeout") {
    endJob(db, job.id, "failed", { failure, handle: status.handle }, now());
    s.runEnds.failRun(job.rootId, job.runId, failure);
    s.waiters.notify(job.runId);
  } else {
    endJob(db, job.id, "lost", { failure, handle: status.handle }, now());
    requeueOrFail(s, job, failure);
  }
}

/** Whether the executor's handle says something the stored one does not (node, pending reason). */
function handleChanged(job: Job, status: JobStatus): boolean {
  if (!status.handle) return false;
  const h = status.handle;
  const stored = job.handle;
  return (
    !stored ||
    stored.pendingReason !== h.pendingReason ||
    stored.node !== h.node ||
    stored.externalId !== h.externalId
  );
}

/** The executor's view over the stored one (which may hold the worker's pid); a pending reason goes once it runs. */
function mergeHandle(job: Job, handle: JobHandle): JobHandle {
  const { pendingReason: _old, ...stored } = job.handle ?? { executor: handle.executor, host: "" };
  return { ...stored, ...handle };
}

/** The output artifact of a run that resolved, or undefined when it has not. */
function resolvedOutput(s: SchedulerState, runId: string): string | undefined {
  return s.deps.db
    .prepare<[string], { id: string }>(
      `SELECT a.id FROM runs r JOIN edges e ON e.run = r.seq AND e.direction = 'output'
           JOIN artifacts a ON a.seq = e.artifact
           WHERE r.id = ? AND r.state = 'resolved' ORDER BY e.id LIMIT 1`,
    )
    .get(runId)?.id;
}
