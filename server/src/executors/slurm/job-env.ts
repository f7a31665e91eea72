/**
 * The environment of a Slurm batch job, made from the worker's: node-local paths, and the server's
 * URL the job calls back. The job-wide part only: each task's job id and worker token go in the
 * batch script (script.ts), so one array shares this environment.
 *
 * The URL is the one the scheduler chose for the job's root among the URLs the server's operator
 * configured (`--public-url`, executors/node-urls.ts); a URL outside them is refused here too, so
 * that no path can tell a job to send its token anywhere else.
 *
 * @example
 * ```ts
 * slurmJobEnv({ TSEMATIC_SERVER_URL: "http://head:8765", TSEMATIC_TOKEN: "..." },
 *   { workerDir: "/tmp/w", nodeUrls: ["http://head:8765"] });
 * // { TSEMATIC_SERVER_URL: "http://head:8765", TSEMATIC_WORKER_CACHE: "/tmp/w/cache", HOME: "/tmp/w" }
 * ```
 */
import { join } from "node:path";

export interface SlurmJobEnvOptions {
  /** Node-local directory the job's user can write. */
  workerDir: string;
  /** The configured URLs jobs may call back (`--public-url`); empty: the server's own URL only. */
  nodeUrls: readonly string[];
}

/** The job-wide environment; throws when the worker's server URL is not an allowed one. */
export function slurmJobEnv(
  workerEnv: Readonly<Record<string, string>>,
  options: SlurmJobEnvOptions,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(workerEnv)) {
    if (k === "TSEMATIC_JOB_ID" || k === "TSEMATIC_TOKEN") continue;
    env[k] = v;
  }
  const url = env.TSEMATIC_SERVER_URL;
  if (options.nodeUrls.length > 0 && (url === undefined || !options.nodeUrls.includes(url))) {
    throw new Error(
      `the job would call the server back at ${url ?? "(no URL)"}, which is not one of the URLs ` +
        `configured for the slurm executor's jobs (${options.nodeUrls.join(", ")}): nothing was submitted`,
    );
  }
  env.TSEMATIC_WORKER_CACHE = join(options.workerDir, "cache");
  env.HOME = options.workerDir;
  return env;
}
