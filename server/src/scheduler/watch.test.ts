import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { Executor, JobStatus } from "../executors/types";
import { openDatabase } from "../storage/db";
import { getJob, insertJob, markRunning } from "../storage/jobs";
import { tempDir } from "../testing/harness";
import type { SchedulerState } from "./state";
import { tick } from "./watch";

describe("the scheduler's watch pass", () => {
  const dir = tempDir("tsematic-watch-");
  const db = openDatabase(join(dir, "lineage.db"));
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Only what `tick` reads: the executor under test, the database and the waiters. */
  function stateWith(executor: Pick<Executor, "pollMany">): SchedulerState {
    return {
      deps: { db, now: () => Date.now() },
      executors: new Map([["slurm", executor]]),
      waiters: { notify: () => undefined },
      checking: new Set<string>(),
      closed: false,
    } as unknown as SchedulerState;
  }

  it("keeps what a worker reported while a poll was out: a stale pending reason does not overwrite its pid", async () => {
    const job = insertJob(
      db,
      {
        kind: "step",
        rootId: "r".repeat(32),
        runId: "s".repeat(32),
        attempt: 1,
        executor: "slurm",
        spec: {} as never,
      },
      Date.now(),
    );
    const executor = {
      async pollMany(ids: string[]): Promise<Map<string, JobStatus>> {
        // The worker's `started` report lands while Slurm still answers what it saw earlier.
        markRunning(db, job.id, { executor: "slurm", host: "w1", pid: 4242 }, Date.now());
        const pending: JobStatus = {
          state: "queued",
          handle: { executor: "slurm", host: "", pendingReason: "Resources", externalId: "77" },
        };
        return new Map(ids.map((id) => [id, pending]));
      },
    };
    await tick(stateWith(executor));
    const now = getJob(db, job.id)!;
    assert.equal(now.state, "running");
    assert.equal(now.handle?.pid, 4242, "the worker's pid stands");
    assert.equal(now.handle?.host, "w1");
    assert.equal(now.handle?.pendingReason, undefined, "it runs: no reason to pend");
  });
});
