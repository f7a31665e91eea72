/**
 * The one place that knows how slurmrestd's API versions differ. Everything else in the Slurm
 * executor speaks {@link SlurmJob}, {@link SlurmNode} and {@link SubmitRequest}; this file turns
 * them into (and out of) the JSON of v0.0.38 (Slurm 22.05, the one that runs here) and of
 * v0.0.39–v0.0.41 (Slurm 23.02–24.05):
 *
 * - the job's `environment`: a map in v0.0.38, a list of `NAME=value` from v0.0.39 on;
 * - `job_state`: a string in v0.0.38 (a flag such as `COMPLETING` replaces the base state), a list
 *   of the base state and its flags from v0.0.40 on;
 * - `exit_code`: a wait status (code << 8 | signal) in v0.0.38, an object
 *   `{ status, return_code, signal: { name } }` from v0.0.39 on;
 * - numbers as `{ set, infinite, number }` from v0.0.39 on;
 * - `script`: beside `job` up to v0.0.40, inside `job` in v0.0.41.
 *
 * @example
 * ```ts
 * const job = normalizeJob({ job_id: 7, name: "r1", job_state: ["RUNNING", "COMPLETING"] });
 * // { jobId: 7, state: "RUNNING", flags: ["COMPLETING"], ended: false, ... }
 * const body = submitBody("v0.0.38", { name: "r1", script: "#!/bin/sh\n...", env: { A: "1" }, ... });
 * ```
 */

/** The API versions this client speaks, newest first. */
export const SUPPORTED_VERSIONS = ["v0.0.41", "v0.0.40", "v0.0.39", "v0.0.38"] as const;
export type ApiVersion = (typeof SUPPORTED_VERSIONS)[number];

/** Base states after which a job runs no more (unless a flag says it is being requeued). */
const ENDED_STATES = new Set([
  "COMPLETED",
  "CANCELLED",
  "FAILED",
  "TIMEOUT",
  "NODE_FAIL",
  "PREEMPTED",
  "BOOT_FAIL",
  "DEADLINE",
  "OUT_OF_MEMORY",
]);
const BASE_STATES = new Set(["PENDING", "RUNNING", "SUSPENDED", ...ENDED_STATES]);

/**
 * Flags that keep a job alive whatever its base state says: it is still finishing (COMPLETING,
 * STAGE_OUT), being set up (CONFIGURING, POWER_UP_NODE), resized, signalled, or requeued.
 */
const NOT_ENDED_FLAGS = new Set([
  "COMPLETING",
  "CONFIGURING",
  "POWER_UP_NODE",
  "REQUEUED",
  "REQUEUE_FED",
  "REQUEUE_HOLD",
  "RESIZING",
  "SIGNALING",
  "STAGE_OUT",
  "SPECIAL_EXIT",
  "RESV_DEL_HOLD",
  "STOPPED",
]);

/** A job as the executor sees it, whatever the version. */
export interface SlurmJob {
  jobId: number;
  name: string;
  /** The base state (PENDING, RUNNING, COMPLETED, ...); "" when v0.0.38 showed only a flag. */
  state: string;
  flags: string[];
  /** True only for a base state that ends a job and no flag that keeps it alive. */
  ended: boolean;
  /** Why it is pending or why it ended (`state_reason`), "None" dropped. */
  reason?: string;
  nodes?: string;
  batchHost?: string;
  exitCode: number | null;
  signal: string | null;
  /** How many times Slurm requeued it (`restart_cnt`). */
  restartCount: number;
  arrayJobId?: number;
  arrayTaskId?: number;
  cpusPerTask?: number;
  memoryPerNodeMiB?: number;
  /** E.g. "gres:gpu:1" (`tres_per_node`). */
  tresPerNode?: string;
  timeLimitMinutes?: number;
}

export interface SlurmNode {
  name: string;
  /** Lower case, e.g. "idle", "down", "mixed" (flags dropped). */
  state: string;
  cpus: number;
  memoryMiB: number;
  gpus: number;
  partitions: string[];
}

