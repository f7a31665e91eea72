/**
 * The scheduler: owns the executors and the job table. It launches jobs (a worker token, a worker
 * process through the executor), watches them (a tick of at most 500 ms that polls every open job
 * in one `pollMany` per executor, plus the executors' `onExit` push), classifies how each ended,
 * requeues a lost worker's run as the next attempt until `maxInfraAttempts`, fails a run for good
 * with its job's failure, cancels every job of a canceled root, and stops every worker when the
 * server stops (design.md, "Cloud runs (promotion)").
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
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { ResolvedOptions } from "../config";
import type { Executor, JobStatus } from "../executors/types";
import { ApiError } from "../http/errors";
import type { LiveGraphs } from "../live/hub";
import type { ErrorInfo, ResourceRequest, RunEnvironment } from "../model/events";
import { TERMINAL_STATES } from "../model/events";
import {
  type InputRef,
  type Job,
  type JobFailure,
  type JobKind,
  type JobSpec,
  type StoredSpec,
  TERMINAL_JOB_STATES,
} from "../model/jobs";
import type { Db } from "../storage/db";
import type { Ingestor } from "../storage/ingest";
import {
  createJobToken,
  endJob,
  getJob,
  insertJob,
  jobsOfRoot,
  latestJobOfRun,
  markRunning,
  openJobs,
  revokeJobTokens,
  storedSpec,
} from "../storage/jobs";
import type { LeaseAnswer } from "../storage/leases";
import { PackageStore } from "../storage/packages";
import { getRoot, recordHeartbeat } from "../storage/roots";
import { getRun } from "../storage/runs";
import { checkSatisfiable } from "./resources";
import { RunEnds } from "./runEnds";
import { resolveWorkerEntry } from "./workerEntry";

export const TICK_MS = 500;

export interface SchedulerDeps {
  db: Db;
  ingestor: Ingestor;
  live: LiveGraphs;
  options: ResolvedOptions;
  now: () => number;
}

export interface DispatchRequest {
  packageId: string;
  stepName: string;
  inputs: InputRef[];
  resources: ResourceRequest;
  cacheKey?: string;
  timeoutMs?: number;
  executor: string;
  namespace?: string;
  localProject?: StoredSpec["localProject"];
}

export type SubmissionRequest =
  | {
      kind: "root";
      packageId: string;
      stepName: string;
      inputs: InputRef[];
      executor: string;
      namespace?: string;
      environment?: RunEnvironment;
      localProject?: StoredSpec["localProject"];
    }
  | {
      kind: "program";
      packageId: string;
      executor: string;
      namespace?: string;
      environment?: RunEnvironment;
      localProject?: StoredSpec["localProject"];
    };

/** What `POST /jobs/{id}/finished` carries. */
export type FinishedReport =
  { state: "succeeded"; outputArtifactId: string } | { state: "failed"; error: ErrorInfo };

export class Scheduler {
  private readonly executors = new Map<string, Executor>();
  private readonly packages: PackageStore;
  private readonly runEnds: RunEnds;
  private readonly waiters = new Map<string, Set<() => void>>();
  /** Errors workers reported with `finished`, until their process exits. */
  private readonly reported = new Map<string, ErrorInfo>();
  /** Jobs whose lease expired and that are being checked (not judged twice). */
  private readonly checking = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private serverUrl = "";

  constructor(
    private readonly deps: SchedulerDeps,
    executors: Executor[],
  ) {
    for (const e of executors) {
      this.executors.set(e.name, e);
      e.onExit(() => this.tickSoon());
    }
    this.packages = new PackageStore(join(deps.options.dataDir, "packages"));
    this.runEnds = new RunEnds(deps.db, deps.ingestor, deps.live, deps.now);
  }

  /** Starts watching jobs; `url` is where workers reach this server. */
  start(url: string): void {
    this.serverUrl = url;
    this.recoverLeftovers();
    this.timer = setInterval(() => this.tickSoon(), TICK_MS);
    this.timer.unref();
  }

