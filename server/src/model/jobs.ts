/**
 * Jobs: one attempt of executing a dispatched run, or a submitted root, in a worker process
 * (design.md, "Cloud runs (promotion)"). The same JSON on the wire (openapi.yaml: Job, JobSpec,
 * JobFailure).
 */
import type { ResourceRequest, RunEnvironment } from "./events";

export type JobKind = "step" | "root" | "program";
export const JOB_KINDS: readonly JobKind[] = ["step", "root", "program"];

export type JobState = "queued" | "running" | "succeeded" | "failed" | "canceled" | "lost";
export const TERMINAL_JOB_STATES: ReadonlySet<JobState> = new Set<JobState>([
  "succeeded",
  "failed",
  "canceled",
  "lost",
]);

export type FailureKind =
  | "step-error"
  | "exit-code"
  | "signal"
  | "out-of-memory"
  | "timeout"
  | "node-failure"
  | "preempted"
  | "canceled"
  | "lost";

/** Why a job failed, in the words a user acts on. */
export interface JobFailure {
  kind: FailureKind;
  /** One sentence: what happened. */
  message: string;
  /** What to change ("raise memoryMiB above 700", "see the step's log", ...). */
  hint: string;
  exitCode?: number;
  signal?: string;
  /** out-of-memory: asked vs peak used. */
  memory?: { askedMiB: number; usedMiB: number };
  timeoutMs?: number;
}

/** Where a job's process runs, as its executor knows it. */
export interface JobHandle {
  executor: string;
  host: string;
  pid?: number;
  pgid?: number;
  /** The job's id in its executor's scheduler (Slurm: "123", or "123_4" for a task of array 123). */
  externalId?: string;
  /** The node it runs (or ran) on, as its executor's scheduler names it. */
  node?: string;
  /** Why its executor's scheduler has not started it yet (Slurm: Resources, Priority, ...). */
  pendingReason?: string;
  /** How many times its executor's scheduler restarted it in place (Slurm's requeue). */
  restarts?: number;
}

export interface Job {
  id: string;
  kind: JobKind;
  rootId: string;
  runId: string;
  attempt: number;
  executor: string;
  state: JobState;
  resources: ResourceRequest;
  handle?: JobHandle;
  failure?: JobFailure;
  outputArtifactId?: string;
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  /** The next attempt's job, when this one was requeued. */
  requeuedAs?: string;
}

/** An input artifact of a step, in parameter order. */
export interface InputRef {
  name: string;
  artifactId: string;
}

/** The worker's instructions (`GET /jobs/{id}/spec`). */
export interface JobSpec {
  job: Job;
  packageId: string;
  stepName?: string;
  parentRunId?: string | null;
  inputs: InputRef[];
  cacheKey?: string;
  timeoutMs?: number;
  namespace: string;
  environment?: RunEnvironment;
  localProject?: { host: string; root: string; dependencyKey: string };
  /** false: the driver takes nothing from the cache (a rerun without `cache: true`). */
  cache?: boolean;
  /** A rerun from a step: which runs of the original root the driver may reuse. */
  reuse?: ReusePlan;
}

/**
 * A rerun from a step (openapi.yaml ReusePlan): children are looked up under the ids they had in
 * root run `priorRootId`; one of `runIds` that resolved there with the same inputs is reused.
 */
export interface ReusePlan {
  priorRootId: string;
  runIds: string[];
}

/** What `spec_json` stores: the spec without the job's live record. */
export type StoredSpec = Omit<JobSpec, "job"> & { resources: ResourceRequest };
