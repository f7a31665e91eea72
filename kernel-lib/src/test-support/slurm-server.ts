/**
 * What every test and benchmark of the Slurm executor sets up around a real local cluster
 * (`startSlurmCluster()` of @tsematic/server): the `tsematic server` flags that point a server at
 * it, and slurmrestd's own record of its jobs (raw v0.0.38, read with a JWT as Slurm's clients do),
 * so that a test checks what Slurm itself says rather than what Tsematic recorded.
 *
 * @example
 * ```ts
 * const cluster = await startSlurmCluster();
 * const server = await ServerProcess.start({ args: slurmServerArgs(cluster, { arrayParallelism: 10 }) });
 * const rest = slurmRest(cluster);
 * const record = await rest.job("1234_5"); // { job_state: "COMPLETED", array_max_tasks: 3, ... }
 * ```
 */
import { readdirSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import { outputPath } from "@tsematic/server/lib/executors/slurm/script";
import { mintSlurmJwt } from "@tsematic/server/lib/executors/slurm/jwt";
import type { SlurmCluster } from "@tsematic/server/lib/slurm-cluster/cluster";

/** The cluster as the server's flags and slurmrestd's clients need it. */
export type SlurmClusterView = Pick<SlurmCluster, "restUrl" | "jwtKeyFile" | "user" | "partition">;

export interface SlurmServerOptions {
  /** The HS256 key the server signs with (default: the cluster's; another one is refused). */
  keyFile?: string;
  /** `--slurm-worker-dir`: node-local, writable by the job user. */
  workerDir?: string;
  /** `--slurm-array-parallelism`: the site's bound on an array's running tasks. */
  arrayParallelism?: number;
  /** `--kill-grace-ms`: between TERM and KILL of a canceled job. */
  killGraceMs?: number;
}

/** The `tsematic server` flags that add the `slurm` executor for `cluster`. */
export function slurmServerArgs(
  cluster: SlurmClusterView,
  options: SlurmServerOptions = {},
): string[] {
  return [
    "--slurm-url",
    cluster.restUrl,
    "--slurm-user",
    cluster.user,
    "--slurm-jwt-key",
    options.keyFile ?? cluster.jwtKeyFile,
    "--slurm-partition",
    cluster.partition,
    ...(options.workerDir !== undefined ? ["--slurm-worker-dir", options.workerDir] : []),
    ...(options.arrayParallelism !== undefined
      ? ["--slurm-array-parallelism", String(options.arrayParallelism)]
      : []),
    ...(options.killGraceMs !== undefined ? ["--kill-grace-ms", String(options.killGraceMs)] : []),
  ];
}

/** A raw job record of slurmrestd v0.0.38 (`job_state`, `array_max_tasks`, `state_reason`, ...). */
export type SlurmJobRecord = Record<string, unknown>;

/** slurmrestd's records of the cluster's jobs, as Slurm's own clients read them. */
export interface SlurmRest {
  /** One job ("123", or "123_4" for a task of array 123); undefined once slurmctld forgot it. */
  job(externalId: string): Promise<SlurmJobRecord | undefined>;
  /** Every job slurmctld remembers. */
  jobs(): Promise<SlurmJobRecord[]>;
}

export function slurmRest(cluster: SlurmClusterView): SlurmRest {
  const get = async (path: string): Promise<SlurmJobRecord[]> => {
    const token = mintSlurmJwt({
      keyFile: cluster.jwtKeyFile,
      user: cluster.user,
      lifetimeSeconds: 600,
    });
    const res = await fetch(`${cluster.restUrl}/slurm/v0.0.38${path}`, {
      headers: { "X-SLURM-USER-NAME": cluster.user, "X-SLURM-USER-TOKEN": token },
    });
    return ((await res.json()) as { jobs?: SlurmJobRecord[] }).jobs ?? [];
  };
  return {
    job: async (externalId) => (await get(`/job/${externalId}`))[0],
    jobs: () => get("/jobs"),
  };
}

/**
 * Removes what a test's Slurm jobs left on this machine (which is every node of a local cluster):
 * the worker directory and the jobs' node-local output files in /tmp.
 */
export function removeWorkerFiles(workerDir: string): void {
  rmSync(workerDir, { recursive: true, force: true });
  const prefix = basename(outputPath(workerDir, false)).split("%")[0]!;
  for (const f of readdirSync("/tmp").filter((n) => n.startsWith(prefix))) rmSync(join("/tmp", f));
}
