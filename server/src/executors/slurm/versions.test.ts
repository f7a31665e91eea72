/**
 * The version shapes of slurmrestd, normalized in one place. The v0.0.38 records are as Slurm
 * 22.05.8 answered here (trimmed); the v0.0.39–v0.0.41 ones follow those versions' published
 * OpenAPI descriptions (no daemon of those versions runs on this machine).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  gpuCount,
  normalizeExit,
  normalizeJob,
  normalizeNode,
  normalizeState,
  submitBody,
} from "./versions";

const REQUEST = {
  name: "0123456789abcdef0123456789abcdef",
  script: "#!/bin/sh\nexec true\n",
  env: { PATH: "/usr/bin", TSEMATIC_SERVER_URL: "http://127.0.0.1:1" },
  cwd: "/tmp",
  partition: "tsematic",
  cpusPerTask: 2,
  memoryMiB: 600,
  gpus: 1,
  timeLimitMinutes: 2,
  output: "/tmp/x-%j.out",
};

describe("slurmrestd version shapes", () => {
  it("reads a v0.0.38 job as 22.05 answers it (cpus_per_task null, the wait status, gres in tres_per_node)", () => {
    const job = normalizeJob({
      batch_host: "w1",
      cpus_per_task: null,
      cpus: 2,
      exit_code: 0,
      job_id: 1499477,
      job_state: "RUNNING",
      memory_per_node: 300,
      name: "r1",
      nodes: "w1",
      restart_cnt: 0,
      state_reason: "None",
      tres_per_node: "gres:gpu:1",
      time_limit: 1,
      array_job_id: 0,
      array_task_id: null,
    });
    assert.deepEqual(job, {
      jobId: 1499477,
      name: "r1",
      state: "RUNNING",
      flags: [],
      ended: false,
      exitCode: 0,
      signal: null,
      restartCount: 0,
      nodes: "w1",
      batchHost: "w1",
      cpusPerTask: 2,
      memoryPerNodeMiB: 300,
      tresPerNode: "gres:gpu:1",
      timeLimitMinutes: 1,
    });
  });

  it("reads a v0.0.41 job (numbers as { set, number }, job_state and exit_code as objects)", () => {
    const job = normalizeJob({
      job_id: 12,
      name: "r2",
      job_state: ["FAILED"],
      exit_code: {
        status: ["SIGNALED"],
        return_code: { set: true, number: 0 },
        signal: { signal_id: { set: true, number: 9 }, name: "KILL" },
      },
      restart_cnt: { set: true, number: 1 },
      cpus_per_task: { set: true, infinite: false, number: 4 },
      memory_per_node: { set: true, infinite: false, number: 1024 },
      time_limit: { set: false, infinite: true, number: 0 },
      array_job_id: { set: true, number: 10 },
      array_task_id: { set: true, number: 2 },
      state_reason: "NonZeroExitCode",
    });
    assert.equal(job.state, "FAILED");
    assert.equal(job.ended, true);
    assert.deepEqual([job.exitCode, job.signal], [null, "SIGKILL"]);
    assert.equal(job.restartCount, 1);
    assert.equal(job.cpusPerTask, 4);
    assert.equal(job.memoryPerNodeMiB, 1024);
    assert.equal(job.timeLimitMinutes, undefined, "an infinite limit is no limit");
    assert.deepEqual([job.arrayJobId, job.arrayTaskId], [10, 2]);
    assert.equal(job.reason, "NonZeroExitCode");
  });

  it("never takes a flag state for an ending, in either shape", () => {
    assert.deepEqual(normalizeState("COMPLETING"), {
      state: "",
      flags: ["COMPLETING"],
      ended: false,
    });
    assert.deepEqual(normalizeState(["COMPLETED", "COMPLETING"]).ended, false);
    assert.deepEqual(normalizeState(["NODE_FAIL", "REQUEUED"]).ended, false);
    assert.deepEqual(normalizeState("CONFIGURING").ended, false);
    assert.deepEqual(normalizeState(["PENDING", "REQUEUE_HOLD"]).ended, false);
    assert.deepEqual(normalizeState("OUT_OF_MEMORY"), {
      state: "OUT_OF_MEMORY",
      flags: [],
      ended: true,
    });
    assert.deepEqual(normalizeState(["TIMEOUT"]).ended, true);
    assert.deepEqual(normalizeState("RUNNING").ended, false);
  });

  it("reads exit codes from a wait status (v0.0.38) and from the object of v0.0.39+", () => {
    assert.deepEqual(normalizeExit(3 << 8), { exitCode: 3, signal: null });
    assert.deepEqual(normalizeExit(9), { exitCode: null, signal: "SIGKILL" });
    assert.deepEqual(normalizeExit({ status: "EXIT", return_code: 2 }), {
      exitCode: 2,
      signal: null,
    });
    assert.deepEqual(normalizeExit({ status: ["SIGNALED"], signal: { name: "SIGTERM" } }), {
      exitCode: null,
      signal: "SIGTERM",
    });
  });

  it("takes the pending tasks of an array (task id NO_VAL in v0.0.38) as one record without a task id", () => {
    const job = normalizeJob({
      job_id: 5,
      array_job_id: 5,
      array_task_id: 4294967294,
      job_state: "PENDING",
      state_reason: "JobArrayTaskLimit",
    });
    assert.equal(job.arrayJobId, 5);
    assert.equal(job.arrayTaskId, undefined);
    assert.equal(job.reason, "JobArrayTaskLimit");
  });

  it("reads nodes of both shapes, GPUs from gres", () => {
    assert.deepEqual(
      normalizeNode({
        name: "w1",
        state: "idle",
        cpus: 2,
        real_memory: 3000,
        gres: "gpu:1",
        partitions: ["tsematic"],
      }),
      { name: "w1", state: "idle", cpus: 2, memoryMiB: 3000, gpus: 1, partitions: ["tsematic"] },
    );
    assert.equal(
      normalizeNode({ name: "w2", state: ["IDLE", "DRAIN"], cpus: 8, real_memory: 1 }).state,
      "idle",
    );
    assert.equal(gpuCount("gpu:a100:2(S:0),gpu:1,shard:4"), 3);
  });

  it("writes the submission for each version: environment map vs list, script beside or inside job, numbers", () => {
    const v38 = submitBody("v0.0.38", REQUEST) as { script: string; job: Record<string, unknown> };
    assert.equal(v38.script, REQUEST.script);
    assert.deepEqual(v38.job.environment, REQUEST.env);
    assert.equal(v38.job.gres, "gpu:1");
    assert.equal(v38.job.memory_per_node, 600);
    assert.equal(v38.job.cpus_per_task, 2);
    assert.equal(v38.job.time_limit, 2);
    assert.equal(v38.job.requeue, true);
    assert.equal(v38.job.signal, undefined, "22.05 refuses the B: prefix");

    const v39 = submitBody("v0.0.39", REQUEST) as { script: string; job: Record<string, unknown> };
    assert.deepEqual(v39.job.environment, [
      "PATH=/usr/bin",
      "TSEMATIC_SERVER_URL=http://127.0.0.1:1",
    ]);
    assert.equal(v39.job.tres_per_node, "gres/gpu:1");
    assert.equal(v39.script, REQUEST.script);
    assert.equal(v39.job.signal, "B:USR2@60");

    const v41 = submitBody("v0.0.41", { ...REQUEST, array: "0-49%3" }) as {
      job: Record<string, unknown>;
    };
    assert.equal(v41.job.script, REQUEST.script, "v0.0.41 takes the script inside job");
    assert.deepEqual(v41.job.memory_per_node, { set: true, number: 600 });
    assert.equal(v41.job.array, "0-49%3");
  });
});
