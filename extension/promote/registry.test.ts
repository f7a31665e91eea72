import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { PromotedRuns } from "./registry";
import type { IPromotedRun } from "./run";

const run = (rootId: string): IPromotedRun => ({
  rootId,
  serverUrl: "http://127.0.0.1:8765",
  stepName: "trainingPipeline",
  executor: "local",
});

/** The states a run's follower reports, and whether it was stopped. */
interface IWatch {
  report: (state: string) => void;
  stopped: boolean;
}

describe("PromotedRuns", () => {
  it("finds the run promoted from a cell, not ended until its root's state is final", () => {
    const watches = new Map<string, IWatch>();
    const runs = new PromotedRuns({
      follow: (promoted, onState) => {
        const watch: IWatch = { report: onState, stopped: false };
        watches.set(promoted.rootId, watch);
        return {
          get isDisposed() {
            return watch.stopped;
          },
          dispose: () => (watch.stopped = true),
        };
      },
    });
    let changes = 0;
    runs.changed.connect(() => changes++);
    runs.set("cell-1", run("r-1"));
    assert.deepEqual(runs.get("cell-1"), { ...run("r-1"), state: null, ended: false });
    assert.equal(runs.get("cell-2"), null);

    watches.get("r-1")!.report("running");
    assert.equal(runs.get("cell-1")?.ended, false);
    watches.get("r-1")!.report("running");
    assert.equal(changes, 2, "added, then running; the same state again is no change");

    watches.get("r-1")!.report("resolved");
    assert.deepEqual(runs.get("cell-1"), { ...run("r-1"), state: "resolved", ended: true });
    assert.equal(changes, 3);
    assert.equal(watches.get("r-1")!.stopped, true, "an ended run is no longer followed");
  });

  it("counts every final state as ended: failed, nested-failed and canceled too", () => {
    const runs = new PromotedRuns();
    for (const [index, state] of ["failed", "nested-failed", "canceled"].entries()) {
      const cell = `cell-${index}`;
      runs.set(cell, run(`r-${index}`));
      runs.setState(`r-${index}`, state);
      assert.equal(runs.get(cell)?.ended, true, state);
    }
  });

  it("stops following a run whose follower reports its end at once", () => {
    let stopped = false;
    const runs = new PromotedRuns({
      follow: (_promoted, onState) => {
        onState("canceled");
        return {
          get isDisposed() {
            return stopped;
          },
          dispose: () => (stopped = true),
        };
      },
    });
    runs.set("cell-1", run("r-1"));
    assert.equal(runs.get("cell-1")?.ended, true);
    assert.equal(stopped, true);
  });

  it("names the latest run promoted from a cell", () => {
    const runs = new PromotedRuns();
    runs.set("cell-1", run("r-1"));
    runs.setState("r-1", "resolved");
    runs.set("cell-1", run("r-2"));
    assert.deepEqual(runs.get("cell-1"), { ...run("r-2"), state: null, ended: false });
  });

  it("follows a run known only by its id (a panel restored after a reload) until it ends, once", () => {
    const followed: string[] = [];
    const reports = new Map<string, (state: string) => void>();
    const runs = new PromotedRuns({
      follow: (promoted, onState) => {
        followed.push(promoted.rootId);
        reports.set(promoted.rootId, onState);
        return { isDisposed: false, dispose: () => undefined };
      },
    });
    assert.equal(runs.byRoot("r-1"), null);
    runs.follow(run("r-1"));
    runs.follow(run("r-1"));
    assert.deepEqual(followed, ["r-1"], "one follower per run");
    assert.deepEqual(runs.byRoot("r-1"), { ...run("r-1"), state: null, ended: false });
    reports.get("r-1")!("canceled");
    assert.equal(runs.byRoot("r-1")?.ended, true);
    assert.equal(runs.get("r-1"), null, "no cell names it");
  });

  it("finds a run promoted from a cell by its id too, without following it twice", () => {
    const followed: string[] = [];
    const runs = new PromotedRuns({
      follow: (promoted) => {
        followed.push(promoted.rootId);
        return { isDisposed: false, dispose: () => undefined };
      },
    });
    runs.set("cell-1", run("r-1"));
    runs.follow(run("r-1"));
    runs.setState("r-1", "resolved");
    assert.deepEqual(followed, ["r-1"]);
    assert.equal(runs.byRoot("r-1")?.ended, true);
  });
});
