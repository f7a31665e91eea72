import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { forgottenFailure, slurmFailure, usedFromOutput } from "./classify";
import type { SlurmJob } from "./versions";

/** A job as slurmrestd reports one that ended in `state` on w1. */
function ended(state: string): SlurmJob {
  return {
    jobId: 4242,
    name: "job",
    state,
    flags: [],
    ended: true,
    nodes: "w1",
    exitCode: 0,
    signal: null,
    restartCount: 0,
  };
}

const output = "/tmp/tsematic-slurm-0bece306-4242.out";

describe("the failure of a Slurm job that ended without its worker's report", () => {
  it("out of memory under a memory cgroup: asked vs used (the limit), and to raise the step's resources.memoryMiB", () => {
    const failure = slurmFailure(ended("OUT_OF_MEMORY"), {
      askedMiB: 200,
      canceledByUs: false,
      output,
    });
    assert.deepEqual(failure, {
      kind: "out-of-memory",
      message:
        "Slurm job 4242 ran out of memory on w1: it asked for 200 MiB and reached that limit, " +
        "where its memory cgroup stopped it (its peak is the limit)",
      hint:
        "raise the step's resources.memoryMiB above 200, or use less memory in it; " +
        `the job's output on its node: ${output}`,
      memory: { askedMiB: 200, usedMiB: 200 },
    });
  });

  it("out of memory where Slurm samples /proc: the peak its output says, and to raise resources.memoryMiB above it", () => {
    const usedMiB = usedFromOutput(
      "slurmstepd: error: Job 4242 exceeded memory limit (314573 > 204800), being killed",
    );
    assert.equal(usedMiB, 308);
    const failure = slurmFailure(ended("OUT_OF_MEMORY"), {
      askedMiB: 200,
      usedMiB,
      canceledByUs: false,
      output,
    });
    assert.deepEqual(failure?.memory, { askedMiB: 200, usedMiB: 308 });
    assert.match(failure?.message ?? "", /asked for 200 MiB and used 308 MiB/);
    assert.match(failure?.hint ?? "", /^raise the step's resources\.memoryMiB above 308,/);
  });
});

describe("the failure of a Slurm job that slurmctld forgot before the server saw how it ended", () => {
  it("says what Slurm said of it last", () => {
    const running = { ...ended("RUNNING"), ended: false };
    assert.equal(
      forgottenFailure("4242", running, output).message,
      `Slurm no longer knows job 4242 (Slurm last said RUNNING on w1) and its worker never reported how it ended; its output on its node: ${output}`,
    );
  });

  it("says that no poll had listed it when it started and was forgotten between two polls", () => {
    assert.equal(
      forgottenFailure("4242", undefined, output).message,
      `Slurm no longer knows job 4242 (no poll of Slurm had listed it yet) and its worker never reported how it ended; its output on its node: ${output}`,
    );
  });
});
