/**
 * The `slurm` executor: every job is a Slurm batch job submitted through slurmrestd.
 *
 * Life of a job: `submit` holds it for a short window, so that a uniform fan-out (jobs of one
 * group with equal resources submitted together) goes as ONE job array (`--array=0-N%cap`, each
 * task picking its job id and worker token by `SLURM_ARRAY_TASK_ID`); others go as one batch job
 * each (`--cpus-per-task`, `--mem`, `--gres=gpu:N`, `--time`, `--requeue`, `--signal=B:USR2@60`,
 * name = the job id, output to a node-local file). `pollMany` asks slurmrestd for every job in one
 * call, at most once per interval (1 s, doubling to 30 s while nothing changes, back to 1 s on a
 * change). The worker's own reports are the truth: Slurm is asked to notice deaths and pending
 * reasons only, and a job Slurm says ended is reported `exited` after a grace that lets a report
 * in flight arrive first (also when slurmctld has forgotten it). Slurm requeues a job whose node
 * failed itself (`requeuesItself`): the scheduler does not start a second worker for it.
 *
 * Validation reads the partition's nodes once (and again when the poll sees a change): a request
 * no node can hold is refused before anything is submitted (Slurm would leave it PENDING forever).
 *
 * @example
 * ```ts
 * const slurm = new SlurmExecutor({ client, partition: "tsematic", workerDir: "/tmp/tsematic-worker-alice" });
 * await slurm.ready();
 * slurm.submit({ jobId, command: [process.execPath, entry], env, cwd: "/tmp", resources: { cpus: 2 }, logFile });
 * const status = (await slurm.pollMany([jobId])).get(jobId); // { state: "queued", handle: { pendingReason: "Resources" } }
 * ```
 */
import { readFileSync } from "node:fs";
import type {
  Executor,
  ExecutorCapabilities,
  JobFailure,
  JobHandle,
  JobStatus,
  LaunchRequest,
  ResourceRequest,
} from "../types";
import { forgottenFailure, slurmFailure, submitFailure, usedFromOutput } from "./classify";
import type { SlurmClient } from "./client";
import { slurmJobEnv } from "./job-env";
import { batchScript, outputPath, type TaskEnv } from "./script";
import type { SlurmJob, SlurmNode } from "./versions";

export interface SlurmExecutorOptions {
  client: SlurmClient;
  partition?: string;
  /** Node-local directory the job's user can write (worker cache, outputs). */
  workerDir: string;
  /**
   * The URLs the server's operator configured for workers on the nodes to reach the server
   * (`--public-url`), the first by default; absent: the server's own URL.
   */
  publicUrls?: readonly string[];
  /** How long submits are held to be gathered into one array (default 300 ms). */
  fanOutWindowMs?: number;
  /**
   * The site's bound on how many tasks of one array run at once (`%N`); an array's cap is the
   * pipeline's `maxParallelism` when lower. Default: the pipeline's, else no cap.
   */
  arrayParallelism?: number;
  /** After Slurm says a job ended, how long a report of its worker may still arrive (default 5 s). */
  endGraceMs?: number;
  log?: (message: string) => void;
}

interface SlurmTrack {
  request: LaunchRequest;
  state: "held" | "submitted" | "exited";
  /** The batch job's id, or the array's. */
  slurmId?: number;
  taskId?: number;
  seen?: SlurmJob;
  /** When Slurm first said it ended (or first did not list it). */
  endSeenAt?: number;
  restarts: number;
  canceledByUs: boolean;
  exit?: { exitCode: number | null; signal: string | null };
  failure?: JobFailure;
  done: Promise<void>;
  markDone: () => void;
}

const MIN_POLL_MS = 1_000;
const MAX_POLL_MS = 30_000;

export class SlurmExecutor implements Executor {
  readonly name = "slurm";
  readonly requeuesItself = true;
  private readonly client: SlurmClient;
  private readonly jobs = new Map<string, SlurmTrack>();
  private readonly listeners: Array<(jobId: string) => void> = [];
  private nodes: SlurmNode[] = [];
  private nodesKey = "";
  private nodesReadAt = 0;
  private held: string[] = [];
  private holdTimer: NodeJS.Timeout | undefined;
  private heldSince: number | undefined;
  private submitting = new Set<Promise<void>>();
  private pollEveryMs = MIN_POLL_MS;
  private lastPollAt = 0;
  private lastKey = "";
  private polling: Promise<void> | undefined;
  private closing = false;
  private readonly log: (message: string) => void;

