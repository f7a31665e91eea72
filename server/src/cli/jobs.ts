/**
 * Jobs and failure classes as the command line reads them (`GET /runs/{id}/job`, a run's
 * `error.failure`): the shapes of the cloud-runs contract, read defensively, since a server from
 * before cloud runs answers without them.
 */
import type { Job, JobFailure } from "../model/jobs";

/** Why a job failed: the class, what happened, and what to change. */
export type FailureView = JobFailure;

/** One attempt of executing a run in a worker process. */
export type JobView = Job;

/** A job that will not change any more (a lost job that was requeued goes on as its next attempt). */
export function jobEnded(job: JobView): boolean {
  if (job.state === "lost") return job.requeuedAs === undefined;
  return job.state === "succeeded" || job.state === "failed" || job.state === "canceled";
}

/** The lines that describe a failure class, e.g. `out-of-memory: ...` then `hint: ...`. */
export function failureLines(f: FailureView): string[] {
  const lines = [`class       ${f.kind}`, `what        ${f.message}`];
  if (f.hint) lines.push(`what to do  ${f.hint}`);
  if (f.exitCode !== undefined && f.exitCode !== null) lines.push(`exit code   ${f.exitCode}`);
  if (f.signal) lines.push(`signal      ${f.signal}`);
  if (f.memory) {
    lines.push(`memory      asked ${f.memory.askedMiB} MiB, used ${f.memory.usedMiB} MiB at peak`);
  }
  if (f.timeoutMs !== undefined) lines.push(`timeout     ${f.timeoutMs} ms`);
  return lines;
}

/** The lines that describe a job: executor, attempt, state, where it ran. */
export function jobLines(job: JobView): string[] {
  const where = job.handle
    ? `${job.handle.node ?? job.handle.host}${job.handle.pid !== undefined ? ` pid ${job.handle.pid}` : ""}${job.handle.externalId ? ` (${job.handle.externalId})` : ""}`
    : "-";
  const lines = [
    `id          ${job.id} (${job.kind})`,
    `executor    ${job.executor}`,
    `attempt     ${job.attempt}`,
    `state       ${job.state}${job.requeuedAs ? ` (requeued as ${job.requeuedAs})` : ""}`,
    `where       ${where}`,
  ];
  // Why its cluster has not started it (Slurm: Resources, Priority, ...), while it waits.
  if (job.state === "queued" && job.handle?.pendingReason) {
    lines.push(`pending     ${job.handle.pendingReason}`);
  }
  if (job.handle?.restarts) lines.push(`restarts    ${job.handle.restarts} (by its cluster)`);
  const asked = Object.entries(job.resources ?? {})
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(" ");
  if (asked) lines.push(`resources   ${asked}`);
  if (job.failure) lines.push(`failure     ${job.failure.kind}: ${job.failure.message}`);
  return lines;
}
