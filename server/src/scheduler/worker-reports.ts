/**
 * What a job's worker tells the server about its job: it asks for its spec, says it started, and
 * says how its job ended. `started` and `finished` answer 409 once the job is over or superseded by
 * a newer attempt: that answer is the worker's signal to exit.
 */
import { ApiError } from "../http/errors";
import type { ErrorInfo } from "../model/events";
import type { Job, JobSpec } from "../model/jobs";
import { TERMINAL_JOB_STATES } from "../model/jobs";
import {
  endJob,
  getJob,
  insertJob,
  latestJobOfRun,
  markRunning,
  moveJobTokens,
  storedSpec,
} from "../storage/jobs";
import { requeuedFailure, stepFailure } from "./failures";
import type { SchedulerState } from "./state";

/** What `POST /jobs/{id}/started` carries. */
export interface StartedReport {
  pid: number;
  host: string;
  attempt: number;
  /** How many times the cluster restarted this worker in place (Slurm's SLURM_RESTART_COUNT). */
  restarts?: number;
  /** The cluster's node name and job id, when a cluster runs it. */
  node?: string;
  externalId?: string;
}

/** What `POST /jobs/{id}/finished` carries. */
export type FinishedReport =
  { state: "succeeded"; outputArtifactId: string } | { state: "failed"; error: ErrorInfo };

/** The job and what its worker is to run (its resources are the executor's business). */
export function jobSpec(s: SchedulerState, jobId: string): JobSpec {
  const job = requireJob(s, jobId);
  const { resources: _resources, nodeUrl: _nodeUrl, ...spec } = storedSpec(s.deps.db, jobId)!;
  return { job, ...spec };
}

/** Marks the job running on the reported process, unless it ended or was superseded. */
export function reportStarted(s: SchedulerState, jobId: string, report: StartedReport): Job {
  const { db, now } = s.deps;
  let job = requireJob(s, jobId);
  if ((report.restarts ?? 0) > (job.handle?.restarts ?? 0) && report.attempt === job.attempt) {
    job = restartedInPlace(s, job, report.restarts!);
    report = { ...report, attempt: job.attempt };
  }
  const latest = latestJobOfRun(db, job.runId)!;
  if (report.attempt !== job.attempt || latest.id !== job.id) {
    throw ApiError.conflict(
      "job_superseded",
      `job ${job.id} is attempt ${job.attempt} of run ${job.runId}, superseded by attempt ${latest.attempt}: exit`,
    );
  }
  // Running now: a reason Slurm gave for pending is history, whether or not a poll saw it start.
  const { pendingReason: _pending, ...known } = job.handle ?? {};
  const handle = {
    ...known,
    executor: job.executor,
    host: report.host,
    pid: report.pid,
    ...(report.node !== undefined ? { node: report.node } : {}),
    ...(report.externalId !== undefined ? { externalId: report.externalId } : {}),
  };
  if (!markRunning(db, job.id, handle, now())) throw jobEnded(job);
  s.waiters.notify(job.runId);
  return getJob(db, job.id)!;
}

/** Ends the job as its worker reports; a reported error is kept for when its process exits. */
export function reportFinished(s: SchedulerState, jobId: string, report: FinishedReport): Job {
  const { db, now } = s.deps;
  const job = requireJob(s, jobId);
  const ended =
    report.state === "succeeded"
      ? endJob(db, jobId, "succeeded", { outputArtifactId: report.outputArtifactId }, now())
      : endJob(db, jobId, "failed", { failure: stepFailure(report.error) }, now());
  if (!ended) throw jobEnded(job);
  if (report.state === "failed") {
    s.reported.set(jobId, report.error);
    // A driver that failed before its program created the root run (its package would not
    // install): nothing else would ever create that run, and its root id would answer 404.
    if (job.kind !== "step") {
      s.runEnds.failRun(job.rootId, job.runId, getJob(db, jobId)!.failure!, report.error);
    }
  }
  s.waiters.notify(job.runId);
  return getJob(db, jobId)!;
}

/**
 * The executor's cluster restarted the job's worker in place (Slurm requeued it after its node
 * died): the restart is the run's next attempt, as a new job record that the same cluster job goes
 * on as. The worker's token moves to it, so that the restarted worker (which still holds it) goes
 * on, and what the previous attempt's process might still send is answered as superseded.
 */
function restartedInPlace(s: SchedulerState, job: Job, restarts: number): Job {
  const { db, now } = s.deps;
  const latest = latestJobOfRun(db, job.runId)!;
  const executor = s.executors.get(job.executor);
  if (latest.id !== job.id || TERMINAL_JOB_STATES.has(job.state) || !executor?.adopt) return job;
  const spec = storedSpec(db, job.id)!;
  const failure = requeuedFailure(job, restarts);
  return db.transaction(() => {
    endJob(db, job.id, "lost", { failure }, now());
    const next = insertJob(
      db,
      {
        kind: job.kind,
        rootId: job.rootId,
        runId: job.runId,
        attempt: job.attempt + 1,
        executor: job.executor,
        spec,
      },
      now(),
    );
    moveJobTokens(db, job.id, next.id);
    markRunning(
      db,
      next.id,
      { ...(job.handle ?? { executor: job.executor, host: "" }), restarts },
      now(),
    );
    db.prepare("DELETE FROM run_leases WHERE run_id = ?").run(job.runId);
    executor.adopt!(job.id, next.id);
    s.waiters.notify(job.runId);
    return getJob(db, next.id)!;
  })();
}

function requireJob(s: SchedulerState, jobId: string): Job {
  const job = getJob(s.deps.db, jobId);
  if (!job) throw ApiError.notFound("unknown_job", `no job ${jobId} on this server`);
  return job;
}

function jobEnded(job: Job): ApiError {
  return ApiError.conflict("job_ended", `job ${job.id} has already ended: exit`);
}