  constructor(private readonly options: SlurmExecutorOptions) {
    this.client = options.client;
    this.log = options.log ?? ((m) => process.stderr.write(`slurm executor: ${m}\n`));
  }

  /** The URLs its jobs may call back (`--public-url`); empty: the server's own. */
  get nodeUrls(): readonly string[] {
    return this.options.publicUrls ?? [];
  }

  /** Whether slurmrestd answers now with the partition's nodes (the same check as `ready`). */
  check(): Promise<void> {
    return this.ready();
  }

  /** Reads the cluster's nodes; fails with the client's clear error (bad JWT, unreachable). */
  async ready(): Promise<void> {
    await this.readNodes();
    if (this.partitionNodes().length === 0) {
      throw new Error(
        `Slurm partition "${this.options.partition ?? "(default)"}" has no nodes: check --slurm-partition`,
      );
    }
  }

  capabilities(): ExecutorCapabilities {
    const nodes = this.partitionNodes();
    return {
      cpus: Math.max(0, ...nodes.map((n) => n.cpus)),
      memoryMiB: Math.max(0, ...nodes.map((n) => n.memoryMiB)),
      gpus: Math.max(0, ...nodes.map((n) => n.gpus)),
      oomDetection: true,
    };
  }

  validate(resources: ResourceRequest): { largest: ResourceRequest; where?: string } | null {
    const nodes = this.partitionNodes();
    const want = asked(resources);
    if (
      nodes.some((n) => n.cpus >= want.cpus && n.memoryMiB >= want.memoryMiB && n.gpus >= want.gpus)
    ) {
      return null;
    }
    const largest = [...nodes].sort(
      (a, b) => b.cpus - a.cpus || b.memoryMiB - a.memoryMiB || b.gpus - a.gpus,
    )[0];
    if (!largest) return { largest: { cpus: 0, memoryMiB: 0, gpus: 0 }, where: "no node" };
    return {
      largest: { cpus: largest.cpus, memoryMiB: largest.memoryMiB, gpus: largest.gpus },
      where: `node ${largest.name} of partition ${this.options.partition ?? "(default)"}`,
    };
  }

  submit(request: LaunchRequest): void {
    if (this.closing) throw new Error(`job ${request.jobId}: the slurm executor is closed`);
    if (this.jobs.has(request.jobId)) {
      throw new Error(`job ${request.jobId} was already submitted to the slurm executor`);
    }
    if (this.validate(request.resources)) {
      throw new Error(`job ${request.jobId} fits no Slurm node: validate() it first`);
    }
    let markDone!: () => void;
    const done = new Promise<void>((resolve) => (markDone = resolve));
    this.jobs.set(request.jobId, {
      request,
      state: "held",
      restarts: 0,
      canceledByUs: false,
      done,
      markDone,
    });
    this.held.push(request.jobId);
    // The window closes when no submit came for `fanOutWindowMs`, or 10 windows after it opened:
    // the dispatches of one fan-out arrive one request at a time, on a busy machine slowly.
    const window = this.options.fanOutWindowMs ?? 300;
    this.heldSince ??= Date.now();
    clearTimeout(this.holdTimer);
    const wait = Math.min(window, Math.max(0, this.heldSince + 10 * window - Date.now()));
    this.holdTimer = setTimeout(() => this.flushHeld(), wait);
  }

  adopt(fromJobId: string, toJobId: string): void {
    const track = this.jobs.get(fromJobId);
    if (!track) return;
    this.jobs.delete(fromJobId);
    track.request = { ...track.request, jobId: toJobId };
    this.jobs.set(toJobId, track);
  }

  async pollMany(jobIds: string[]): Promise<Map<string, JobStatus>> {
    await Promise.all(this.submitting);
    if (Date.now() - this.lastPollAt >= this.pollEveryMs) {
      this.polling ??= this.refresh().finally(() => (this.polling = undefined));
      await this.polling;
    }
    const statuses = new Map<string, JobStatus>();
    for (const id of jobIds) {
      const track = this.jobs.get(id);
      if (track) statuses.set(id, this.statusOf(track));
    }
    return statuses;
  }

