/**
 * The `local` executor: every job is a process group on the server's own machine, admitted by CPU,
 * memory and GPU counters.
 *
 * Life of a job: `submit` queues it ({@link Admission}, strict FIFO); when it fits, its command is
 * spawned as the leader of a new process group with stdout and stderr appended to its log file; the
 * {@link MemoryWatch} samples the group's memory and KILLs it past `memoryMiB`; a wall-clock timer
 * stops it past `wallTimeoutMs`; `cancel` stops it (TERM, KILL after the grace). When the leader
 * exits, what is left of its group is stopped too (a job's processes do not outlive it), the exit is
 * classified ({@link classifyExit}), its resources are released, the next queued jobs start, and the
 * `onExit` listeners are called, exactly once per submitted job (a canceled queued job included).
 *
 * Limits: a process that leaves the group on purpose (`setsid`, a detached spawn) escapes both the
 * watchdog and the stop, and memory is sampled (every ≤ 250 ms), so a job can briefly exceed its
 * limit between samples; cgroups would close both gaps where the server may use them.
 *
 * @example
 * ```ts
 * const local = new LocalExecutor({ cpus: 2, memoryMiB: 8192 });
 * local.onExit((jobId) => console.log(jobId, local.describeFailure(jobId)?.kind ?? "exit 0"));
 * local.submit({ jobId, command: [process.execPath, "-e", "process.exit(3)"], env: {}, cwd: "/tmp",
 *   resources: { cpus: 1 }, logFile: "/tmp/jobs/a.log" });
 * // later: { kind: "exit-code", exitCode: 3, ... }
 * await local.close(5_000);
 * ```
 */
import type { ChildProcess } from "node:child_process";
import os from "node:os";
import {
  Admission,
  fitsWithin,
  invalidAxis,
  normalizeResources,
  type Resources,
} from "./admission";
import { classifyExit, readLogTail, type StopCause } from "./classify";
import { type GroupMemory, MemoryWatch } from "./memory-watch";
import { hasProcfs } from "./procfs";
import { isGroupDead, signalGroup, spawnGroup, waitGroupGone } from "./process-group";
import type {
  Executor,
  ExecutorCapabilities,
  JobFailure,
  JobHandle,
  JobStatus,
  LaunchRequest,
  ResourceRequest,
} from "./types";

/** Limits of the local executor; each defaults to what the machine has (0 GPUs). */
export interface LocalExecutorOptions {
  cpus?: number;
  memoryMiB?: number;
  gpus?: number;
  /** Grace between TERM and KILL for timeouts and for a leader's leftover processes (default 5 s). */
  killGraceMs?: number;
  /** How often the memory watchdog samples (default 200 ms; at most 250). */
  memorySampleMs?: number;
  /** How many exited jobs are remembered for `pollMany`/`describeFailure` (default 10 000). */
  keepExited?: number;
}

const MIB = 1024 * 1024;

interface LocalJob {
  request: LaunchRequest;
  resources: Resources;
  state: "queued" | "running" | "exited";
  child?: ChildProcess;
  handle?: JobHandle;
  memory?: GroupMemory;
  /** What the executor did to end it; the first cause wins (a job killed for memory stays so). */
  cause?: StopCause;
  spawnError?: Error;
  wallTimer?: NodeJS.Timeout;
  killTimer?: NodeJS.Timeout;
  /** When the armed KILL fires (epoch ms). */
  killAt?: number;
  exitCode: number | null;
  signal: string | null;
  failure?: JobFailure;
  /** Resolves after the job's exit is classified, its resources released and listeners called. */
  done: Promise<void>;
  markDone: () => void;
}

/** Runs jobs as process groups on this machine; see the module documentation. */
export class LocalExecutor implements Executor {
  readonly name = "local";
  private readonly limits: Resources;
  private readonly admission: Admission;
  private readonly memoryWatch: MemoryWatch;
  private readonly oomDetection = hasProcfs();
  private readonly killGraceMs: number;
  private readonly keepExited: number;
  private readonly host = os.hostname();
  private readonly jobs = new Map<string, LocalJob>();
  /** Exited job ids, oldest first, for forgetting beyond `keepExited`. */
  private readonly exitedOrder: string[] = [];
  private readonly listeners: Array<(jobId: string) => void> = [];
  private closing = false;

