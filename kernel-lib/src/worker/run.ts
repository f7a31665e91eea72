/**
 * A worker's job, run by the project's own copy of tsematic (main.ts hands over here), so the
 * package's steps, the futures they make and the runner are one copy. Kinds:
 * - `step`: one dispatched run that the resolver created; its body runs here, its output is stored;
 * - `root`: the detached root of `future.submit()`: the step called with the stored inputs;
 * - `program`: the detached root of `tsematic submit file`: the package's program runs, and the
 *   first root future it resolves takes the submitted root id; later ones are tracked roots of the
 *   same submission (`submissionRootId`).
 * Every kind resolves with the job's executor (dispatched children go on as jobs) and durable child
 * ids (a later attempt reuses what this one resolved). A step's own error is a finished job, not a
 * crash: the worker reports it and exits 0.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { fetchArtifact } from "../cloud/artifacts";
import { priorRunOf } from "../cloud/dispatcher";
import type { JobSpec } from "../cloud/jobs";
import { TsematicError } from "../errors";
import type { ErrorInfo } from "../events";
import type { Future, ResolveOptions } from "../future";
import type { PackageManifest } from "../package/archive";
import { setRootRunner } from "../runner/backend";
import { errorInfoOf } from "../runner/error-info";
import type { Resolution } from "../runner/resolution";
import { submissionRootId } from "../runner/ids";
import { localRootRunner, resolveControlled, type RootControl } from "../runner/resolve";
import { stepByName } from "../step-registry";
import type { Endpoint } from "../tracking/endpoint";
import { ServerClient } from "../tracking/http";
import { ServerBackend } from "../tracking/server-backend";
import { defaultRegistry } from "../types/registry";
import { flushedOnTimeLimit, removeClusterOutput } from "./cluster-signals";
import type { WorkerLease } from "./lease";
// Loads func() and the default hooks of this copy (the package's bundle loads them too).
import "../step";

export interface WorkerContext {
  spec: JobSpec;
  endpoint: Endpoint;
  bundlePath: string;
  manifest: PackageManifest;
  lease: WorkerLease;
  log: (line: string) => void;
  /**
   * Takes the job's `finished` report instead of posting it: a warm worker sends it with its
   * request for the next job (`POST /jobs/{id}/next`), one round trip instead of two.
   */
  report?: (finished: unknown) => Promise<void>;
}

/** Loads a module of the package (its steps register themselves by name). */
const load = (path: string): unknown => createRequire(__filename)(path);

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * One tracking backend per process, whatever job it serves, so that a warm worker's later jobs
 * reuse what it read of the server once (its request limits: a round trip per job saved). It speaks
 * with the current job's token: the token is swapped in place when the next job comes (a process
 * runs its jobs one after another).
 */
let processBackend: { endpoint: Endpoint; backend: ServerBackend } | undefined;

function backendFor(endpoint: Endpoint): ServerBackend {
  if (processBackend?.endpoint.url !== endpoint.url) {
    const own = { ...endpoint };
    processBackend = {
      endpoint: own,
      // Slurm's warning before its time limit: what a step logged is sent before it is killed.
      backend: flushedOnTimeLimit(new ServerBackend({ endpoint: own, heartbeats: false })),
    };
  }
  processBackend.endpoint.token = endpoint.token;
  return processBackend.backend;
}

/** Runs the job and reports it finished; resolves with the process's exit code. */
export async function runJob(ctx: WorkerContext): Promise<number> {
  const { spec, lease } = ctx;
  const client = new ServerClient(ctx.endpoint);
  let resolution: Resolution | undefined;
  lease.onCancel((reason) => resolution?.cancelAll(reason));
  const control: RootControl = {
    mode: "cloud",
    durable: true,
    // A first attempt finds nothing to replay: children are looked up only in later attempts.
    replay: spec.job.attempt > 1,
    backend: backendFor(ctx.endpoint),
    dispatch: {
      executor: spec.job.executor,
      packageId: spec.packageId,
      ...(spec.localProject ? { localProject: spec.localProject } : {}),
    },
    onResolution: (r) => (resolution = r),
    ...(spec.cache === false ? { cache: false } : {}),
    ...(spec.reuse ? reuseOf(client, spec.reuse) : {}),
  };
  const outcome =
    spec.job.kind === "program"
      ? await runProgram(ctx, control)
      : await runStep(ctx, client, control);
  await finish(client, ctx, outcome);
  lease.stop();
  return 0;
}

/**
 * A rerun from a step: the driver replays its children against the original root, as a kernel
 * resuming from an abandoned root does (durable ids under that root's id), and reuses only the runs
 * the server's plan names (those not downstream of the step); every other lookup finds nothing, so
 * that run executes again.
 */
function reuseOf(
  client: ServerClient,
  reuse: NonNullable<JobSpec["reuse"]>,
): Pick<RootControl, "replay" | "priorRootId" | "priorRun"> {
  const reusable = new Set(reuse.runIds);
  return {
    replay: true,
    priorRootId: reuse.priorRootId,
    priorRun: (runId) =>
      reusable.has(runId) ? priorRunOf(client, runId) : Promise.resolve(undefined),
  };
}

