/**
 * Waiting for a run's job to settle (`GET /runs/{runId}/job?waitMs=`): a resolver long-polls once
 * instead of asking again and again, and every change of the run's job wakes it at once.
 */
import { type Job, TERMINAL_JOB_STATES } from "../model/jobs";
import { latestJobOfRun } from "../storage/jobs";
import type { SchedulerState } from "./state";

/** The wake-ups of those who wait, by run id. */
export class RunWaiters {
  private readonly byRun = new Map<string, Set<() => void>>();

  /** Resolves at the next `notify(runId)` or `wakeAll()`, or after `ms`. */
  wait(runId: string, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const set = this.byRun.get(runId) ?? new Set();
      this.byRun.set(runId, set);
      const wake = (): void => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0) this.byRun.delete(runId);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      set.add(wake);
    });
  }

  /** The run's job changed: its waiters look again. */
  notify(runId: string): void {
    const set = this.byRun.get(runId);
    if (set) for (const wake of [...set]) wake();
  }

  /** The scheduler closes: nobody is left waiting for a job that will not change any more. */
  wakeAll(): void {
    for (const set of this.byRun.values()) for (const wake of set) wake();
    this.byRun.clear();
  }
}

/** The latest job of a run once it is settled, or after `waitMs`; undefined when it has none. */
export async function waitForRunJob(
  s: SchedulerState,
  runId: string,
  waitMs: number,
): Promise<Job | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const job = latestJobOfRun(s.deps.db, runId);
    if (!job || TERMINAL_JOB_STATES.has(job.state) || s.closed) return job;
    const left = deadline - Date.now();
    if (left <= 0) return job;
    await s.waiters.wait(runId, left);
  }
}