  /** Stops every worker process (TERM, KILL after the grace period) and the tick. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (const set of this.waiters.values()) for (const wake of set) wake();
    this.waiters.clear();
    await this.ticking;
    await Promise.all(
      [...this.executors.values()].map((e) => e.close(this.deps.options.killGraceMs)),
    );
  }

  /** The executor named `name`, or a 400 naming the known ones. */
  executor(name: string): Executor {
    const e = this.executors.get(name);
    if (!e) {
      throw ApiError.badRequest(
        "unknown_executor",
        `no executor "${name}" on this server: use one of ${[...this.executors.keys()].join(", ")}`,
      );
    }
    return e;
  }

  listExecutors(): Executor[] {
    return [...this.executors.values()];
  }

  /** Throws 422 naming the first step `executor` can never satisfy. */
  validate(executorName: string, steps: { name: string; resources?: ResourceRequest }[]): void {
    const executor = this.executor(executorName);
    for (const step of steps) {
      if (step.resources && Object.keys(step.resources).length > 0) {
        checkSatisfiable(executor, step.name, step.resources);
      }
    }
  }

  // --- resolver side -------------------------------------------------------------------------

  /**
   * Dispatches an existing, open run as a job. Idempotent: an open or succeeded job of the run is
   * answered as it is (`created: false`).
   */
  dispatch(runId: string, body: DispatchRequest): { job: Job; created: boolean } {
    const { db } = this.deps;
    const run = getRun(db, runId);
    if (!run) {
      throw ApiError.notFound(
        "unknown_run",
        `no run ${runId} on this server: send its run-created event (POST /events) before dispatching it`,
      );
    }
    const executor = this.executor(body.executor);
    const existing = latestJobOfRun(db, runId);
    if (existing && (!TERMINAL_JOB_STATES.has(existing.state) || existing.state === "succeeded")) {
      return { job: existing, created: false };
    }
    if (TERMINAL_STATES.has(run.state)) {
      throw ApiError.conflict(
        "run_ended",
        `run ${runId} ("${run.stepName}") has already ended (${run.state}): there is nothing to dispatch`,
      );
    }
    if (getRoot(db, run.rootId)?.cancelRequested) {
      throw ApiError.conflict(
        "root_canceled",
        `root run ${run.rootId} was asked to cancel: run ${runId} is not dispatched`,
      );
    }
    this.requirePackage(body.packageId);
    this.requireArtifacts(body.inputs);
    checkSatisfiable(executor, body.stepName, body.resources);
    const entry = resolveWorkerEntry(this.deps.options.workerEntry);
    const spec: StoredSpec = {
      packageId: body.packageId,
      stepName: body.stepName,
      parentRunId: run.parentId,
      inputs: body.inputs,
      namespace: body.namespace ?? "default",
      resources: body.resources,
      ...(body.cacheKey !== undefined && { cacheKey: body.cacheKey }),
      ...(body.timeoutMs !== undefined && { timeoutMs: body.timeoutMs }),
      ...(body.localProject !== undefined && { localProject: body.localProject }),
    };
    const job = this.createAndLaunch(
      "step",
      run.rootId,
      runId,
      (existing?.attempt ?? 0) + 1,
      executor,
      spec,
      entry,
    );
    return { job, created: true };
  }

  /** A detached root: allocates its id, validates the package's steps, creates and launches the job. */
  submit(body: SubmissionRequest): { rootId: string; job: Job } {
    const executor = this.executor(body.executor);
    const manifest = this.requirePackage(body.packageId);
    const steps = Array.isArray(manifest.steps)
      ? (manifest.steps as { name?: unknown; resources?: ResourceRequest }[])
      : [];
    this.validate(
      executor.name,
      steps.map((s) => ({ name: String(s.name), resources: s.resources })),
    );
    const inputs = body.kind === "root" ? body.inputs : [];
    this.requireArtifacts(inputs);
    const entry = resolveWorkerEntry(this.deps.options.workerEntry);
    const rootId = randomBytes(16).toString("hex");
    const spec: StoredSpec = {
      packageId: body.packageId,
      inputs,
      namespace: body.namespace ?? "default",
      // A driver mostly waits for its children: it reserves no CPU, so that it never holds back
      // a child that needs all of them.
      resources: { cpus: 0 },
      ...(body.kind === "root" && { stepName: body.stepName, parentRunId: null }),
      ...(body.environment !== undefined && {
        environment: { ...body.environment, packageId: body.packageId },
      }),
      ...(body.localProject !== undefined && { localProject: body.localProject }),
    };
    const job = this.createAndLaunch(body.kind, rootId, rootId, 1, executor, spec, entry);
    return { rootId, job };
  }

