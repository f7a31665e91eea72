import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { IStillRunningSteps } from "../tokens";
import { StillRunningSteps } from "./still-running";

/** A notebook's kernel as the registry sees it: where the code runs, and how to stop it. */
function kernelOf(notebookPath: string): IStillRunningSteps.IKernel & { restarts: number } {
  return {
    notebookPath,
    restarts: 0,
    restart() {
      this.restarts++;
      return Promise.resolve();
    },
  };
}

/** kernel-lib's run view bundle of root `rootId` at `updatedAt`, naming `steps` as still running. */
function bundle(rootId: string, updatedAt: number, steps: Record<string, string> = {}): unknown {
  const stillRunning = Object.entries(steps).map(([runId, stepName]) => ({ runId, stepName }));
  return {
    version: 1,
    rootId,
    state: "canceled",
    final: true,
    updatedAt,
    runs: [],
    ...(stillRunning.length ? { stillRunning } : {}),
  };
}

describe("StillRunningSteps", () => {
  it("finds a step whose code still runs, with its root and the kernel of the notebook that showed it", () => {
    const steps = new StillRunningSteps();
    const a = kernelOf("a.ipynb");
    let changes = 0;
    steps.changed.connect(() => changes++);
    steps.report(bundle("r-1", 10, { "s-1": "stubborn", "s-2": "train" }), a);
    assert.equal(changes, 1);
    assert.deepEqual(steps.find("s-2"), {
      runId: "s-2",
      stepName: "train",
      rootId: "r-1",
      kernel: a,
    });
    assert.deepEqual(
      steps.ofRoot("r-1").map((step) => step.stepName),
      ["stubborn", "train"],
    );
    assert.equal(steps.find("s-9"), null);
    assert.deepEqual(steps.ofRoot("r-9"), []);
  });

  it("lets a step go when a newer bundle of its root no longer names it (its code returned)", () => {
    const steps = new StillRunningSteps();
    const a = kernelOf("a.ipynb");
    steps.report(bundle("r-1", 10, { "s-1": "stubborn" }), a);
    let changes = 0;
    steps.changed.connect(() => changes++);
    steps.report(bundle("r-1", 20), a);
    assert.equal(steps.find("s-1"), null);
    assert.equal(changes, 1);
  });

  it("keeps what the kernel said last when the cell's older bundle renders again", () => {
    const steps = new StillRunningSteps();
    const a = kernelOf("a.ipynb");
    steps.report(bundle("r-1", 10, { "s-1": "stubborn" }), a);
    steps.report(bundle("r-1", 20), a);
    let changes = 0;
    steps.changed.connect(() => changes++);
    steps.report(bundle("r-1", 10, { "s-1": "stubborn" }), a);
    assert.equal(steps.find("s-1"), null);
    assert.equal(changes, 0);
  });

  it("forgets every step of a kernel that restarted, and only that kernel's, for good", () => {
    const steps = new StillRunningSteps();
    const a = kernelOf("a.ipynb");
    const b = kernelOf("b.ipynb");
    steps.report(bundle("r-1", 10, { "s-1": "stubborn" }), a);
    steps.report(bundle("r-2", 10, { "s-2": "train" }), b);
    let changes = 0;
    steps.changed.connect(() => changes++);
    steps.forget(a);
    assert.equal(changes, 1);
    assert.equal(steps.find("s-1"), null);
    assert.equal(steps.find("s-2")?.kernel, b);
    // The cell still shows the bundle that named it: rendering it again does not bring it back.
    steps.report(bundle("r-1", 10, { "s-1": "stubborn" }), a);
    assert.equal(steps.find("s-1"), null);
    steps.forget(a);
    assert.equal(changes, 1, "nothing left to forget: no signal");
  });

  it("signals only changes: the same bundle reported twice (output and kernel message) is one", () => {
    const steps = new StillRunningSteps();
    const a = kernelOf("a.ipynb");
    let changes = 0;
    steps.changed.connect(() => changes++);
    steps.report(bundle("r-1", 10, { "s-1": "stubborn" }), a);
    steps.report(bundle("r-1", 10, { "s-1": "stubborn" }), a);
    steps.report(bundle("r-2", 10), a);
    assert.equal(changes, 1);
  });

  it("ignores what is not a run view bundle", () => {
    const steps = new StillRunningSteps();
    const a = kernelOf("a.ipynb");
    let changes = 0;
    steps.changed.connect(() => changes++);
    for (const value of [null, "r-1", { stillRunning: [{ runId: "s", stepName: "x" }] }]) {
      steps.report(value, a);
    }
    assert.equal(changes, 0);
    assert.equal(steps.find("s"), null);
  });

  it("asks its kernelOf option which notebook's kernel shows a node, and says none without one", () => {
    const a = kernelOf("a.ipynb");
    const node = {} as HTMLElement;
    assert.equal(
      new StillRunningSteps({ kernelOf: (n) => (n === node ? a : null) }).kernelOf(node),
      a,
    );
    assert.equal(new StillRunningSteps().kernelOf(node), null);
  });
});