/** One batch job (or array) to submit. */
export interface SubmitRequest {
  name: string;
  script: string;
  env: Record<string, string>;
  cwd: string;
  partition?: string;
  cpusPerTask: number;
  memoryMiB?: number;
  gpus?: number;
  timeLimitMinutes?: number;
  /** `%A`/`%a` are expanded by Slurm. */
  output: string;
  /** "0-49%5": an array of 50 tasks, at most 5 at once. */
  array?: string;
}

/** Numbers from v0.0.39 on come as `{ set, infinite, number }`. */
function num(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (value && typeof value === "object") {
    const v = value as { set?: boolean; infinite?: boolean; number?: number };
    if (v.set === false || v.infinite === true) return undefined;
    if (typeof v.number === "number") return v.number;
  }
  return undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** job_state: "RUNNING" (v0.0.38, a flag may stand instead) or ["RUNNING", "COMPLETING"]. */
export function normalizeState(raw: unknown): { state: string; flags: string[]; ended: boolean } {
  const parts = (Array.isArray(raw) ? raw : typeof raw === "string" ? raw.split(/[,+ ]/) : [])
    .map((p) => String(p).toUpperCase())
    .filter((p) => p !== "");
  const state = parts.find((p) => BASE_STATES.has(p)) ?? "";
  const flags = parts.filter((p) => !BASE_STATES.has(p));
  const ended = ENDED_STATES.has(state) && !flags.some((f) => NOT_ENDED_FLAGS.has(f));
  return { state, flags, ended };
}

/** exit_code: a wait status (v0.0.38) or `{ status, return_code, signal }` (v0.0.39+). */
export function normalizeExit(raw: unknown): { exitCode: number | null; signal: string | null } {
  if (typeof raw === "number") {
    // A wait status: WIFSIGNALED when the low 7 bits are set.
    const sig = raw & 0x7f;
    if (sig !== 0) return { exitCode: null, signal: signalName(sig) };
    return { exitCode: (raw >> 8) & 0xff, signal: null };
  }
  if (raw && typeof raw === "object") {
    const e = raw as {
      status?: unknown;
      return_code?: unknown;
      signal?: { signal_id?: unknown; name?: unknown };
    };
    const status = Array.isArray(e.status) ? e.status.map(String) : [String(e.status ?? "")];
    const name = str(e.signal?.name);
    const id = num(e.signal?.signal_id);
    if (status.includes("SIGNALED") || (name && name !== "0")) {
      return { exitCode: null, signal: name ? sigName(name) : signalName(id ?? 0) };
    }
    return { exitCode: num(e.return_code) ?? null, signal: null };
  }
  return { exitCode: null, signal: null };
}

const SIGNALS: Record<number, string> = {
  1: "SIGHUP",
  2: "SIGINT",
  6: "SIGABRT",
  9: "SIGKILL",
  10: "SIGUSR1",
  11: "SIGSEGV",
  12: "SIGUSR2",
  13: "SIGPIPE",
  14: "SIGALRM",
  15: "SIGTERM",
};

function signalName(n: number): string {
  return SIGNALS[n] ?? `signal ${n}`;
}

function sigName(name: string): string {
  return name.startsWith("SIG") ? name : `SIG${name}`;
}

/** One entry of `GET …/jobs` or `GET …/job/{id}`, any version. */
export function normalizeJob(raw: Record<string, unknown>): SlurmJob {
  const { state, flags, ended } = normalizeState(raw.job_state);
  const { exitCode, signal } = normalizeExit(raw.exit_code);
  const reason = str(raw.state_reason);
  const arrayJobId = num(raw.array_job_id);
  const arrayTaskId = num(raw.array_task_id);
  const job: SlurmJob = {
    jobId: num(raw.job_id) ?? 0,
    name: str(raw.name) ?? "",
    state,
    flags,
    ended,
    exitCode,
    signal,
    restartCount: num(raw.restart_cnt) ?? 0,
  };
  if (reason && reason !== "None") job.reason = reason;
  const nodes = str(raw.nodes);
  if (nodes) job.nodes = nodes;
  const batchHost = str(raw.batch_host);
  if (batchHost) job.batchHost = batchHost;
  if (arrayJobId) job.arrayJobId = arrayJobId;
  // The pending tasks of an array are one record whose task id is unset (NO_VAL in v0.0.38).
  if (arrayJobId && arrayTaskId !== undefined && arrayTaskId < 0xfffffff0) {
    job.arrayTaskId = arrayTaskId;
  }
  // 22.05 answers cpus_per_task null (measured): a one-task job's `cpus` is the same number.
  const cpus = num(raw.cpus_per_task) ?? num(raw.cpus);
  if (cpus !== undefined) job.cpusPerTask = cpus;
  const mem = num(raw.memory_per_node);
  if (mem !== undefined) job.memoryPerNodeMiB = mem;
  const tres = str(raw.tres_per_node);
  if (tres) job.tresPerNode = tres;
  const limit = num(raw.time_limit);
  if (limit !== undefined) job.timeLimitMinutes = limit;
  return job;
}

/** One entry of `GET …/nodes`, any version. */
export function normalizeNode(raw: Record<string, unknown>): SlurmNode {
  const rawState = Array.isArray(raw.state) ? raw.state.map(String) : [String(raw.state ?? "")];
  const state = (rawState[0] ?? "").split("+")[0]!.toLowerCase();
  const partitions = Array.isArray(raw.partitions) ? raw.partitions.map(String) : [];
  return {
    name: str(raw.name) ?? "",
    state,
    cpus: num(raw.cpus) ?? 0,
    memoryMiB: num(raw.real_memory) ?? 0,
    gpus: gpuCount(str(raw.gres) ?? ""),
    partitions,
  };
}

/** "gpu:1", "gpu:a100:2(S:0)", "gpu:1,shard:4" → the number of GPUs. */
export function gpuCount(gres: string): number {
  let total = 0;
  for (const part of gres.split(",")) {
    const m = /^gpu(?::[^:(]+)?:(\d+)/.exec(part.trim());
    if (m) total += Number(m[1]);
  }
  return total;
}

/** The JSON body of `POST /slurm/<version>/job/submit`. */
export function submitBody(version: ApiVersion, r: SubmitRequest): Record<string, unknown> {
  const modern = version !== "v0.0.38";
  const number = (n: number): unknown => (version >= "v0.0.40" ? { set: true, number: n } : n);
  const job: Record<string, unknown> = {
    name: r.name,
    current_working_directory: r.cwd,
    environment: modern ? Object.entries(r.env).map(([k, v]) => `${k}=${v}`) : { ...r.env },
    cpus_per_task: r.cpusPerTask,
    requeue: true,
    standard_output: r.output,
    standard_error: r.output,
  };
  // The warning before the time limit goes to the batch shell (the worker). v0.0.38 refuses the
  // "B:" prefix (measured on 22.05) and without it the signal reaches job steps only, which a
  // worker that is the batch shell has none of: there the worker arms its own warning from
  // TSEMATIC_TIME_LIMIT_MS instead (worker/cluster-signals.ts).
  if (modern) job.signal = "B:USR2@60";
  if (r.partition) job.partition = r.partition;
  if (r.memoryMiB) job.memory_per_node = number(r.memoryMiB);
  if (r.gpus) {
    if (modern) job.tres_per_node = `gres/gpu:${r.gpus}`;
    else job.gres = `gpu:${r.gpus}`;
  }
  if (r.timeLimitMinutes !== undefined) job.time_limit = number(r.timeLimitMinutes);
  if (r.array) job.array = r.array;
  if (version === "v0.0.41") return { job: { ...job, script: r.script } };
  return { script: r.script, job };
}
