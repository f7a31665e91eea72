/**
 * Canceling a root's jobs, because a user asked or because the root's client is gone. The jobs
 * are recorded canceled before their processes are stopped, so that the exits which follow are
 * read as the cancel's and not as lost workers to requeue.
 */
import { TERMINAL_JOB_STATES } from "../model/jobs";
import { carrierOf } from "../storage/carriers";
import { endJob, jobsOfRoot, revokeJobTokens } from "../storage/jobs";
import { canceledFailure } from "./failures";
import { releaseIdle } from "./handoff";
import type { SchedulerState } from "./state";

/** Whether the root has any job (a submitted root may have no run yet). */
export function hasJobs(s: SchedulerState, rootId: string): boolean {
  return jobsOfRoot(s.deps.db, rootId).length > 0;
}

/** Cancels the root's open jobs and ends its open runs; resolves once the processes are gone. */
export async function cancelRoot(
  s: SchedulerState,
  rootId: string,
): Promise<{ jobs: number; runs: number }> {
  const { db, now } = s.deps;
  const open = jobsOfRoot(db, rootId).filter((j) => !TERMINAL_JOB_STATES.has(j.state));
  // Recorded first: an exit the tick sees from here on is the cancel's, not a lost worker.
  for (const job of open) {
    endJob(db, job.id, "canceled", { failure: canceledFailure() }, now());
  }
  const hadJobs = open.length > 0 || jobsOfRoot(db, rootId).length > 0;
  const runs = hadJobs ? s.runEnds.cancelRoot(rootId) : 0;
  for (const job of open) s.waiters.notify(job.runId);
  // Warm workers waiting for another job of this root exit instead.
  releaseIdle(s, (w) => w.rootId === rootId);
  await Promise.all(
    open.map(async (job) => {
      const executor = s.executors.get(job.executor);
      // The process that runs the job (a warm worker's was launched for an earlier job).
      await executor?.cancel(carrierOf(db, job.id), s.deps.options.killGraceMs);
      revokeJobTokens(db, job.id, now());
    }),
  );
  return { jobs: open.length, runs };
}

/** Cancels the jobs of a root whose client is gone; a failure is logged, nobody awaits it. */
export function rootAbandoned(s: SchedulerState, rootId: string): void {
  if (!hasJobs(s, rootId)) return;
  void cancelRoot(s, rootId).catch((err: unknown) =>
    s.deps.options.log(
      `canceling the jobs of abandoned root ${rootId} failed: ${err instanceof Error ? err.message : String(err)}`,
    ),
  );
}
