/**
 * The worker process: `node <tsematic>/lib/worker/main.js`, started by an executor with the job's
 * environment (`TSEMATIC_SERVER_URL`, `TSEMATIC_TOKEN` — a worker token scoped to the job's root —
 * `TSEMATIC_JOB_ID`, `TSEMATIC_WORKER_CACHE`). It speaks HTTP only: reads its job's spec, says it
 * started, fetches the package and its dependencies, then hands over to the project's own copy of
 * tsematic (`worker/run.ts`), so the steps and the runner are one copy.
 */
import { createRequire } from "node:module";
import { hostname } from "node:os";
import { join } from "node:path";
import type { JobSpec } from "../cloud/jobs";
import type { ErrorInfo } from "../events";
import type { Endpoint } from "../tracking/endpoint";
import { ServerClient, ServerRefusedError } from "../tracking/http";
import { fetchPackage, linkDependencies } from "./bootstrap";
import { clusterPlacement, clusterRestarts, installTimeLimitWarning } from "./cluster-signals";
import { holdLease } from "./lease";
import type { runJob } from "./run";

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

async function main(): Promise<void> {
  const url = required("TSEMATIC_SERVER_URL");
  const token = required("TSEMATIC_TOKEN");
  const jobId = required("TSEMATIC_JOB_ID");
  const cache = process.env.TSEMATIC_WORKER_CACHE || join(process.cwd(), "worker-cache");
  // Roots a program starts after its first one find this server as a client's TSEMATIC_URL would.
  process.env.TSEMATIC_URL = url;
  const endpoint: Endpoint = {
    url,
    token,
    source: "TSEMATIC_SERVER_URL",
    tokenSource: "TSEMATIC_TOKEN",
  };
  installTimeLimitWarning(log);
  const client = new ServerClient(endpoint);
  const spec = await client.json<JobSpec>("GET", `/jobs/${jobId}/spec`);
  const restarts = clusterRestarts();
  try {
    // A worker its cluster restarted in place goes on as the job the server answers: the run's
    // next attempt (its events and lease are that attempt's).
    spec.job = await client.json<JobSpec["job"]>("POST", `/jobs/${jobId}/started`, {
      pid: process.pid,
      host: hostname(),
      attempt: spec.job.attempt,
      ...(restarts > 0 ? { restarts } : {}),
      ...clusterPlacement(),
    });
  } catch (error) {
    if (error instanceof ServerRefusedError && /failed with 409/.test(error.message)) {
      log(`job ${jobId} ended or was superseded before it started: nothing to do`);
      process.exit(0);
    }
    throw error;
  }
  const job = spec.job;
  const lease = holdLease(client, job.runId, job.attempt, (reason) => {
    log(`stopping at once: ${reason}`);
    process.exit(0);
  });
  let handOver: typeof runJob;
  let bundlePath: string;
  let manifest;
  try {
    const pkg = await fetchPackage(client, cache, spec.packageId);
    await linkDependencies(client, spec, pkg, cache, log);
    bundlePath = pkg.bundlePath;
    manifest = pkg.manifest;
    try {
      handOver = (createRequire(bundlePath)("tsematic/lib/worker/run") as { runJob: typeof runJob })
        .runJob;
    } catch {
      log("the package's dependencies have no tsematic: running with the worker's own copy");
      handOver = (createRequire(__filename)("./run") as { runJob: typeof runJob }).runJob;
    }
  } catch (error) {
    await reportBootstrapFailure(client, spec, error);
    lease.stop();
    process.exit(1);
  }
  const code = await handOver({ spec, endpoint, bundlePath, manifest, lease, log });
  process.exit(code);
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
