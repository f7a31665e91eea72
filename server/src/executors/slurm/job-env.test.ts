import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { slurmJobEnv } from "./job-env";

const WORKER_ENV = {
  TSEMATIC_SERVER_URL: "http://head.cluster:8765",
  TSEMATIC_TOKEN: "f".repeat(64),
  TSEMATIC_JOB_ID: "j-1",
  TSEMATIC_WORKER_IDLE_MS: "3000",
  PATH: "/usr/bin",
};

describe("a Slurm job's environment", () => {
  it("calls back the URL the scheduler chose among the configured ones, with node-local paths, and no task's token or job id", () => {
    const env = slurmJobEnv(WORKER_ENV, {
      workerDir: "/tmp/w",
      nodeUrls: ["http://10.0.0.1:8765", "http://head.cluster:8765"],
    });
    assert.deepEqual(env, {
      TSEMATIC_SERVER_URL: "http://head.cluster:8765",
      TSEMATIC_WORKER_IDLE_MS: "3000",
      PATH: "/usr/bin",
      TSEMATIC_WORKER_CACHE: "/tmp/w/cache",
      HOME: "/tmp/w",
    });
  });

  it("refuses a URL the operator did not configure: the job would send its token there", () => {
    assert.throws(
      () =>
        slurmJobEnv(
          { ...WORKER_ENV, TSEMATIC_SERVER_URL: "http://attacker.example" },
          { workerDir: "/tmp/w", nodeUrls: ["http://head.cluster:8765"] },
        ),
      /call the server back at http:\/\/attacker\.example, which is not one of the URLs configured for the slurm executor's jobs \(http:\/\/head\.cluster:8765\): nothing was submitted/,
    );
  });

  it("keeps the server's own URL when no --public-url was given", () => {
    const env = slurmJobEnv(
      { ...WORKER_ENV, TSEMATIC_SERVER_URL: "http://127.0.0.1:8765" },
      { workerDir: "/tmp/w", nodeUrls: [] },
    );
    assert.equal(env.TSEMATIC_SERVER_URL, "http://127.0.0.1:8765");
  });
});
