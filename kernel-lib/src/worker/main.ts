/**
 * The worker process: `node <tsematic>/lib/worker/main.js`, started by an executor with the job's
 * environment (`TSEMATIC_SERVER_URL`, `TSEMATIC_TOKEN` — a worker token scoped to the job's root —
 * `TSEMATIC_JOB_ID`, `TSEMATIC_WORKER_CACHE`). It speaks HTTP only: reads its job's spec, says it
 * started, fetches the package and its dependencies, then hands over to the project's own copy of
 * tsematic (`worker/run.ts`), so the steps and the runner are one copy.
 *
 * A step job's worker stays warm: after its job it asks the server for the next step job of the
 * same root and package that fits its process (`POST /jobs/{id}/next`, waiting up to
 * `TSEMATIC_WORKER_IDLE_MS`), runs it with that job's fresh token, and exits when none comes. The
 * package, its dependencies and the project's tsematic are loaded once per process.
 */
import { createRequire } from "node:module";
import { hostname } from "node:os";
import { join } from "node:path";
import type { JobSpec } from "../cloud/jobs";
import type { ErrorInfo } from "../events";
import type { Endpoint } from "../tracking/endpoint";
import { ServerClient, ServerRefusedError } from "../tracking/http";
import { fetchPackage, linkDependencies } from "./bootstrap";
import {
  clusterPlacement,
  clusterRestarts,
  installTimeLimitWarning,
  removeClusterOutput,
} from "./cluster-signals";
import { holdLease } from "./lease";
import type { runJob, WorkerContext } from "./run";

function log(line: string): void {
  process.stderr.write(`tsematic worker: ${line}\n`);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    log(
      `${name} is not set: a worker is started by the lineage server's executor, which sets ` +
        "TSEMATIC_SERVER_URL, TSEMATIC_TOKEN, TSEMATIC_JOB_ID and TSEMATIC_WORKER_CACHE",
    );
    process.exit(2);
  }
  return value;
}

/** The worker's code for a package, loaded once per process (a warm worker reuses it). */
interface Prepared {
  packageId: string;
  handOver: typeof runJob;
  bundlePath: string;
  manifest: WorkerContext["manifest"];
}

function endpointOf(url: string, token: string): Endpoint {
  return { url, token, source: "TSEMATIC_SERVER_URL", tokenSource: "TSEMATIC_TOKEN" };
}

async function main(): Promise<void> {
  const url = required("TSEMATIC_SERVER_URL");
  const jobId = required("TSEMATIC_JOB_ID");
  const cache = process.env.TSEMATIC_WORKER_CACHE || join(process.cwd(), "worker-cache");
  // How long this process waits for another step job of its root after its own (0: it exits).
  const idleMs = Math.max(0, Number(process.env.TSEMATIC_WORKER_IDLE_MS ?? 0) || 0);
  // Roots a program starts after its first one find this server as a client's TSEMATIC_URL would.
  process.env.TSEMATIC_URL = url;
  installTimeLimitWarning(log);
  let endpoint = endpointOf(url, required("TSEMATIC_TOKEN"));
  let client = new ServerClient(endpoint);
  let spec = await client.json<JobSpec>("GET", `/jobs/${jobId}/spec`);
  // Said while the package is prepared: the two round trips overlap instead of adding up.
  const started = reportStarted(client, spec);
  started.catch(() => undefined); // awaited below; its failure is handled there
  if (clusterRestarts() > 0) {
    // A worker its cluster restarted in place goes on as the job the server answers: the run's
    // next attempt (its events and lease are that attempt's), so it is known before the lease.
    const restarted = await started;
    if (!restarted) process.exit(0);
    spec.job = restarted;
  }
  let prepared: Prepared | undefined;
  for (;;) {
    const job = spec.job;
    // Held from the start: preparing may take an `npm ci`. A handed-over job is running already.
    const lease = holdLease(
      client,
      job.runId,
      job.attempt,
      (reason, loss) => {
        // A program's job holds the lease of its first root, whose run ends when that root
        // resolves; the program goes on with later roots, which heartbeat for themselves.
        if (loss === "ended" && job.kind === "program") return;
        log(`stopping at once: ${reason}`);
        process.exit(0);
      },
      prepared === undefined,
    );
    if (!prepared || prepared.packageId !== spec.packageId) {
      try {
        prepared = await prepare(client, cache, spec);
      } catch (error) {
        if (!(await started)) process.exit(0);
        await reportBootstrapFailure(client, spec, error);
        lease.stop();
        process.exit(1);
      }
    }
    if (!(await started)) process.exit(0);
    // Only a step's worker stays warm: a driver's process holds its program's state.
    const warm = job.kind === "step" && idleMs > 0;
    let finished: unknown;
    const code = await prepared.handOver({
      spec,
      endpoint,
      bundlePath: prepared.bundlePath,
      manifest: prepared.manifest,
      lease,
      log,
      ...(warm ? { report: async (body: unknown) => void (finished = body) } : {}),
    });
    lease.stop();
    if (code !== 0 && finished !== undefined) {
      await client.json("POST", `/jobs/${job.id}/finished`, finished).catch(() => undefined);
    }
    const next = warm && code === 0 ? await askNext(client, job.id, idleMs, finished) : undefined;
    if (!next) process.exit(code);
    endpoint = endpointOf(url, next.token);
    process.env.TSEMATIC_TOKEN = next.token;
    client = new ServerClient(endpoint);
    spec = next.spec;
  }
}