  async cancel(jobId: string, graceMs: number): Promise<void> {
    await Promise.all(this.submitting);
    const track = this.jobs.get(jobId);
    if (!track || track.state === "exited") return;
    track.canceledByUs = true;
    if (track.state === "held" || track.slurmId === undefined) {
      this.held = this.held.filter((id) => id !== jobId);
      this.exited(track, undefined, {
        kind: "canceled",
        message: "the job was canceled before it was submitted to Slurm",
        hint: "nothing to change: the root run was canceled",
      });
      return;
    }
    const target = externalId(track);
    await this.client.cancel(target, "SIGTERM");
    const killAt = Date.now() + graceMs;
    let killed = false;
    // Resolves once slurmctld says the job ended (or forgot it): its processes are gone then.
    for (;;) {
      const jobs = await this.client.job(track.slurmId).catch(() => [] as SlurmJob[]);
      const mine = jobs?.find((j) => sameTask(j, track));
      if (!mine || (mine.ended && !mine.flags.includes("COMPLETING"))) {
        if (mine) track.seen = mine;
        break;
      }
      if (!killed && Date.now() >= killAt) {
        killed = true;
        await this.client.cancel(target, "SIGKILL");
      }
      await sleep(250);
    }
    this.exited(track, track.seen);
  }

  describeFailure(jobId: string): JobFailure | undefined {
    return this.jobs.get(jobId)?.failure;
  }

  onExit(listener: (jobId: string) => void): void {
    this.listeners.push(listener);
  }

  usage(): { inUse: ResourceRequest; queued: number; running: number } {
    const inUse = { cpus: 0, memoryMiB: 0, gpus: 0 };
    let queued = 0;
    let running = 0;
    for (const track of this.jobs.values()) {
      if (track.state === "exited") continue;
      if (track.seen?.state === "RUNNING") {
        running++;
        const a = asked(track.request.resources);
        inUse.cpus += a.cpus;
        inUse.memoryMiB += a.memoryMiB;
        inUse.gpus += a.gpus;
      } else {
        queued++;
      }
    }
    return { inUse, queued, running };
  }

  async close(graceMs: number): Promise<void> {
    this.closing = true;
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    this.flushHeld();
    await Promise.all(this.submitting);
    // The server stops: its workers would have nobody to report to.
    const open = [...this.jobs.entries()].filter(([, t]) => t.state !== "exited");
    await Promise.all(
      open.map(([id]) =>
        this.cancel(id, graceMs).catch((error: unknown) =>
          this.log(`could not cancel job ${id}: ${(error as Error).message}`),
        ),
      ),
    );
  }

  // --- submission ------------------------------------------------------------------------------

  /** Submits what the window gathered: groups of equal resources as arrays, the rest one by one. */
  private flushHeld(): void {
    this.holdTimer = undefined;
    this.heldSince = undefined;
    const held = this.held.map((id) => this.jobs.get(id)!).filter((t) => t?.state === "held");
    this.held = [];
    const batches = new Map<string, SlurmTrack[]>();
    for (const track of held) {
      const r = track.request;
      const key = r.group
        ? `${r.group}|${JSON.stringify(asked(r.resources))}|${limitMs(r) ?? ""}|${r.maxParallelism ?? ""}`
        : `single|${r.jobId}`;
      const list = batches.get(key) ?? [];
      list.push(track);
      batches.set(key, list);
    }
    for (const batch of batches.values()) {
      const p = this.submitBatch(batch).finally(() => this.submitting.delete(p));
      this.submitting.add(p);
    }
  }

  private async submitBatch(batch: SlurmTrack[]): Promise<void> {
    const first = batch[0]!.request;
    const a = asked(first.resources);
    const isArray = batch.length > 1;
    const tasks: TaskEnv[] = batch.map((t) => taskEnv(t.request));
    let env: Record<string, string>;
    try {
      env = this.jobEnv(first.env);
    } catch (error) {
      const message = (error as Error).message;
      this.log(`not submitting ${batch.map((t) => t.request.jobId).join(", ")}: ${message}`);
      for (const track of batch) this.exited(track, undefined, submitFailure(message));
      return;
    }
    const limit = limitMs(first);
    // The worker removes its output once it reported how its job ended (cluster-signals.ts).
    env.TSEMATIC_JOB_OUTPUT = outputPath(this.options.workerDir, isArray);
    if (limit !== undefined) {
      env.TSEMATIC_TIME_LIMIT_MS = String(Math.ceil(limit / 60_000) * 60_000);
    }
    const cap = arrayCap(this.options.arrayParallelism, first.maxParallelism);
    try {
      const { jobId } = await this.client.submit({
        name: isArray ? `${first.group ?? first.jobId}[${batch.length}]` : first.jobId,
        script: batchScript(first.command, tasks, isArray),
        env,
        cwd: "/tmp",
        ...(this.options.partition ? { partition: this.options.partition } : {}),
        cpusPerTask: Math.max(1, a.cpus),
        // A driver reserves no CPU here and little memory: it mostly waits for its children.
        memoryMiB: a.memoryMiB || (a.cpus === 0 ? 512 : 0),
        ...(a.gpus ? { gpus: a.gpus } : {}),
        ...(limitMs(first) ? { timeLimitMinutes: Math.ceil(limitMs(first)! / 60_000) } : {}),
        output: outputPath(this.options.workerDir, isArray),
        ...(isArray ? { array: `0-${batch.length - 1}${cap ? `%${cap}` : ""}` } : {}),
      });
      batch.forEach((track, i) => {
        if (track.state !== "held") return;
        track.state = "submitted";
        track.slurmId = jobId;
        if (isArray) track.taskId = i;
      });
      this.pollEveryMs = MIN_POLL_MS;
    } catch (error) {
      const message = (error as Error).message;
      this.log(`submitting ${batch.map((t) => t.request.jobId).join(", ")} failed: ${message}`);
      for (const track of batch) this.exited(track, undefined, submitFailure(message));
    }
  }

