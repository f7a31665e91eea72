/** Where the script that workers run is: the server's option, else the tsematic package's. */
import { existsSync } from "node:fs";
import { ApiError } from "../http/errors";

/** The worker script, or a 503 `worker_unavailable` saying how to get one. */
export function resolveWorkerEntry(option: string | undefined): string {
  if (option !== undefined) {
    if (existsSync(option)) return option;
    throw unavailable(`the configured workerEntry ${option} does not exist`);
  }
  try {
    return require.resolve("tsematic/lib/worker/main.js");
  } catch {
    throw unavailable("tsematic/lib/worker/main.js cannot be found from @tsematic/server");
  }
}

function unavailable(why: string): ApiError {
  return new ApiError(
    503,
    "worker_unavailable",
    `${why}: the local executor starts workers from the tsematic package: install it next to ` +
      "@tsematic/server",
  );
}
