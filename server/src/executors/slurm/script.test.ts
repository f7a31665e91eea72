import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { batchScript, outputPath } from "./script";

const dir = mkdtempSync(join(tmpdir(), "tsematic-slurm-script-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the batch script with the real shell, as slurmd would, with `env`. */
function runScript(script: string, env: Record<string, string>): string {
  const file = join(dir, "job.sh");
  writeFileSync(file, script, { mode: 0o700 });
  return execFileSync("/bin/sh", [file], {
    env: { PATH: process.env.PATH ?? "", TSEMATIC_WORKER_CACHE: join(dir, "cache"), ...env },
  }).toString();
}

const PRINT = ["/bin/sh", "-c", 'echo "$TSEMATIC_JOB_ID $TSEMATIC_TOKEN $(pwd)"'];

describe("the Slurm batch script", () => {
  it("gives each array task its own job id and worker token, chosen by SLURM_ARRAY_TASK_ID", () => {
    const tasks = [
      { jobId: "a".repeat(32), token: "t0" },
      { jobId: "b".repeat(32), token: "it's" },
    ];
    const script = batchScript(PRINT, tasks, true);
    assert.equal(
      runScript(script, { SLURM_ARRAY_TASK_ID: "1" }).trim(),
      `${"b".repeat(32)} it's ${join(dir, "cache")}`,
    );
    assert.equal(runScript(script, { SLURM_ARRAY_TASK_ID: "0" }).split(" ")[1], "t0");
    assert.throws(() => runScript(script, { SLURM_ARRAY_TASK_ID: "7" }), /no job for array task 7/);
  });

  it("runs a single job's worker in its node-local cache directory", () => {
    const script = batchScript(PRINT, [{ jobId: "c".repeat(32), token: "tok" }], false);
    assert.equal(runScript(script, {}).trim(), `${"c".repeat(32)} tok ${join(dir, "cache")}`);
  });

  it("names outputs per worker directory, so that two clusters' job 1 do not share a file", () => {
    assert.notEqual(outputPath("/tmp/a", false), outputPath("/tmp/b", false));
    assert.match(outputPath("/tmp/a", true), /^\/tmp\/tsematic-slurm-[0-9a-f]{8}-%A_%a\.out$/);
  });
});