  /** The job's environment: the worker's, with node-local paths (job-env.ts). */
  private jobEnv(workerEnv: Record<string, string>): Record<string, string> {
    return slurmJobEnv(workerEnv, {
      workerDir: this.options.workerDir,
      nodeUrls: this.nodeUrls,
    });
  }

  // --- status ----------------------------------------------------------------------------------

  private async refresh(): Promise<void> {
    this.lastPollAt = Date.now();
    let listed: SlurmJob[];
    try {
      listed = await this.client.jobs();
    } catch (error) {
      this.log(`polling Slurm failed: ${(error as Error).message}`);
      return;
    }
    const byKey = new Map<string, SlurmJob>();
    for (const j of listed) {
      byKey.set(
        j.arrayJobId !== undefined ? `${j.arrayJobId}_${j.arrayTaskId}` : String(j.jobId),
        j,
      );
    }
    const parts: string[] = [];
    const now = Date.now();
    for (const track of this.jobs.values()) {
      if (track.state !== "submitted") continue;
      const seen = byKey.get(externalId(track)) ?? pendingArrayTask(listed, track);
      if (seen) {
        track.seen = seen;
        track.restarts = Math.max(track.restarts, seen.restartCount);
        parts.push(
          `${externalId(track)}:${seen.state}:${seen.flags}:${seen.reason}:${seen.restartCount}`,
        );
      } else {
        parts.push(`${externalId(track)}:gone`);
      }
      const ended = !seen || seen.ended;
      if (!ended) {
        track.endSeenAt = undefined;
        continue;
      }
      track.endSeenAt ??= now;
      if (now - track.endSeenAt >= (this.options.endGraceMs ?? 5_000)) {
        this.exited(
          track,
          seen,
          seen ? undefined : forgottenFailure(externalId(track), track.seen, this.outputOf(track)),
        );
      }
    }
    const key = parts.join(",");
    const nodeCheck =
      now - this.nodesReadAt > MAX_POLL_MS || /ReqNodeNotAvail|Nodes_required|Resources/.test(key);
    if (nodeCheck) await this.readNodes().catch(() => undefined);
    this.pollEveryMs =
      key !== this.lastKey || parts.some((p) => p.includes(":COMPLET") || p.endsWith(":gone"))
        ? MIN_POLL_MS
        : Math.min(this.pollEveryMs * 2, MAX_POLL_MS);
    this.lastKey = key;
  }

  private statusOf(track: SlurmTrack): JobStatus {
    const handle = this.handleOf(track);
    if (track.state === "exited") {
      return {
        state: "exited",
        ...(handle ? { handle } : {}),
        exitCode: track.exit?.exitCode ?? null,
        signal: track.exit?.signal ?? null,
        ...(track.failure ? { failure: track.failure } : {}),
      };
    }
    if (track.seen?.state === "RUNNING" && handle) return { state: "running", handle };
    return { state: "queued", ...(handle ? { handle } : {}) };
  }

  private handleOf(track: SlurmTrack): JobHandle | undefined {
    if (track.slurmId === undefined) return undefined;
    const seen = track.seen;
    const node = seen?.batchHost ?? seen?.nodes;
    return {
      executor: this.name,
      host: node ?? "",
      externalId: externalId(track),
      ...(node ? { node } : {}),
      ...(seen?.state === "PENDING" && seen.reason ? { pendingReason: seen.reason } : {}),
      // Not `restarts`: the scheduler counts a restart when the restarted worker reports it
      // (it becomes the run's next attempt then), not when a poll sees Slurm's count.
    };
  }