/**
 * `POST /jobs/{id}/started`: the job the worker now runs (the run's next attempt when its cluster
 * restarted it in place); undefined when the job ended or was superseded (nothing to do).
 */
async function reportStarted(
  client: ServerClient,
  spec: JobSpec,
): Promise<JobSpec["job"] | undefined> {
  const restarts = clusterRestarts();
  try {
    return await client.json<JobSpec["job"]>("POST", `/jobs/${spec.job.id}/started`, {
      pid: process.pid,
      host: hostname(),
      attempt: spec.job.attempt,
      ...(restarts > 0 ? { restarts } : {}),
      ...clusterPlacement(),
    });
  } catch (error) {
    if (error instanceof ServerRefusedError && /failed with 409/.test(error.message)) {
      log(`job ${spec.job.id} ended or was superseded before it started: nothing to do`);
      return undefined;
    }
    throw error;
  }
}

/** The package and its dependencies, then the project's own copy of tsematic. */
async function prepare(client: ServerClient, cache: string, spec: JobSpec): Promise<Prepared> {
  const pkg = await fetchPackage(client, cache, spec.packageId);
  await linkDependencies(client, spec, pkg, cache, log);
  let handOver: typeof runJob;
  try {
    handOver = (
      createRequire(pkg.bundlePath)("tsematic/lib/worker/run") as { runJob: typeof runJob }
    ).runJob;
  } catch {
    log("the package's dependencies have no tsematic: running with the worker's own copy");
    handOver = (createRequire(__filename)("./run") as { runJob: typeof runJob }).runJob;
  }
  return {
    packageId: spec.packageId,
    handOver,
    bundlePath: pkg.bundlePath,
    manifest: pkg.manifest,
  };
}

/**
 * A warm worker's next job (`POST /jobs/{id}/next`, see the server's scheduler/handoff.ts), asked
 * with the finished job's report: a step job of the same root and package that fits this process,
 * with the token to speak for it; undefined when there is none within `idleMs` (the worker exits
 * and its resources are freed).
 */
async function askNext(
  client: ServerClient,
  jobId: string,
  idleMs: number,
  finished: unknown,
): Promise<{ spec: JobSpec; token: string } | undefined> {
  try {
    const res = await client.request("POST", `/jobs/${jobId}/next?waitMs=${idleMs}`, {
      body: JSON.stringify(finished === undefined ? {} : { finished }),
      contentType: "application/json",
      timeoutMs: idleMs + 30_000,
    });
    // The report arrived with the question: the cluster job's output served no diagnosis.
    if (finished !== undefined) removeClusterOutput();
    if (res.status === 204) return undefined;
    return (await res.json()) as { spec: JobSpec; token: string };
  } catch (error) {
    log(`no next job (${(error as Error).message}): exiting`);
    if (finished !== undefined && !(error instanceof ServerRefusedError)) {
      // The report may not have arrived: said again on its own (a 409 if it had).
      await client.json("POST", `/jobs/${jobId}/finished`, finished).catch((again: unknown) => {
        log(`could not report the job finished: ${(again as Error).message}`);
      });
    }
    return undefined;
  }
}

/** A job that cannot even start (package, dependencies) fails for good: retrying would not help. */
async function reportBootstrapFailure(
  client: ServerClient,
  spec: JobSpec,
  error: unknown,
): Promise<void> {
  const e = error instanceof Error ? error : new Error(String(error));
  log(`could not prepare job ${spec.job.id}: ${e.stack ?? e.message}`);
  const stepName = spec.stepName ?? "program";
  const info: ErrorInfo = {
    name: e.name,
    message: `the worker could not prepare the job: ${e.message}`,
    ...(e.stack ? { stack: e.stack } : {}),
    stepName,
    path: [stepName],
    runId: spec.job.runId,
  };
  try {
    await client.json("POST", `/jobs/${spec.job.id}/finished`, { state: "failed", error: info });
  } catch (report) {
    log(`the failure could not be reported: ${(report as Error).message}`);
  }
}

main().catch((error: unknown) => {
  log(`failed: ${(error as Error)?.stack ?? String(error)}`);
  process.exit(1);
});
