/**
 * Every failure the scheduler records on a job, in one place: the messages users read and the
 * hints that say what to do next, kept apart from the code that decides which one applies.
 */
import type { JobStatus } from "../executors/types";
import type { ErrorInfo } from "../model/events";
import type { Job, JobFailure } from "../model/jobs";

/** The worker reported that its step threw. */
export function stepFailure(error: ErrorInfo): JobFailure {
  return {
    kind: "step-error",
    message: `${error.name} in step "${error.stepName}": ${error.message}`.slice(0, 2000),
    hint: `see the step's log: tsematic logs ${error.runId}`,
  };
}

export function canceledFailure(): JobFailure {
  return {
    kind: "canceled",
    message: "the job was canceled with its root run",
    hint: "nothing to change: the root run was canceled",
  };
}

/** A failure for an exit the executor did not classify. */
export function exitFailure(job: Job, status: Extract<JobStatus, { state: "exited" }>): JobFailure {
  if (status.signal) {
    return {
      kind: "signal",
      message: `the worker of job ${job.id} was killed by ${status.signal}`,
      hint: "see the step's log; something outside Tsematic stopped the process",
      signal: status.signal,
    };
  }
  if (status.exitCode !== null && status.exitCode !== 0) {
    return {
      kind: "exit-code",
      message: `the worker of job ${job.id} exited with code ${status.exitCode} before reporting how its job ended`,
      hint: "see the step's log (tsematic logs <runId>)",
      exitCode: status.exitCode,
    };
  }
  return {
    kind: "lost",
    message: `the worker of job ${job.id} exited without reporting how its job ended`,
    hint: "see the step's log (tsematic logs <runId>)",
    exitCode: 0,
  };
}

/** The executor's cluster restarted the job in place (Slurm's requeue after a node failure). */
export function requeuedFailure(job: Job, restarts: number): JobFailure {
  return {
    kind: "node-failure",
    message: `the ${job.executor} cluster requeued job ${job.id}${job.handle?.externalId ? ` (${job.handle.externalId})` : ""}${job.handle?.node ? ` after its node ${job.handle.node} failed` : ""}: its worker restarted (restart ${restarts}) as the run's next attempt`,
    hint: "nothing to change: the run goes on as its next attempt",
  };
}

/** The executor threw when asked to start the job's worker. */
export function startFailure(executorName: string, job: Job, err: unknown): JobFailure {
  return {
    kind: "node-failure",
    message: `the ${executorName} executor could not start job ${job.id}: ${err instanceof Error ? err.message : String(err)}`,
    hint: "see the server's log",
  };
}

/** The worker's process still ran, but its lease expired without a heartbeat. */
export function silentFailure(job: Job, silentForMs: number): JobFailure {
  const seconds = Math.round(silentForMs / 100) / 10;
  return {
    kind: "lost",
    message: `the worker of job ${job.id} sent no heartbeat for ${seconds} s while its process still ran: it was stopped`,
    hint: "see the step's log (tsematic logs <runId>); a worker blocked on synchronous work cannot heartbeat",
  };
}

/** The job was open when an earlier server process stopped. */
export function restartFailure(job: Job): JobFailure {
  return {
    kind: "lost",
    message: `the server restarted while job ${job.id} was ${job.state}: its worker was not watched any more`,
    hint: "nothing to change: the run is requeued as its next attempt",
  };
}

/** A lost job's failure once its run has used its last attempt. */
export function notRetriedFailure(failure: JobFailure, job: Job, maxAttempts: number): JobFailure {
  return {
    ...failure,
    message: `${failure.message} (attempt ${job.attempt} of ${maxAttempts}: not retried)`,
  };
}
