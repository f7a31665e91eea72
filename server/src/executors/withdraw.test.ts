/**
 * `LocalExecutor.withdraw`: how the scheduler takes a queued job back to hand it to a warm worker
 * (scheduler/handoff.ts). Real processes: one job holds the only CPU so that the others queue.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { LocalExecutor } from "./local";
import type { LaunchRequest } from "./types";

const dir = mkdtempSync(join(tmpdir(), "tsematic-withdraw-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function request(jobId: string, cpus: number): LaunchRequest {
  return {
    jobId,
    command: [process.execPath, "-e", "setTimeout(() => {}, 60000)"],
    env: {},
    cwd: dir,
    resources: { cpus },
    logFile: join(dir, `${jobId}.log`),
  };
}

describe("the local executor's withdraw", () => {
  it("takes back only the head of the queue, without an exit, and leaves a started job alone", async () => {
    const local = new LocalExecutor({ cpus: 1, memoryMiB: 1024, killGraceMs: 500 });
    const exits: string[] = [];
    local.onExit((jobId) => exits.push(jobId));
    try {
      local.submit(request("running", 1));
      local.submit(request("head", 1));
      local.submit(request("behind", 1));
      assert.equal(local.withdraw("running"), false, "a started job is not taken back");
      assert.equal(local.withdraw("behind"), false, "a job behind the head is not taken back");
      assert.equal(local.usage().queued, 2);
      assert.equal(local.withdraw("head"), true);
      assert.equal(local.withdraw("head"), false, "it is gone from the executor");
      assert.deepEqual([...(await local.pollMany(["head"])).keys()], []);
      assert.equal(local.usage().queued, 1);
      assert.equal(local.withdraw("behind"), true, "the next one is the head now");
      assert.equal(local.usage().queued, 0);
      assert.deepEqual(exits, [], "a withdrawn job has no exit");
    } finally {
      await local.close(500);
    }
    assert.deepEqual(exits, ["running"]);
  });
});
