/**
 * The scheduler: owns the executors and the job table. It launches jobs (a worker token, a worker
 * process through the executor), watches them (a tick of at most 500 ms that polls every open job
 * in one `pollMany` per executor, plus the executors' `onExit` push), classifies how each ended,
 * requeues a lost worker's run as the next attempt until `maxInfraAttempts`, fails a run for good
 * with its job's failure, cancels every job of a canceled root, and stops every worker when the
 * server stops (design.md, "Cloud runs (promotion)").
 *
 * This class is the one object the routes and the server hold: it owns the scheduler's own life
 * (start, the tick, close) and hands everything else to the files beside it, one purpose each:
 * `accept.ts` (dispatch, submit, validate), `worker-reports.ts` (spec, started, finished),
 * `watch.ts` (the tick's poll and how an exit ends a job), `requeue.ts`, `liveness.ts`,
 * `cancel.ts`, `recovery.ts`, `launch.ts` and `failures.ts`.
 *
 * @example
 * ```ts
 * const scheduler = new Scheduler(deps, [localExecutor]);
 * scheduler.start();
 * const { job } = scheduler.dispatch(runId, { packageId, stepName: "train", inputs, resources: { cpus: 2 }, executor: "local" });
 * const done = await scheduler.waitForRunJob(runId, 25_000);
 * await scheduler.close();
 * ```
 */
import { join } from "node:path";
import type { Executor } from "../executors/types";
import type { ResourceRequest } from "../model/events";
import type { Job, JobSpec } from "../model/jobs";
import type { LeaseAnswer } from "../storage/leases";
import { PackageStore } from "../storage/packages";
import {
  type DispatchRequest,
  type RerunOf,
  type SubmissionRequest,
  dispatchRun,
  requireExecutor,
  submitRoot,
  validateSteps,
} from "./accept";
import { cancelRoot, hasJobs, rootAbandoned } from "./cancel";
import { IdleWorkers, type NextJob, nextJob, releaseIdle } from "./handoff";
import { driverLease, drivesRoot, leaseExpired } from "./liveness";
import { nodeUrlsOf } from "./node-url";
import { recoverLeftovers } from "./recovery";
import { RunEnds } from "./run-ends";
import type { SchedulerDeps, SchedulerState } from "./state";
import { RunWaiters, waitForRunJob } from "./waiters";
import { tick } from "./watch";
import {
  type FinishedReport,
  jobSpec,
  reportFinished,
  reportStarted,
  type StartedReport,
} from "./worker-reports";

export type { DispatchRequest, RerunOf, SubmissionRequest } from "./accept";
export type { SchedulerDeps } from "./state";
export type { FinishedReport, StartedReport } from "./worker-reports";
export type { NextJob } from "./handoff";

export const TICK_MS = 500;

export class Scheduler {
  private readonly state: SchedulerState;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private again = false;

  constructor(deps: SchedulerDeps, executors: Executor[]) {
    const byName = new Map<string, Executor>();
    for (const e of executors) {
      byName.set(e.name, e);
      e.onExit(() => this.tickSoon());
    }
    this.state = {
      deps,
      executors: byName,
      packages: new PackageStore(join(deps.options.dataDir, "packages")),
      runEnds: new RunEnds(deps.db, deps.ingestor, deps.live, deps.now),
      waiters: new RunWaiters(),
      idle: new IdleWorkers(),
      reported: new Map(),
      checking: new Set(),
      closed: false,
      serverUrl: "",
    };
  }

  /** Starts watching jobs; `url` is where workers reach this server. */
  start(url: string): void {
    this.state.serverUrl = url;
    recoverLeftovers(this.state);
    this.timer = setInterval(() => this.tickSoon(), TICK_MS);
    this.timer.unref();
  }

  /** Stops every worker process (TERM, KILL after the grace period) and the tick. */
  async close(): Promise<void> {
    this.state.closed = true;
    clearInterval(this.timer);
    this.state.waiters.wakeAll();
    releaseIdle(this.state, () => true);
    await this.ticking;
    await Promise.all(
      [...this.state.executors.values()].map((e) => e.close(this.state.deps.options.killGraceMs)),
    );
  }

  /** The executor named `name`, or a 400 naming the known ones. */
  executor(name: string): Executor {
    return requireExecutor(this.state, name);
  }

  listExecutors(): Executor[] {
    return [...this.state.executors.values()];
  }

  /**
   * The URLs the jobs of executor `name` may be told to call back, the default first (a
   * submission's `nodeUrl` must be one of them).
   */
  nodeUrls(name: string): string[] {
    return nodeUrlsOf(this.state, requireExecutor(this.state, name));
  }

