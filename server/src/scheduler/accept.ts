/**
 * Accepting work: a resolver's dispatch of one of its runs, a detached submission of a root, and
 * the check of a package's steps against an executor. Every refusal happens here, before a job row
 * exists, so that a refused request leaves nothing behind.
 */
import { randomBytes } from "node:crypto";
import type { Executor } from "../executors/types";
import { ApiError } from "../http/errors";
import type { ResourceRequest, RunEnvironment } from "../model/events";
import { TERMINAL_STATES } from "../model/events";
import { type InputRef, type Job, type StoredSpec, TERMINAL_JOB_STATES } from "../model/jobs";
import { latestJobOfRun } from "../storage/jobs";
import { getRoot, recordRerun } from "../storage/roots";
import { getRun } from "../storage/runs";
import { chooseNodeUrl } from "../executors/node-urls";
import { createAndLaunch } from "./launch";
import { nodeUrlsOf, rootNodeUrl } from "./node-url";
import { requireArtifacts, requirePackage } from "./references";
import { checkSatisfiable } from "./resources";
import type { SchedulerState } from "./state";
import { resolveWorkerEntry } from "./worker-entry";

/** What `POST /runs/{runId}/jobs` carries. */
export interface DispatchRequest {
  packageId: string;
  stepName: string;
  inputs: InputRef[];
  resources: ResourceRequest;
  cacheKey?: string;
  timeoutMs?: number;
  /** The resolver's `maxParallelism`: the cap of a fan-out an executor starts as one unit. */
  maxParallelism?: number;
  /** false: the resolver takes nothing from the cache, so neither may this step's worker. */
  cache?: false;
  executor: string;
  namespace?: string;
  localProject?: StoredSpec["localProject"];
}

/** What `POST /submissions` carries. */
export type SubmissionRequest =
  | {
      kind: "root";
      packageId: string;
      stepName: string;
      inputs: InputRef[];
      executor: string;
      /** One of the executor's node URLs (GET /executors) for its jobs to call back. */
      nodeUrl?: string;
      namespace?: string;
      environment?: RunEnvironment;
      localProject?: StoredSpec["localProject"];
    }
  | {
      kind: "program";
      packageId: string;
      executor: string;
      /** One of the executor's node URLs (GET /executors) for its jobs to call back. */
      nodeUrl?: string;
      namespace?: string;
      environment?: RunEnvironment;
      localProject?: StoredSpec["localProject"];
    };

/** The executor named `name`, or a 400 naming the known ones. */
export function requireExecutor(s: SchedulerState, name: string): Executor {
  const e = s.executors.get(name);
  if (!e && name === "slurm") {
    // A known executor this server was not configured for: say how to configure it.
    throw ApiError.unprocessable(
      "executor_not_configured",
      `no executor "slurm" on this server: use one of ${[...s.executors.keys()].join(", ")}, or ` +
        "start the server with --slurm-url URL --slurm-user USER --slurm-jwt-key FILE " +
        "(or env TSEMATIC_SLURM_JWT) [--slurm-partition P] [--public-url URL]",
    );
  }
  if (!e) {
    throw ApiError.badRequest(
      "unknown_executor",
      `no executor "${name}" on this server: use one of ${[...s.executors.keys()].join(", ")}`,
    );
  }
  return e;
}

/** Throws 422 naming the first step `executor` can never satisfy. */
export function validateSteps(
  s: SchedulerState,
  executorName: string,
  steps: { name: string; resources?: ResourceRequest }[],
): void {
  const executor = requireExecutor(s, executorName);
  for (const step of steps) {
    if (step.resources && Object.keys(step.resources).length > 0) {
      checkSatisfiable(executor, step.name, step.resources);
    }
  }
}

/** An existing, open run as a job; an open or succeeded job of the run is answered as it is. */
export function dispatchRun(
  s: SchedulerState,
  runId: string,
  body: DispatchRequest,
): { job: Job; created: boolean } {
  const { db } = s.deps;
  const run = getRun(db, runId);
  if (!run) {
    throw ApiError.notFound(
      "unknown_run",
      `no run ${runId} on this server: send its run-created event (POST /events) before dispatching it`,
    );
  }
  const executor = requireExecutor(s, body.executor);
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
  requirePackage(s, body.packageId);
  requireArtifacts(db, body.inputs);
  checkSatisfiable(executor, body.stepName, body.resources);
  // A step calls back where its root's driver does, when that is a URL of its executor too.
  const nodeUrl = rootNodeUrl(s, run.rootId);
  const entry = resolveWorkerEntry(s.deps.options.workerEntry);
  const spec: StoredSpec = {
    packageId: body.packageId,
    stepName: body.stepName,
    parentRunId: run.parentId,
    inputs: body.inputs,
    namespace: body.namespace ?? "default",
    resources: body.resources,
    ...(body.cacheKey !== undefined && { cacheKey: body.cacheKey }),
    ...(body.timeoutMs !== undefined && { timeoutMs: body.timeoutMs }),
    ...(body.maxParallelism !== undefined && { maxParallelism: body.maxParallelism }),
    ...(body.cache === false && { cache: false }),
    ...(body.localProject !== undefined && { localProject: body.localProject }),
    ...(nodeUrl !== undefined && { nodeUrl }),
  };
  const attempt = (existing?.attempt ?? 0) + 1;
  const job = createAndLaunch(s, "step", run.rootId, runId, attempt, executor, spec, entry);
  return { job, created: true };
}

/** What a rerun adds to a `root` submission (`rerun.ts`): recorded before its job exists. */
export interface RerunOf {
  rerunOf: string;
  from: string | null;
  cache: boolean;
  reuse?: StoredSpec["reuse"];
}

/**
 * A detached root: allocates its id, validates the package's steps, creates and launches the job.
 * A rerun (`rerun`) also records the root it was made from, and its spec says what to reuse.
 */
export function submitRoot(
  s: SchedulerState,
  body: SubmissionRequest,
  rerun?: RerunOf,
): { rootId: string; job: Job } {
  const executor = requireExecutor(s, body.executor);
  // Refused before anything else: a job is never told a URL the operator did not configure.
  const nodeUrl =
    body.nodeUrl === undefined
      ? undefined
      : chooseNodeUrl(executor.name, nodeUrlsOf(s, executor), body.nodeUrl);
  const manifest = requirePackage(s, body.packageId);
  const steps = Array.isArray(manifest.steps)
    ? (manifest.steps as { name?: unknown; resources?: ResourceRequest }[])
    : [];
  validateSteps(
    s,
    executor.name,
    steps.map((step) => ({ name: String(step.name), resources: step.resources })),
  );
  const inputs = body.kind === "root" ? body.inputs : [];
  requireArtifacts(s.deps.db, inputs);
  const entry = resolveWorkerEntry(s.deps.options.workerEntry);
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
    ...(rerun && !rerun.cache && { cache: false }),
    ...(rerun?.reuse && { reuse: rerun.reuse }),
    ...(nodeUrl !== undefined && { nodeUrl }),
  };
  if (rerun) recordRerun(s.deps.db, rootId, rerun.rerunOf, rerun.from, s.deps.now());
  const job = createAndLaunch(s, body.kind, rootId, rootId, 1, executor, spec, entry);
  return { rootId, job };
}
