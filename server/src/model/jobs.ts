/**
 * Jobs: one attempt of executing a dispatched run, or a submitted root, in a worker process
 * (design.md, "Cloud runs (promotion)"). The same JSON on the wire: aliases of the types generated
 * from openapi.yaml (Job, JobSpec, JobFailure) into ../wire.ts.
 */
import type * as wire from "../wire";
import type { AllOf, ResourceRequest } from "./events";

export type JobKind = wire.JobKind;
/** Every job kind (fails to compile when openapi.yaml gains one this list does not name). */
export const JOB_KINDS = ["step", "root", "program"] as const satisfies readonly JobKind[];
const _allJobKinds: AllOf<JobKind, typeof JOB_KINDS> = true;

export type JobState = wire.JobState;
/** A job's state, terminal or not: a state added to openapi.yaml fails here until it is sorted. */
const JOB_STATE_ENDS = {
  queued: false,
  running: false,
  succeeded: true,
  failed: true,
  canceled: true,
  lost: true,
} as const satisfies Record<JobState, boolean>;
export const TERMINAL_JOB_STATES: ReadonlySet<JobState> = new Set<JobState>(
  (Object.keys(JOB_STATE_ENDS) as JobState[]).filter((state) => JOB_STATE_ENDS[state]),
);

export type FailureKind = wire.FailureKind;

/**
 * Why a job failed, in the words a user acts on: `message` (one sentence: what happened), `hint`
 * (what to change: "raise the step's resources.memoryMiB above 700", "see the step's log", ...);
 * out-of-memory: asked vs peak used.
 */
export type JobFailure = wire.JobFailure;

/**
 * Where a job's process runs, as its executor knows it: `externalId` in its scheduler (Slurm: "123",
 * or "123_4" for a task of array 123), the `node` it runs (or ran) on, why it is still pending, and
 * how many times the scheduler restarted it in place (Slurm's requeue).
 */
export type JobHandle = wire.JobHandle;

/** One attempt of a dispatched run or submitted root (`requeuedAs`: the next, when it was requeued). */
export type Job = wire.Job;

/** An input artifact of a step, in parameter order. */
export type InputRef = wire.InputRef;

/**
 * The worker's instructions (`GET /jobs/{id}/spec`): `maxParallelism` is the resolver's (a Slurm job
 * array's `%cap`); `cache: false`, the driver takes nothing from the cache (a rerun without
 * `cache: true`); `reuse`, for a rerun from a step, which runs of the original root it may reuse.
 */
export type JobSpec = wire.JobSpec;

/**
 * A rerun from a step (openapi.yaml ReusePlan): children are looked up under the ids they had in
 * root run `priorRootId`; one of `runIds` that resolved there with the same inputs is reused.
 */
export type ReusePlan = wire.ReusePlan;

/**
 * What `spec_json` stores: the spec without the job's live record, with what only the server
 * reads: the resources, and the URL the root's submission chose for its jobs to call back
 * (`nodeUrl`, one of the executor's configured URLs; absent: the default).
 */
export type StoredSpec = Omit<JobSpec, "job"> & { resources: ResourceRequest; nodeUrl?: string };
