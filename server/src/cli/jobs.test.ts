import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { jobLines } from "./jobs";
import type { JobView } from "./jobs";

const JOB: JobView = {
  id: "0123456789abcdef0123456789abcdef",
  kind: "step",
  rootId: "aa".repeat(16),
  runId: "bb".repeat(16),
  attempt: 1,
  executor: "slurm",
  state: "queued",
  resources: { cpus: 2 },
  createdAt: 0,
};

describe("tsematic show: a job's lines", () => {
  it("prints why a queued job's cluster has not started it, and where it waits", () => {
    const lines = jobLines({
      ...JOB,
      handle: {
        executor: "slurm",
        host: "",
        externalId: "812_3",
        pendingReason: "JobArrayTaskLimit",
      },
    });
    assert.ok(lines.includes("pending     JobArrayTaskLimit"), lines.join("\n"));
    assert.ok(lines.includes("where        (812_3)"), lines.join("\n"));
  });

  it("prints the node a running job is on and how often its cluster restarted it, and no pending reason", () => {
    const lines = jobLines({
      ...JOB,
      state: "running",
      attempt: 2,
      handle: {
        executor: "slurm",
        host: "w2",
        node: "w2",
        externalId: "815",
        pid: 42,
        restarts: 1,
        pendingReason: "Resources",
      },
    });
    assert.ok(lines.includes("where       w2 pid 42 (815)"), lines.join("\n"));
    assert.ok(lines.includes("restarts    1 (by its cluster)"), lines.join("\n"));
    assert.equal(lines.filter((l) => l.startsWith("pending")).length, 0);
  });
});
