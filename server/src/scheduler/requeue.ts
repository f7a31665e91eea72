/**
 * What becomes of a lost job's run. A lost worker (its node, its process or the server went away)
 * is not the step's fault, so the run goes on as its next attempt, up to `maxInfraAttempts`; after
 * the last one it fails for good with the job's failure.
 */
import { TERMINAL_STATES } from "../model/events";
import type { Job, JobFailure } from "../model/jobs";
import { storedSpec } from "../storage/jobs";
import { getRoot, recordHeartbeat } from "../storage/roots";
import { getRun } from "../storage/runs";
import { notRetriedFailure } from "./failures";
import { createAndLaunch } from "./launch";
import type { SchedulerState } from "./state";
import { resolveWorkerEntry } from "./worker-entry";

/** A lost job: its run goes on as the next attempt, or fails for good after the last one. */
export function requeueOrFail(s: SchedulerState, job: Job, failure: JobFailure): void {
  const { db, now, options } = s.deps;
  const run = getRun(db, job.runId);
  const root = getRoot(db, job.rootId);
  const open = run ? !TERMINAL_STATES.has(run.state) : true;
  if (!open || root?.cancelRequested || s.closed) {
    s.waiters.notify(job.runId);
    return;
  }
  const executor = s.executors.get(job.executor);
  let entry: string | undefined;
  try {
    entry = resolveWorkerEntry(options.workerEntry);
  } catch {
    entry = undefined;
  }
  if (job.attempt < options.maxInfraAttempts && executor && entry) {
    const spec = storedSpec(db, job.id)!;
    db.prepare("DELETE FROM run_leases WHERE run_id = ?").run(job.runId);
    // A driver's root gets a full heartbeat timeout for its next attempt to come up.
    if (job.runId === job.rootId) recordHeartbeat(db, job.rootId, now());
    const attempt = job.attempt + 1;
    createAndLaunch(s, job.kind, job.rootId, job.runId, attempt, executor, spec, entry);
    return;
  }
  const last = notRetriedFailure(failure, job, options.maxInfraAttempts);
  s.runEnds.failRun(job.rootId, job.runId, last);
  s.waiters.notify(job.runId);
}