  /** Classifies the end (unless given), then tells the listeners once. */
  private exited(track: SlurmTrack, seen: SlurmJob | undefined, failure?: JobFailure): void {
    if (track.state === "exited") return;
    track.state = "exited";
    if (seen) track.exit = { exitCode: seen.exitCode, signal: seen.signal };
    const output = this.outputOf(track);
    const logTail = readTail(output);
    track.failure =
      failure ??
      (track.canceledByUs
        ? {
            kind: "canceled",
            message: `Slurm job ${externalId(track)} was canceled with its root run`,
            hint: "nothing to change: the root run was canceled",
          }
        : undefined) ??
      (seen
        ? slurmFailure(seen, {
            askedMiB: asked(track.request.resources).memoryMiB,
            ...(usedFromOutput(logTail) !== undefined ? { usedMiB: usedFromOutput(logTail)! } : {}),
            canceledByUs: track.canceledByUs,
            logTail,
            output,
          })
        : undefined);
    if (!track.failure && track.canceledByUs) {
      track.failure = {
        kind: "canceled",
        message: `Slurm job ${externalId(track)} was canceled with its root run`,
        hint: "nothing to change: the root run was canceled",
      };
    }
    for (const listener of this.listeners) {
      try {
        listener(track.request.jobId);
      } catch (error) {
        this.log(`an onExit listener failed for job ${track.request.jobId}: ${String(error)}`);
      }
    }
    track.markDone();
  }

  private outputOf(track: SlurmTrack): string {
    if (track.slurmId === undefined) return "(not submitted)";
    return outputPath(this.options.workerDir, track.taskId !== undefined)
      .replace("%A", String(track.slurmId))
      .replace("%a", String(track.taskId ?? ""))
      .replace("%j", String(track.slurmId));
  }

  private async readNodes(): Promise<void> {
    const nodes = await this.client.nodes();
    this.nodesReadAt = Date.now();
    const key = JSON.stringify(
      nodes.map((n) => [n.name, n.cpus, n.memoryMiB, n.gpus, n.partitions]),
    );
    if (key !== this.nodesKey) {
      this.nodesKey = key;
      this.nodes = nodes;
    }
  }

  private partitionNodes(): SlurmNode[] {
    const p = this.options.partition;
    return p ? this.nodes.filter((n) => n.partitions.includes(p)) : this.nodes;
  }
}

/**
 * Slurm's `--time` (whole minutes, at least 1): the step's own time budget, as a Slurm user sets
 * `--time` from what the step may take; Slurm then warns, stops and classifies it TIMEOUT itself.
 * The scheduler's wall clock (twice the budget and more, made for executors that have no time limit
 * of their own) applies only to a step without a budget.
 */
function limitMs(r: LaunchRequest): number | undefined {
  const ms = r.stepTimeoutMs ?? r.wallTimeoutMs;
  return ms === undefined ? undefined : Math.max(60_000, ms);
}

/** The lower of the site's bound and the pipeline's `maxParallelism`; undefined: no cap. */
export function arrayCap(
  site: number | undefined,
  pipeline: number | undefined,
): number | undefined {
  const caps = [site, pipeline].filter((c): c is number => c !== undefined && c >= 1);
  return caps.length ? Math.min(...caps) : undefined;
}

function asked(r: ResourceRequest): Required<ResourceRequest> {
  return { cpus: r.cpus ?? 1, memoryMiB: r.memoryMiB ?? 0, gpus: r.gpus ?? 0 };
}

function taskEnv(request: LaunchRequest): TaskEnv {
  return {
    jobId: request.env.TSEMATIC_JOB_ID ?? request.jobId,
    token: request.env.TSEMATIC_TOKEN ?? "",
  };
}

function externalId(track: SlurmTrack): string {
  return track.taskId !== undefined ? `${track.slurmId}_${track.taskId}` : String(track.slurmId);
}

function sameTask(job: SlurmJob, track: SlurmTrack): boolean {
  if (track.taskId === undefined) return job.jobId === track.slurmId;
  return job.arrayJobId === track.slurmId && job.arrayTaskId === track.taskId;
}

/**
 * Pending tasks of an array are one record (`array_task_string` "3-49%5", task id unset) until
 * they start: a task not listed on its own is pending while that record is.
 */
function pendingArrayTask(listed: SlurmJob[], track: SlurmTrack): SlurmJob | undefined {
  if (track.taskId === undefined) return undefined;
  return listed.find(
    (j) => j.arrayJobId === track.slurmId && j.arrayTaskId === undefined && !j.ended,
  );
}

function readTail(path: string): string {
  try {
    const text = readFileSync(path, "utf8");
    return text.slice(-8192);
  } catch {
    return "";
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