  /**
   * The latest job of a run, once it is settled (terminal and not requeued) or after `waitMs`.
   * Undefined when the run has no job.
   */
  async waitForRunJob(runId: string, waitMs: number): Promise<Job | undefined> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const job = latestJobOfRun(this.deps.db, runId);
      if (!job || TERMINAL_JOB_STATES.has(job.state) || this.closed) return job;
      const left = deadline - Date.now();
      if (left <= 0) return job;
      await new Promise<void>((resolve) => {
        const set = this.waiters.get(runId) ?? new Set();
        this.waiters.set(runId, set);
        const wake = (): void => {
          clearTimeout(timer);
          set.delete(wake);
          if (set.size === 0) this.waiters.delete(runId);
          resolve();
        };
        const timer = setTimeout(wake, left);
        set.add(wake);
      });
    }
  }

  // --- worker side ---------------------------------------------------------------------------

  spec(jobId: string): JobSpec {
    const job = this.requireJob(jobId);
    const { resources: _resources, ...spec } = storedSpec(this.deps.db, jobId)!;
    return { job, ...spec };
  }

  /** The worker runs: 409 when its job ended or a newer attempt superseded it (it must exit). */
  started(jobId: string, report: { pid: number; host: string; attempt: number }): Job {
    const { db, now } = this.deps;
    const job = this.requireJob(jobId);
    const latest = latestJobOfRun(db, job.runId)!;
    if (report.attempt !== job.attempt || latest.id !== job.id) {
      throw ApiError.conflict(
        "job_superseded",
        `job ${jobId} is attempt ${job.attempt} of run ${job.runId}, superseded by attempt ${latest.attempt}: exit`,
      );
    }
    const handle = { ...job.handle, executor: job.executor, host: report.host, pid: report.pid };
    if (!markRunning(db, jobId, handle, now())) throw jobEnded(job);
    this.notify(job.runId);
    return getJob(db, jobId)!;
  }

  /** The worker's record of how its job ended (its events already recorded the run's states). */
  finished(jobId: string, report: FinishedReport): Job {
    const { db, now } = this.deps;
    const job = this.requireJob(jobId);
    const ended =
      report.state === "succeeded"
        ? endJob(db, jobId, "succeeded", { outputArtifactId: report.outputArtifactId }, now())
        : endJob(db, jobId, "failed", { failure: stepFailure(report.error) }, now());
    if (!ended) throw jobEnded(job);
    if (report.state === "failed") this.reported.set(jobId, report.error);
    this.notify(job.runId);
    return getJob(db, jobId)!;
  }

  // --- cancel and leases ---------------------------------------------------------------------

  /**
   * Cancels every open job of a root (queued ones at once, running ones through the executor:
   * TERM, KILL after the grace period) and ends the root's open runs canceled. Resolves when the
   * processes are gone. Returns how many runs it ended.
   */
  async cancelRoot(rootId: string): Promise<{ jobs: number; runs: number }> {
    const { db, now } = this.deps;
    const open = jobsOfRoot(db, rootId).filter((j) => !TERMINAL_JOB_STATES.has(j.state));
    // Recorded first: an exit the tick sees from here on is the cancel's, not a lost worker.
    for (const job of open) {
      endJob(db, job.id, "canceled", { failure: canceledFailure() }, now());
    }
    const hadJobs = open.length > 0 || jobsOfRoot(db, rootId).length > 0;
    const runs = hadJobs ? this.runEnds.cancelRoot(rootId) : 0;
    for (const job of open) this.notify(job.runId);
    await Promise.all(
      open.map(async (job) => {
        const executor = this.executors.get(job.executor);
        await executor?.cancel(job.id, this.deps.options.killGraceMs);
        revokeJobTokens(db, job.id, now());
      }),
    );
    return { jobs: open.length, runs };
  }

  /**
   * Whether an open job drives this root (a submitted root's driver): its liveness is the job's
   * (the lease and the process), not the root's heartbeat alone.
   */
  drivesRoot(rootId: string): boolean {
    const job = latestJobOfRun(this.deps.db, rootId);
    return job !== undefined && !TERMINAL_JOB_STATES.has(job.state);
  }

  /** The root's client is gone and its runs ended: its jobs' workers have nobody left to serve. */
  rootAbandoned(rootId: string): void {
    if (!this.hasJobs(rootId)) return;
    void this.cancelRoot(rootId).catch((err: unknown) =>
      this.deps.options.log(
        `canceling the jobs of abandoned root ${rootId} failed: ${err instanceof Error ? err.message : String(err)}`,
      ),
    );
  }

  /**
   * The lease answer for a heartbeat of a run that does not exist yet but has a job: a submitted
   * root's driver heartbeats before its program creates the root run. Held while the job is open
   * and this is its attempt; undefined when the run has no job. The process's liveness is watched
   * by its executor meanwhile (no lease row can exist without the run).
   */
  driverLease(runId: string, attempt: number): LeaseAnswer | undefined {
    const job = latestJobOfRun(this.deps.db, runId);
    if (!job) return undefined;
    const lease: LeaseAnswer["lease"] = TERMINAL_JOB_STATES.has(job.state)
      ? "ended"
      : job.attempt > attempt
        ? "superseded"
        : "held";
    return { runId, attempt: job.attempt, lease, runState: "created" };
  }

  /** Whether the root has any job (a submitted root may have no run yet). */
  hasJobs(rootId: string): boolean {
    return jobsOfRoot(this.deps.db, rootId).length > 0;
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
    const { db } = this.deps;
    const job = latestJobOfRun(db, lease.runId);
    if (!job || TERMINAL_JOB_STATES.has(job.state)) return false;
    db.prepare("DELETE FROM run_leases WHERE run_id = ?").run(lease.runId);
    if (job.state === "queued" || this.checking.has(job.id)) return true;
    this.checking.add(job.id);
    void this.judgeSilent(job, silentForMs).finally(() => this.checking.delete(job.id));
    return true;
  }

  private async judgeSilent(job: Job, silentForMs: number): Promise<void> {
    const executor = this.executors.get(job.executor);
    if (!executor) return;
    const status = (await executor.pollMany([job.id])).get(job.id);
    if (status?.state === "exited") {
      this.onExited(executor, getJob(this.deps.db, job.id)!, status);
      return;
    }
    const seconds = Math.round(silentForMs / 100) / 10;
    const failure: JobFailure = {
      kind: "lost",
      message: `the worker of job ${job.id} sent no heartbeat for ${seconds} s while its process still ran: it was stopped`,
      hint: "see the step's log (tsematic logs <runId>); a worker blocked on synchronous work cannot heartbeat",
    };
    if (!endJob(this.deps.db, job.id, "lost", { failure }, this.deps.now())) return;
    await executor.cancel(job.id, this.deps.options.killGraceMs);
    revokeJobTokens(this.deps.db, job.id, this.deps.now());
    this.requeueOrFail(job, failure);
  }

  // --- internals -----------------------------------------------------------------------------

  private createAndLaunch(
    kind: JobKind,
    rootId: string,
    runId: string,
    attempt: number,
    executor: Executor,
    spec: StoredSpec,
    entry: string,
  ): Job {
    const { db, now } = this.deps;
    const job = insertJob(
      db,
      { kind, rootId, runId, attempt, executor: executor.name, spec },
      now(),
    );
    this.launch(job, spec, executor, entry);
    return getJob(db, job.id)!;
  }

  private launch(job: Job, spec: StoredSpec, executor: Executor, entry: string): void {
    const { db, now, options } = this.deps;
    const token = createJobToken(db, job.id, job.rootId, now());
    const cache = join(options.dataDir, "worker-cache");
    const logs = join(options.dataDir, "jobs");
    mkdirSync(cache, { recursive: true, mode: 0o700 });
    mkdirSync(logs, { recursive: true, mode: 0o700 });
    // Built from scratch: the admin token (and anything else of the server's) never reaches a worker.
    const env: Record<string, string> = {
      TSEMATIC_SERVER_URL: this.serverUrl,
      TSEMATIC_TOKEN: token,
      TSEMATIC_JOB_ID: job.id,
      TSEMATIC_WORKER_CACHE: cache,
    };
    for (const name of ["PATH", "HOME", "LANG"]) {
      const value = process.env[name];
      if (value !== undefined) env[name] = value;
    }
    for (const [name, value] of Object.entries(process.env)) {
      if (name.startsWith("TSEMATIC_TEST_") && value !== undefined) env[name] = value;
    }
    try {
      executor.submit({
        jobId: job.id,
        command: [process.execPath, entry],
        env,
        cwd: cache,
        resources: spec.resources,
        logFile: join(logs, `${job.id}.log`),
      });
    } catch (err) {
      const failure: JobFailure = {
        kind: "node-failure",
        message: `the ${executor.name} executor could not start job ${job.id}: ${err instanceof Error ? err.message : String(err)}`,
        hint: "see the server's log",
      };
      endJob(db, job.id, "failed", { failure }, now());
      revokeJobTokens(db, job.id, now());
      this.runEnds.failRun(job.rootId, job.runId, failure);
      this.notify(job.runId);
    }
  }

  private tickSoon(): void {
    if (this.closed) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = this.tick()
      .catch((err: unknown) =>
        this.deps.options.log(
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

  /** One pass: every open job's status, from one `pollMany` per executor. */
  private async tick(): Promise<void> {
    const byExecutor = new Map<string, Job[]>();
    for (const job of openJobs(this.deps.db)) {
      const list = byExecutor.get(job.executor) ?? [];
      list.push(job);
      byExecutor.set(job.executor, list);
    }
    for (const [name, jobs] of byExecutor) {
      const executor = this.executors.get(name);
      if (!executor) continue;
      const statuses = await executor.pollMany(jobs.map((j) => j.id));
      if (this.closed) return;
      for (const job of jobs) {
        const status = statuses.get(job.id);
        if (!status) continue;
        if (status.state === "running" && job.state === "queued") {
          markRunning(this.deps.db, job.id, status.handle, this.deps.now());
          this.notify(job.runId);
        } else if (status.state === "exited" && !this.checking.has(job.id)) {
          this.onExited(executor, job, status);
        }
      }
    }
  }

  /** A job's process exited: how the job ends, and what happens to its run. */
  private onExited(
    executor: Executor,
    job: Job,
    status: Extract<JobStatus, { state: "exited" }>,
  ): void {
    const { db, now } = this.deps;
    revokeJobTokens(db, job.id, now());
    const current = getJob(db, job.id)!;
    if (TERMINAL_JOB_STATES.has(current.state)) {
      // Reported by the worker (`finished`) or canceled: the job's record stands.
      const reported = this.reported.get(job.id);
      this.reported.delete(job.id);
      if (current.state === "failed" && current.failure) {
        this.runEnds.failRun(job.rootId, job.runId, current.failure, reported);
      }
      return;
    }
    const failure = status.failure ?? executor.describeFailure(job.id) ?? exitFailure(job, status);
    const output = failure.kind === "canceled" ? undefined : this.resolvedOutput(job.runId);
    if (output !== undefined) {
      // Its events resolved the run before it could report `finished`: the run's record stands.
      endJob(db, job.id, "succeeded", { outputArtifactId: output, handle: status.handle }, now());
      this.notify(job.runId);
    } else if (failure.kind === "canceled") {
      endJob(db, job.id, "canceled", { failure, handle: status.handle }, now());
      this.notify(job.runId);
    } else if (failure.kind === "out-of-memory" || failure.kind === "timeout") {
      endJob(db, job.id, "failed", { failure, handle: status.handle }, now());
      this.runEnds.failRun(job.rootId, job.runId, failure);
      this.notify(job.runId);
    } else {
      endJob(db, job.id, "lost", { failure, handle: status.handle }, now());
      this.requeueOrFail(job, failure);
    }
  }

  /** A lost job: its run goes on as the next attempt, or fails for good after the last one. */
  private requeueOrFail(job: Job, failure: JobFailure): void {
    const { db, now, options } = this.deps;
    const run = getRun(db, job.runId);
    const root = getRoot(db, job.rootId);
    const open = run ? !TERMINAL_STATES.has(run.state) : true;
    if (!open || root?.cancelRequested || this.closed) {
      this.notify(job.runId);
      return;
    }
    const executor = this.executors.get(job.executor);
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
      this.createAndLaunch(job.kind, job.rootId, job.runId, job.attempt + 1, executor, spec, entry);
      return;
    }
    const last: JobFailure = {
      ...failure,
      message: `${failure.message} (attempt ${job.attempt} of ${options.maxInfraAttempts}: not retried)`,
    };
    this.runEnds.failRun(job.rootId, job.runId, last);
    this.notify(job.runId);
  }

  /**
   * Jobs left queued or running by a previous server process: nobody watches them. A worker still
   * running (found by its job id in its environment, so a reused pid is never touched) is killed;
   * then each is lost, and requeued by the usual rule.
   */
  private recoverLeftovers(): void {
    const { db, now } = this.deps;
    for (const job of openJobs(db)) {
      const pgid = job.handle?.pgid ?? job.handle?.pid;
      if (pgid !== undefined && job.handle?.host === hostname() && isWorkerOf(pgid, job.id)) {
        try {
          process.kill(-pgid, "SIGKILL");
        } catch {
          // Gone already.
        }
      }
      const failure: JobFailure = {
        kind: "lost",
        message: `the server restarted while job ${job.id} was ${job.state}: its worker was not watched any more`,
        hint: "nothing to change: the run is requeued as its next attempt",
      };
      if (!endJob(db, job.id, "lost", { failure }, now())) continue;
      revokeJobTokens(db, job.id, now());
      this.requeueOrFail(job, failure);
    }
  }

  /** The output artifact of a run that resolved, or undefined when it has not. */
  private resolvedOutput(runId: string): string | undefined {
    return this.deps.db
      .prepare<[string], { id: string }>(
        `SELECT a.id FROM runs r JOIN edges e ON e.run = r.seq AND e.direction = 'output'
           JOIN artifacts a ON a.seq = e.artifact
           WHERE r.id = ? AND r.state = 'resolved' ORDER BY e.id LIMIT 1`,
      )
      .get(runId)?.id;
  }

  private notify(runId: string): void {
    const set = this.waiters.get(runId);
    if (set) for (const wake of [...set]) wake();
  }

  private requireJob(jobId: string): Job {
    const job = getJob(this.deps.db, jobId);
    if (!job) throw ApiError.notFound("unknown_job", `no job ${jobId} on this server`);
    return job;
  }

  private requirePackage(packageId: string): Record<string, unknown> {
    if (this.packages.sizeOf(packageId) === undefined) {
      throw ApiError.notFound(
        "unknown_package",
        `no package ${packageId} on this server: upload it with \`tsematic package <file> --upload\` (POST /packages) first`,
      );
    }
    // Read synchronously: the manifest is small and routes stay synchronous.
    const archive = JSON.parse(
      readFileSync(join(this.deps.options.dataDir, "packages", ...shardOf(packageId)), "utf8"),
    ) as { manifest: Record<string, unknown> };
    return archive.manifest;
  }

  private requireArtifacts(inputs: InputRef[]): void {
    const find = this.deps.db.prepare<[string], { id: string }>(
      "SELECT id FROM artifacts WHERE id = ?",
    );
    for (const input of inputs) {
      if (!find.get(input.artifactId)) {
        throw ApiError.notFound(
          "unknown_artifact",
          `input "${input.name}" names artifact ${input.artifactId}, which this server does not have: send its artifact event (and bytes) first`,
        );
      }
    }
  }
}

function jobEnded(job: Job): ApiError {
  return ApiError.conflict("job_ended", `job ${job.id} has already ended: exit`);
}

function stepFailure(error: ErrorInfo): JobFailure {
  return {
    kind: "step-error",
    message: `${error.name} in step "${error.stepName}": ${error.message}`.slice(0, 2000),
    hint: `see the step's log: tsematic logs ${error.runId}`,
  };
}

function canceledFailure(): JobFailure {
  return {
    kind: "canceled",
    message: "the job was canceled with its root run",
    hint: "nothing to change: the root run was canceled",
  };
}

/** A failure for an exit the executor did not classify. */
function exitFailure(job: Job, status: Extract<JobStatus, { state: "exited" }>): JobFailure {
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

/** Where the package store keeps a content address (ArtifactStore.pathOf). */
function shardOf(id: string): string[] {
  return [id.slice(0, 2), id.slice(2)];
}
