/**
 * The scheduler's side of run liveness (the heartbeat monitor's `JobWatch` and the heartbeat
 * route): a run that has a job is judged by its process, not by its heartbeat alone. An expired
 * lease gets the process checked, and a driver that heartbeats before its root run exists is
 * answered from its job.
 */
import { type Job, TERMINAL_JOB_STATES } from "../model/jobs";
import { carrierOf } from "../storage/carriers";
import { endJob, getJob, latestJobOfRun, revokeJobTokens } from "../storage/jobs";
import type { LeaseAnswer } from "../storage/leases";
import { silentFailure } from "./failures";
import { requeueOrFail } from "./requeue";
import type { SchedulerState } from "./state";
import { onExited } from "./watch";

/** Whether an open job drives this root (a submitted root's driver). */
export function drivesRoot(s: SchedulerState, rootId: string): boolean {
  const job = latestJobOfRun(s.deps.db, rootId);
  return job !== undefined && !TERMINAL_JOB_STATES.has(job.state);
}

/** The lease answer from the run's job for a run that does not exist yet; undefined without one. */
export function driverLease(
  s: SchedulerState,
  runId: string,
  attempt: number,
): LeaseAnswer | undefined {
  const job = latestJobOfRun(s.deps.db, runId);
  if (!job) return undefined;
  const lease: LeaseAnswer["lease"] = TERMINAL_JOB_STATES.has(job.state)
    ? "ended"
    : job.attempt > attempt
      ? "superseded"
      : "held";
  return { runId, attempt: job.attempt, lease, runState: "created" };
}

/** True when the run's open job is judged here; false leaves the run to the lease monitor. */
export function leaseExpired(
  s: SchedulerState,
  lease: { runId: string; rootId: string; attempt: number },
  silentForMs: number,
): boolean {
  const { db } = s.deps;
  const job = latestJobOfRun(db, lease.runId);
  if (!job || TERMINAL_JOB_STATES.has(job.state)) return false;
  db.prepare("DELETE FROM run_leases WHERE run_id = ?").run(lease.runId);
  if (job.state === "queued" || s.checking.has(job.id)) return true;
  s.checking.add(job.id);
  void judgeSilent(s, job, silentForMs).finally(() => s.checking.delete(job.id));
  return true;
}

/** A process that exited meanwhile ends as any exit; one still running is stopped and lost. */
async function judgeSilent(s: SchedulerState, job: Job, silentForMs: number): Promise<void> {
  const executor = s.executors.get(job.executor);
  if (!executor) return;
  const carrier = carrierOf(s.deps.db, job.id);
  const status = (await executor.pollMany([carrier])).get(carrier);
  if (status?.state === "exited") {
    onExited(s, executor, getJob(s.deps.db, job.id)!, status);
    return;
  }
  if (executor.requeuesItself && status) {
    // Its cluster restarts a job whose node died (the same job, attempt + 1 when its worker comes
    // back): stopping it and starting another here would run the step twice. A worker that hangs
    // on a live node ends at its cluster's time limit.
    s.deps.options.log(
      `job ${job.id} (run ${job.runId}) sent no heartbeat for ${Math.round(silentForMs / 1000)} s; ` +
        `its ${executor.name} job is ${status.state}: left to ${executor.name}, which requeues it if its node died`,
    );
    return;
  }
  const failure = silentFailure(job, silentForMs);
  if (!endJob(s.deps.db, job.id, "lost", { failure }, s.deps.now())) return;
  await executor.cancel(carrier, s.deps.options.killGraceMs);
  revokeJobTokens(s.deps.db, job.id, s.deps.now());
  requeueOrFail(s, job, failure);
}
