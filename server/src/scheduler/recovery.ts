/**
 * Jobs left queued or running by an earlier server process: nobody watches them any more, so
 * their runs would never end. At start each is ended lost (its worker killed if it still runs on
 * this host) and its run requeued by the usual rule.
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { carrierOf } from "../storage/carriers";
import { endJob, openJobs, revokeJobTokens } from "../storage/jobs";
import { restartFailure } from "./failures";
import { requeueOrFail } from "./requeue";
import type { SchedulerState } from "./state";

/**
 * A worker still running (found by the id of the job it was launched for in its environment, so
 * a reused pid is never touched) is killed; then each job is lost, and requeued by the usual rule.
 */
export function recoverLeftovers(s: SchedulerState): void {
  const { db, now } = s.deps;
  for (const job of openJobs(db)) {
    const pgid = job.handle?.pgid ?? job.handle?.pid;
    if (
      pgid !== undefined &&
      job.handle?.host === hostname() &&
      isWorkerOf(pgid, carrierOf(db, job.id))
    ) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {
        // Gone already.
      }
    }
    const failure = restartFailure(job);
    if (!endJob(db, job.id, "lost", { failure }, now())) continue;
    revokeJobTokens(db, job.id, now());
    requeueOrFail(s, job, failure);
  }
}

/** Whether process `pid` is a worker of job `jobId` (its environment names the job). */
function isWorkerOf(pid: number, jobId: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, "utf8")
      .split("\0")
      .includes(`TSEMATIC_JOB_ID=${jobId}`);
  } catch {
    return false;
  }
}
