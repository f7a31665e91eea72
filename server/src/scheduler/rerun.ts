/**
 * `POST /runs/{runId}/rerun` (design.md "Reruns"): a tracked root run whose code package is stored
 * runs again as a new root, a `root` driver job of the original's step, without the notebook:
 * - from scratch: the same package and inputs, nothing from the cache (unless `cache: true`);
 * - from a step (`from`): the driver gets a reuse plan (`rerun-plan.ts`) and reuses the original's
 *   runs not downstream of it by the mechanism a kernel resuming from an abandoned root uses
 *   (durable ids looked up under the original root's id, `Resolution.replay`);
 * - with new inputs: some arguments replaced (`rerun-inputs.ts`).
 * The original may be a `root` submission (`future.submit()`), a `program` (`tsematic submit`: its
 * root step is rerun, not the program's other top-level code) or a kernel's `resolve({ executor })`:
 * what they share is the package and the recorded root step and inputs. A root made in a kernel
 * without an executor has no package: 409 `no_package`.
 */
import type { ServerContext } from "../context";
import { chooseNodeUrl } from "../executors/node-urls";
import { ApiError } from "../http/errors";
import type { RunEnvironment } from "../model/events";
import type { Job } from "../model/jobs";
import { runInputs } from "../storage/graph";
import { jobsOfRoot, storedSpec } from "../storage/jobs";
import { getRoot } from "../storage/roots";
import { getRun } from "../storage/runs";
import { checkInputs, type NewInput, storeMade } from "./rerun-inputs";
import { reusePlan } from "./rerun-plan";

/** The body of `POST /runs/{runId}/rerun` (openapi.yaml RerunRequest). */
export interface RerunRequest {
  from?: string;
  inputs?: Record<string, NewInput>;
  executor?: string;
  nodeUrl?: string;
  cache?: boolean;
  dryRun?: boolean;
}

export type RerunAnswer =
  | { rootId: string; rerunOf: string; from: string | null; job: Job; dryRun?: false }
  | {
      dryRun: true;
      ok: true;
      inputs: Record<string, { artifactId?: string; typeName: string }>;
    };

/** The message of a 409 `no_package`: the extension offers "Rerun Cell" on this code. */
export function noPackageMessage(runId: string): string {
  return (
    `Run ${runId} was made in a notebook kernel without a code package, so it cannot be rerun ` +
    "without its notebook: rerun its cell instead."
  );
}

/** Validates a rerun and, unless `dryRun`, creates its root's driver job. */
export async function rerunRoot(
  ctx: ServerContext,
  runId: string,
  body: RerunRequest,
): Promise<RerunAnswer> {
  const { db } = ctx;
  const run = getRun(db, runId);
  if (!run) {
    throw ApiError.notFound("unknown_run", `no run ${runId} on this server: check the run id`);
  }
  if (run.id !== run.rootId) {
    throw ApiError.badRequest(
      "not_a_root",
      `run ${runId} ("${run.stepName}") is a step of root run ${run.rootId}: rerun the root, ` +
        `from this step with { "from": "${runId}" } (tsematic rerun ${run.rootId} --from ${runId})`,
    );
  }
  const packageId = getRoot(db, runId)?.environment.packageId;
  if (!packageId) throw ApiError.conflict("no_package", noPackageMessage(runId));
  const from = body.from ?? null;
  if (from !== null) {
    const step = getRun(db, from);
    if (!step || step.rootId !== runId) {
      throw new ApiError(
        400,
        "bad_from",
        `from: ${step ? `run ${from} belongs to root run ${step.rootId}` : `no run ${from} on this server`}, ` +
          `not to root run ${runId}: give one of its step runs (GET /runs/${runId}/children)`,
        "from",
      );
    }
  }
  const checked = await checkInputs(
    db,
    ctx.artifacts,
    { id: runId, stepName: run.stepName },
    runInputs(db, runId),
    body.inputs ?? {},
  );
  const original = originalJob(ctx, runId);
  const executor = body.executor ?? original?.executor ?? "local";
  ctx.scheduler.executor(executor); // 400 naming the known ones
  const nodeUrl = rerunNodeUrl(ctx, executor, body.nodeUrl, original?.nodeUrl);
  if (body.dryRun) return { dryRun: true, ok: true, inputs: checked.view };
  await storeMade(db, ctx.artifacts, checked.made, ctx.now());
  const environment = environmentOf(ctx, runId, packageId);
  const { rootId, job } = ctx.scheduler.submit(
    {
      kind: "root",
      packageId,
      stepName: run.stepName,
      inputs: checked.inputs,
      executor,
      ...(nodeUrl !== undefined ? { nodeUrl } : {}),
      namespace: original?.namespace ?? "default",
      ...(environment ? { environment } : {}),
      ...(original?.localProject ? { localProject: original.localProject } : {}),
    },
    {
      rerunOf: runId,
      from,
      cache: body.cache === true,
      ...(from !== null && from !== runId ? { reuse: reusePlan(db, runId, from) } : {}),
    },
  );
  return { rootId, rerunOf: runId, from, job };
}

/**
 * What the original root ran with, from its jobs: its own driver job when it was submitted, else
 * a dispatched step's (a kernel's `resolve({ executor })`): the executor, cache namespace and the
 * project whose node_modules a worker on that machine links.
 */
function originalJob(
  ctx: ServerContext,
  rootId: string,
):
  | {
      executor: string;
      namespace: string;
      localProject?: { host: string; root: string; dependencyKey: string };
      /** The URL its submission chose for its jobs to call back, if it chose one. */
      nodeUrl?: string;
    }
  | undefined {
  const jobs = jobsOfRoot(ctx.db, rootId);
  const job = jobs.find((j) => j.runId === rootId) ?? jobs[0];
  if (!job) return undefined;
  const spec = storedSpec(ctx.db, job.id);
  return {
    executor: job.executor,
    namespace: spec?.namespace ?? "default",
    ...(spec?.localProject ? { localProject: spec.localProject } : {}),
    ...(spec?.nodeUrl !== undefined ? { nodeUrl: spec.nodeUrl } : {}),
  };
}

/**
 * The URL the rerun's jobs call back: the one asked for (checked against the executor's list, a
 * 400 naming the allowed ones otherwise), else the original root's choice while the executor
 * still allows it (the server may have been restarted with other `--public-url`s), else none
 * (the executor's default).
 */
function rerunNodeUrl(
  ctx: ServerContext,
  executor: string,
  requested: string | undefined,
  original: string | undefined,
): string | undefined {
  const allowed = ctx.scheduler.nodeUrls(executor);
  if (requested !== undefined) return chooseNodeUrl(executor, allowed, requested);
  return original !== undefined && allowed.includes(original) ? original : undefined;
}

/** The original root's recorded environment, for the rerun's root record. */
function environmentOf(
  ctx: ServerContext,
  rootId: string,
  packageId: string,
): RunEnvironment | undefined {
  const env = getRoot(ctx.db, rootId)?.environment;
  if (!env?.nodeVersion || !env.platform) return undefined;
  return {
    nodeVersion: env.nodeVersion,
    platform: env.platform,
    ...(env.lockfileHash ? { lockfileHash: env.lockfileHash } : {}),
    ...(env.gitCommit ? { gitCommit: env.gitCommit } : {}),
    ...(env.notebookPath ? { notebookPath: env.notebookPath } : {}),
    ...(env.hostname ? { hostname: env.hostname } : {}),
    packageId,
  };
}