  constructor(options: LocalExecutorOptions = {}) {
    this.limits = {
      cpus: options.cpus ?? os.availableParallelism(),
      memoryMiB: options.memoryMiB ?? Math.floor(os.totalmem() / MIB),
      gpus: options.gpus ?? 0,
    };
    const invalid = invalidAxis(this.limits);
    if (invalid) throw new Error(`local executor: ${invalid.replace("resources.", "")}`);
    this.admission = new Admission(this.limits);
    this.memoryWatch = new MemoryWatch(Math.min(options.memorySampleMs ?? 200, 250));
    this.killGraceMs = options.killGraceMs ?? 5_000;
    this.keepExited = options.keepExited ?? 10_000;
  }

  capabilities(): ExecutorCapabilities {
    return { ...this.limits, oomDetection: this.oomDetection };
  }

  validate(resources: ResourceRequest): { largest: ResourceRequest } | null {
    if (fitsWithin(normalizeResources(resources), this.limits)) return null;
    return { largest: { ...this.limits } };
  }

  submit(request: LaunchRequest): void {
    if (this.closing) throw new Error(`job ${request.jobId}: the local executor is closed`);
    if (this.jobs.has(request.jobId)) {
      throw new Error(`job ${request.jobId} was already submitted to the local executor`);
    }
    if (request.command.length === 0) {
      throw new Error(`job ${request.jobId}: the command is empty: give at least a program`);
    }
    const invalid = invalidAxis(request.resources);
    if (invalid) throw new Error(`job ${request.jobId}: ${invalid}`);
    // A request that can never fit would sit at the head of the FIFO queue and block every job behind it.
    if (this.validate(request.resources)) {
      throw new Error(
        `job ${request.jobId} asks for more than the local executor can ever give: validate() it first`,
      );
    }
    let markDone!: () => void;
    const done = new Promise<void>((resolve) => (markDone = resolve));
    this.jobs.set(request.jobId, {
      request,
      resources: normalizeResources(request.resources),
      state: "queued",
      exitCode: null,
      signal: null,
      done,
      markDone,
    });
    this.admission.enqueue(request.jobId, request.resources);
    this.startAdmitted();
  }

  async pollMany(jobIds: string[]): Promise<Map<string, JobStatus>> {
    const statuses = new Map<string, JobStatus>();
    for (const jobId of jobIds) {
      const job = this.jobs.get(jobId);
      if (job) statuses.set(jobId, statusOf(job));
    }
    return statuses;
  }

  async cancel(jobId: string, graceMs: number): Promise<void> {
    const job = this.jobs.get(jobId);
    if (!job || job.state === "exited") return;
    if (job.state === "queued") {
      this.admission.dequeue(jobId);
      job.cause = { kind: "canceled" };
      this.exited(job);
      return;
    }
    this.stop(job, { kind: "canceled" }, graceMs);
    await job.done;
  }