  /** Throws 422 naming the first step `executor` can never satisfy. */
  validate(executorName: string, steps: { name: string; resources?: ResourceRequest }[]): void {
    validateSteps(this.state, executorName, steps);
  }

  // --- resolver side -------------------------------------------------------------------------

  /**
   * Dispatches an existing, open run as a job. Idempotent: an open or succeeded job of the run is
   * answered as it is (`created: false`).
   */
  dispatch(runId: string, body: DispatchRequest): { job: Job; created: boolean } {
    return dispatchRun(this.state, runId, body);
  }

  /** A detached root: allocates its id, validates the package's steps, creates and launches the job. */
  submit(body: SubmissionRequest, rerun?: RerunOf): { rootId: string; job: Job } {
    return submitRoot(this.state, body, rerun);
  }

  /**
   * The latest job of a run, once it is settled (terminal and not requeued) or after `waitMs`.
   * Undefined when the run has no job.
   */
  waitForRunJob(runId: string, waitMs: number): Promise<Job | undefined> {
    return waitForRunJob(this.state, runId, waitMs);
  }

  // --- worker side ---------------------------------------------------------------------------

  spec(jobId: string): JobSpec {
    return jobSpec(this.state, jobId);
  }

  /** The worker runs: 409 when its job ended or a newer attempt superseded it (it must exit). */
  started(jobId: string, report: StartedReport): Job {
    return reportStarted(this.state, jobId, report);
  }

  /** The worker's record of how its job ended (its events already recorded the run's states). */
  finished(jobId: string, report: FinishedReport): Job {
    return reportFinished(this.state, jobId, report);
  }

  /**
   * A warm worker that finished `jobId` asks for its next job (see `handoff.ts`): undefined when it
   * is to exit. `onGone` registers what to do when the worker hangs up while it waits.
   */
  nextJob(
    jobId: string,
    waitMs: number,
    onGone: (gone: () => void) => void,
  ): Promise<NextJob | undefined> {
    return nextJob(this.state, jobId, waitMs, onGone);
  }

  // --- cancel and leases ---------------------------------------------------------------------

  /**
   * Cancels every open job of a root (queued ones at once, running ones through the executor:
   * TERM, KILL after the grace period) and ends the root's open runs canceled. Resolves when the
   * processes are gone. Returns how many runs it ended.
   */
  cancelRoot(rootId: string): Promise<{ jobs: number; runs: number }> {
    return cancelRoot(this.state, rootId);
  }

  /**
   * Whether an open job drives this root (a submitted root's driver): its liveness is the job's
   * (the lease and the process), not the root's heartbeat alone.
   */
  drivesRoot(rootId: string): boolean {
    return drivesRoot(this.state, rootId);
  }

  /** The root's client is gone and its runs ended: its jobs' workers have nobody left to serve. */
  rootAbandoned(rootId: string): void {
    rootAbandoned(this.state, rootId);
  }

  /**
   * The lease answer for a heartbeat of a run that does not exist yet but has a job: a submitted
   * root's driver heartbeats before its program creates the root run. Held while the job is open
   * and this is its attempt; undefined when the run has no job. The process's liveness is watched
   * by its executor meanwhile (no lease row can exist without the run).
   */
  driverLease(runId: string, attempt: number): LeaseAnswer | undefined {
    return driverLease(this.state, runId, attempt);
  }

  /** Whether the root has any job (a submitted root may have no run yet). */
  hasJobs(rootId: string): boolean {
    return hasJobs(this.state, rootId);
  }

  /**
   * A run's lease expired. When the run has an open job, the scheduler judges it (true returned):
   * the process is checked; gone → lost; still running but silent → canceled, then lost; either
   * way requeued by the usual rule. False: no job, the lease monitor ends the run as before.
   */
  leaseExpired(
    lease: { runId: string; rootId: string; attempt: number },
    silentForMs: number,
  ): boolean {
    return leaseExpired(this.state, lease, silentForMs);
  }

  // --- the tick ------------------------------------------------------------------------------

  /** Runs a pass now, or right after the one running (passes never overlap). */
  private tickSoon(): void {
    if (this.state.closed) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = tick(this.state)
      .catch((err: unknown) =>
        this.state.deps.options.log(
          `scheduler tick failed: ${err instanceof Error ? err.stack : String(err)}`,
        ),
      )
      .finally(() => {
        this.ticking = undefined;
        if (this.again) {
          this.again = false;
          this.tickSoon();
        }
      });
  }
}
