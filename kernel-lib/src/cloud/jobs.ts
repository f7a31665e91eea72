/** The job protocol's shapes as kernel-lib reads them (contract "Shapes"; server/openapi.yaml). */
import type { ErrorInfo, JobFailure, ResourceRequest, RunEnvironment, RunState } from "../events";
import type { InputRef } from "../runner/dispatch";
import type { ArtifactInfo } from "../types/artifact";

export type JobState = "queued" | "running" | "succeeded" | "failed" | "canceled" | "lost";

export interface JobHandle {
  executor: string;
  host: string;
  pid?: number;
  pgid?: number;
  externalId?: string;
}

export interface Job {
  id: string;
  kind: "step" | "root" | "program";
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
  requeuedAs?: string;
}

/** Where the submitting machine's project is: a worker on that host links its `node_modules`. */
export interface LocalProject {
  host: string;
  root: string;
  dependencyKey: string;
}

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
  localProject?: LocalProject;
  /** false: a rerun's driver takes nothing from the cache. */
  cache?: boolean;
  /**
   * A rerun from a step: children are looked up under the ids they had in root run `priorRootId`;
   * one of `runIds` that resolved there with the same inputs is reused (as a resumed root's are).
   */
  reuse?: { priorRootId: string; runIds: string[] };
}

/** `GET /runs/{id}` as far as the resolver reads it. */
export interface RunDetail {
  run: { id: string; state: RunState; error?: ErrorInfo | null; stepName: string };
  inputs: Array<{ name: string; artifact: ArtifactInfo }>;
  outputs: Array<{ name: string; artifact: ArtifactInfo }>;
}

/** A job in a state it leaves only by a requeue (which `GET /runs/{id}/job` follows). */
export function jobEnded(job: Job): boolean {
  return (
    job.state === "succeeded" ||
    job.state === "failed" ||
    job.state === "canceled" ||
    (job.state === "lost" && job.requeuedAs === undefined)
  );
}

/** Routes answer a job either bare or as `{ job }`. */
export function jobOf(body: unknown): Job {
  const b = body as { job?: Job } & Job;
  return b.job && typeof b.job === "object" ? b.job : b;
}