/** Kinds `step` and `root`: the named step, called with the stored inputs. */
async function runStep(
  ctx: WorkerContext,
  client: ServerClient,
  control: RootControl,
): Promise<Outcome> {
  const { spec } = ctx;
  const job = spec.job;
  try {
    // The package's top-level code is the submitting program's: its root runs are not this job's.
    setRootRunner({
      resolve: () => {
        ctx.log("a root run started by the package's top-level code is not run in a worker");
        return new Promise<never>(() => undefined);
      },
      run: () => new Promise<never>(() => undefined),
      submit: () => new Promise<never>(() => undefined),
    });
    load(ctx.bundlePath);
    if (!spec.stepName) throw new TsematicError(`job ${job.id} (${job.kind}) names no step`);
    const step = stepByName(spec.stepName);
    const registry = defaultRegistry();
    const artifacts = await Promise.all(
      spec.inputs.map((i) => fetchArtifact(client, i.artifactId)),
    );
    const values = artifacts.map((a) => registry.fromBytes(a.typeName, a.bytes));
    const future = step(...values) as Future<unknown>;
    const options: ResolveOptions = {
      namespace: spec.namespace,
      ...(job.kind === "root" && spec.environment ? { environment: spec.environment } : {}),
    };
    const value = await resolveControlled(future, options, {
      ...control,
      rootId: job.rootId,
      writer: { runId: job.runId, attempt: job.attempt },
      home:
        job.kind === "step"
          ? {
              runId: job.runId,
              exists: true,
              ...(spec.cacheKey !== undefined ? { cacheKey: spec.cacheKey } : {}),
              inputs: artifacts,
            }
          : { runId: job.rootId, exists: false, inputs: artifacts },
    });
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * Kind `program`: the package's program runs with a root runner whose first root takes the
 * submitted root id; the job's outcome is that root's. The job ends when the program has nothing
 * left to do.
 */
async function runProgram(ctx: WorkerContext, control: RootControl): Promise<Outcome> {
  const { spec } = ctx;
  const job = spec.job;
  let first: Promise<Outcome> | undefined;
  const resolveFirst = <T>(future: Future<T>, options: ResolveOptions): Promise<T> => {
    const p = resolveControlled(
      future,
      { ...options, environment: { ...spec.environment, ...options.environment } },
      { ...control, rootId: job.rootId, writer: { runId: job.rootId, attempt: job.attempt } },
    );
    // Its run's end ends what the job's lease covers: later roots heartbeat for themselves.
    const settled = (outcome: Outcome): Outcome => {
      ctx.lease.stop();
      return outcome;
    };
    first = p.then(
      (value) => settled({ ok: true, value }),
      (error: unknown) => settled({ ok: false, error }),
    );
    return p;
  };
  // Later roots: tracked roots of the same submission, with ids derived from the submitted root
  // (the only other roots this job's token may write), heartbeating as a kernel's roots do (no
  // job's lease covers them).
  let later = 0;
  const laterBackend = new ServerBackend({ endpoint: ctx.endpoint });
  setRootRunner({
    resolve: (future, options) => {
      if (!first) return resolveFirst(future, options);
      const rootId = submissionRootId(job.rootId, ++later);
      ctx.log(`a later root of the program ("${future.name}") is root run ${rootId}`);
      return resolveControlled(
        future,
        { ...options, environment: { ...spec.environment, ...options.environment } },
        {
          ...control,
          backend: laterBackend,
          rootId,
          writer: { runId: rootId, attempt: job.attempt },
        },
      );
    },
    run: (future, options) => localRootRunner.run(future, options),
  });
  const programEnded = new Promise<void>((resolve) => process.once("beforeExit", () => resolve()));
  try {
    const entry = ctx.manifest.entry as { program?: string };
    load(entry.program ? join(ctx.bundlePath, "..", entry.program) : ctx.bundlePath);
  } catch (error) {
    return { ok: false, error };
  }
  // The program's roots may start after awaits of its own: the job ends with the program.
  await programEnded;
  if (!first) {
    return {
      ok: false,
      error: new TsematicError(
        "the program ended without resolving a pipeline: a submitted program must await a step's " +
          "future (or call .resolve()) at least once",
      ),
    };
  }
  return first;
}

/** The error of a failed job as the run records it. */
function jobErrorInfo(error: unknown, spec: JobSpec): ErrorInfo {
  const stepName = spec.stepName ?? "program";
  return errorInfoOf(error, { stepName, path: [stepName], runId: spec.job.runId });
}

async function finish(client: ServerClient, ctx: WorkerContext, outcome: Outcome): Promise<void> {
  const { spec, log } = ctx;
  let body: unknown;
  if (outcome.ok) {
    const artifact = defaultRegistry().toArtifact(outcome.value);
    body = { state: "succeeded", outputArtifactId: artifact.id };
  } else {
    const error = jobErrorInfo(outcome.error, spec);
    log(`the job's run failed: ${error.name}: ${error.message}`);
    body = { state: "failed", error };
  }
  if (ctx.report) {
    await ctx.report(body);
    return;
  }
  try {
    await client.json("POST", `/jobs/${spec.job.id}/finished`, body);
    // Reported: the cluster job's node-local output is no longer needed for diagnosis.
    removeClusterOutput();
  } catch (error) {
    log(`could not report the job finished: ${(error as Error).message}`);
  }
}
