/**
 * The executor interface: how the scheduler runs a job's worker process somewhere.
 *
 * An executor takes launch requests, admits them when their resources are free, starts one process
 * (group) per job, and reports how each ended: a {@link JobStatus} when polled, an `onExit` push the
 * moment a job's exit is classified, and a {@link JobFailure} that says what happened and what to
 * change. The scheduler owns the job table; an executor only knows job ids and processes, so a
 * second executor (Slurm, Kubernetes) plugs in behind the same shape.
 *
 * @example
 * ```ts
 * const executor: Executor = new LocalExecutor({ cpus: 2 });
 * const impossible = executor.validate({ cpus: 64 });
 * if (impossible) throw new Error(`the largest it can give is cpus: ${impossible.largest.cpus}`);
 * executor.onExit((jobId) => {
 *   const failure = executor.describeFailure(jobId); // undefined after exit 0
 *   console.log(jobId, failure ? `${failure.kind}: ${failure.message} (${failure.hint})` : "exited 0");
 * });
 * executor.submit({
 *   jobId: "0123456789abcdef0123456789abcdef",
 *   command: [process.execPath, "worker.js"],
 *   env: { PATH: process.env.PATH ?? "" },
 *   cwd: "/tmp",
 *   resources: { cpus: 1, memoryMiB: 512 },
 *   wallTimeoutMs: 60_000,
 *   logFile: "/tmp/jobs/0123456789abcdef0123456789abcdef.log",
 * });
 * const status = (await executor.pollMany(["0123456789abcdef0123456789abcdef"])).get(
 *   "0123456789abcdef0123456789abcdef",
 * ); // { state: "queued" } | { state: "running", handle } | { state: "exited", ... }
 * await executor.close(5_000); // stops every process it started
 * ```
 */
import type { ResourceRequest } from "../model/events";
import type { FailureKind, JobFailure, JobHandle } from "../model/jobs";

export type { ResourceRequest };

/** The failure classes and job handles are the wire's (openapi.yaml: JobFailure, JobHandle). */
export type { FailureKind, JobFailure, JobHandle };

/** What the largest request an executor could ever admit is, and whether it watches memory. */
export interface ExecutorCapabilities {
  cpus: number;
  memoryMiB: number;
  gpus: number;
  oomDetection: boolean;
}

/** One job's process to start. */
export interface LaunchRequest {
  jobId: string;
  /** `command[0]` is the program, the rest its arguments (no shell). */
  command: string[];
  /** The whole environment of the process (nothing is inherited). */
  env: Record<string, string>;
  cwd: string;
  /**
   * Admission: cpus default 1 when unset, memoryMiB/gpus default 0. `memoryMiB` is also the limit
   * the out-of-memory watchdog enforces; unset (or 0) means no limit.
   */
  resources: ResourceRequest;
  /** Killed and classified `timeout` past it (counted from the start, not from submission). */
  wallTimeoutMs?: number;
  /** The process's stdout+stderr, appended (for describeFailure; bounded 1 MiB tail). */
  logFile: string;
  /**
   * Jobs of one fan-out share a group (`<rootId>/<stepName>`): an executor may start the ones
   * submitted together with equal resources as one unit (a Slurm job array).
   */
  group?: string;
  /**
   * The step's own `timeoutMs` (the worker enforces it on the step); an executor may use it as an
   * outer limit (Slurm's `--time`). Not a wall limit for the local executor.
   */
  stepTimeoutMs?: number;
  /**
   * The resolver's `maxParallelism`: at most this many jobs of the group run at once where the
   * executor starts them as one unit (a Slurm job array's `%cap`).
   */
  maxParallelism?: number;
}

/** A job as the executor sees it. */
export type JobStatus =
  | { state: "queued"; handle?: JobHandle }
  | { state: "running"; handle: JobHandle }
  | {
      state: "exited";
      handle?: JobHandle;
      exitCode: number | null;
      signal: string | null;
      failure?: JobFailure;
    };

/** Runs jobs' processes; see the module documentation for the life of a job. */
export interface Executor {
  readonly name: string;
  capabilities(): ExecutorCapabilities;
  /**
   * null when the request can ever be satisfied; else the largest this executor could give (the
   * scheduler builds the message: `step "x" asks for ...; the largest the local executor can give is ...`).
   */
  validate(resources: ResourceRequest): { largest: ResourceRequest; where?: string } | null;
  /** Queues; admission starts it when resources free up. */
  submit(request: LaunchRequest): void;
  /** One batched call per scheduler tick; ids the executor does not know are absent from the map. */
  pollMany(jobIds: string[]): Promise<Map<string, JobStatus>>;
  /** TERM the group, KILL after grace; a queued job is dropped. Resolves once the job has exited. */
  cancel(jobId: string, graceMs: number): Promise<void>;
  /** After exit: the classified failure (undefined after a clean exit 0, or before exit). */
  describeFailure(jobId: string): JobFailure | undefined;
  /** Push: called once per job, after its exit is classified and its resources are released. */
  onExit(listener: (jobId: string) => void): void;
  usage(): { inUse: ResourceRequest; queued: number; running: number };
  /** Server stopping: stop every process it started. */
  close(graceMs: number): Promise<void>;
  /** Resolves when the executor can validate and submit (a remote one has read its cluster). */
  ready?(): Promise<void>;
  /**
   * True when the executor's own scheduler restarts a job whose node failed (Slurm's requeue): a
   * silent worker is then left to it rather than stopped and started again by the scheduler.
   */
  readonly requeuesItself?: boolean;
  /** The job `fromJobId`'s process goes on as job `toJobId` (its next attempt, restarted in place). */
  adopt?(fromJobId: string, toJobId: string): void;
  /**
   * The URLs the server's operator configured for this executor's jobs to call the server back at
   * (`--public-url`), the first by default; absent or empty: the server's own URL. Jobs are never
   * told any other.
   */
  readonly nodeUrls?: readonly string[];
  /**
   * Whether the server can reach the executor's cluster now (Slurm: slurmrestd answers with the
   * partition's nodes): an Error naming what failed and what to do. Absent: always reachable.
   */
  check?(): Promise<void>;
}