  /**
   * Takes back the job at the head of the admission queue, as if it had never been submitted (no
   * `onExit`): the scheduler hands it to a warm worker, whose process already holds the resources.
   * Only the head, so that a warm worker never jumps the FIFO queue (a job behind one that waits
   * for every CPU stays behind it). False when the job is not the head (started, unknown, or
   * behind another), and then nothing changed.
   */
  withdraw(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job || job.state !== "queued" || this.admission.queuedIds()[0] !== jobId) return false;
    this.admission.dequeue(jobId);
    this.jobs.delete(jobId);
    if (!this.closing) this.startAdmitted();
    return true;
  }

  describeFailure(jobId: string): JobFailure | undefined {
    return this.jobs.get(jobId)?.failure;
  }

  onExit(listener: (jobId: string) => void): void {
    this.listeners.push(listener);
  }

  usage(): { inUse: ResourceRequest; queued: number; running: number } {
    return this.admission.usage();
  }

  async close(graceMs: number): Promise<void> {
    this.closing = true;
    const cause: StopCause = { kind: "node-failure", reason: "the server stopped" };
    for (const jobId of this.admission.queuedIds()) {
      const job = this.jobs.get(jobId);
      this.admission.dequeue(jobId);
      if (job) {
        job.cause = cause;
        this.exited(job);
      }
    }
    const running = [...this.jobs.values()].filter((job) => job.state === "running");
    for (const job of running) this.stop(job, cause, graceMs);
    await Promise.all(running.map((job) => job.done));
  }

  /** Starts every job admission lets through now. */
  private startAdmitted(): void {
    for (const jobId of this.admission.admit()) {
      const job = this.jobs.get(jobId);
      if (job) this.start(job);
    }
  }

  private start(job: LocalJob): void {
    job.state = "running";
    let child: ChildProcess;
    try {
      child = spawnGroup(job.request);
    } catch (error) {
      // Not from inside submit(): a caller gets its onExit after submit returned, as for any job.
      job.spawnError = error as Error;
      setImmediate(() => this.exited(job));
      return;
    }
    job.child = child;
    child.once("error", (error) => {
      // Only a failed spawn lands here with no pid; errors of a running child (a failed kill) do not end it.
      if (child.pid === undefined) {
        job.spawnError = error;
        this.exited(job);
      }
    });
    const pid = child.pid;
    if (pid === undefined) return; // the `error` event follows
    job.handle = { executor: this.name, host: this.host, pid, pgid: pid };
    job.memory = this.memoryWatch.watch(pid, job.resources.memoryMiB * 1024, () =>
      // Past its limit a job is killed at once, as the kernel's OOM killer would: a TERM handler
      // that keeps allocating could take the machine down during a grace period.
      this.stop(job, { kind: "out-of-memory" }, 0),
    );
    const timeoutMs = job.request.wallTimeoutMs;
    if (timeoutMs !== undefined) {
      job.wallTimer = setTimeout(
        () => this.stop(job, { kind: "timeout", timeoutMs }, this.killGraceMs),
        timeoutMs,
      );
    }
    child.once("exit", (exitCode, signal) => {
      job.exitCode = exitCode;
      job.signal = signal;
      void this.leaderExited(job, pid);
    });
  }

  /** TERM the job's group (KILL at once when `graceMs` is 0), then KILL after `graceMs`. */
  private stop(job: LocalJob, cause: StopCause | undefined, graceMs: number): void {
    if (cause) job.cause ??= cause;
    const pgid = job.handle?.pgid;
    if (pgid === undefined || job.state !== "running") return;
    if (graceMs <= 0) {
      signalGroup(pgid, "SIGKILL");
      return;
    }
    const killAt = Date.now() + graceMs;
    if (job.killAt !== undefined) {
      // Already stopping (TERM sent): a shorter grace (a cancel during a timeout's) brings the KILL forward.
      if (killAt >= job.killAt) return;
      clearTimeout(job.killTimer);
    } else {
      signalGroup(pgid, "SIGTERM");
    }
    job.killAt = killAt;
    job.killTimer = setTimeout(() => signalGroup(pgid, "SIGKILL"), graceMs);
  }

  /** The leader is gone: stop what is left of its group, then classify and release. */
  private async leaderExited(job: LocalJob, pgid: number): Promise<void> {
    // A last sample: a job may have grown since the last tick.
    this.memoryWatch.sample();
    if (!isGroupDead(pgid)) this.stop(job, undefined, this.killGraceMs);
    await waitGroupGone(pgid);
    this.exited(job);
  }

  /** Classifies the job's end, releases its resources, starts what now fits, tells the listeners. */
  private exited(job: LocalJob): void {
    if (job.state === "exited") return;
    clearTimeout(job.wallTimer);
    clearTimeout(job.killTimer);
    job.memory?.stop();
    const wasRunning = job.state === "running";
    job.state = "exited";
    job.failure = classifyExit({
      exitCode: job.exitCode,
      signal: job.signal,
      ...(job.cause ? { cause: job.cause } : {}),
      ...(job.spawnError ? { spawnError: job.spawnError } : {}),
      askedMiB: job.resources.memoryMiB,
      peakMiB: Math.ceil((job.memory?.peakKiB ?? 0) / 1024),
      logTail: wasRunning ? readLogTail(job.request.logFile) : "",
      logFile: job.request.logFile,
      ...(job.request.command[0] !== undefined ? { program: job.request.command[0] } : {}),
    });
    if (wasRunning) this.admission.release(job.request.jobId);
    this.remember(job.request.jobId);
    if (!this.closing) this.startAdmitted();
    for (const listener of this.listeners) {
      try {
        listener(job.request.jobId);
      } catch (error) {
        // One listener's bug must not keep the others (or the job's waiters) from hearing of it.
        console.error(
          `local executor: an onExit listener failed for job ${job.request.jobId}:`,
          error,
        );
      }
    }
    job.markDone();
  }

  private remember(jobId: string): void {
    this.exitedOrder.push(jobId);
    while (this.exitedOrder.length > this.keepExited) {
      const oldest = this.exitedOrder.shift();
      if (oldest !== undefined) this.jobs.delete(oldest);
    }
  }
}

function statusOf(job: LocalJob): JobStatus {
  if (job.state === "queued") return { state: "queued" };
  if (job.state === "running" && job.handle) return { state: "running", handle: job.handle };
  if (job.state === "running") return { state: "queued" }; // spawning: no pid yet
  return {
    state: "exited",
    ...(job.handle ? { handle: job.handle } : {}),
    exitCode: job.exitCode,
    signal: job.signal,
    ...(job.failure ? { failure: job.failure } : {}),
  };
}
