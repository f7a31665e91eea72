import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { IRunSummary } from "../client";
import { RunSelection } from "./selection";

const summary = (id: string, state: string): IRunSummary => ({
  id,
  name: "train_pipeline",
  state,
  rootId: id,
  parentId: null,
  tags: [],
  createdAt: null,
});

describe("RunSelection", () => {
  it("selects a root run and a step in it, signalling each change once", () => {
    const selection = new RunSelection();
    let changes = 0;
    selection.changed.connect(() => changes++);
    selection.select("r1");
    selection.select("r1");
    selection.select("r1", { stepId: "s1" });
    assert.equal(changes, 2);
    assert.equal(selection.rootId, "r1");
    assert.equal(selection.stepId, "s1");
  });

  it("forgets the step and the summary of the previous root when another root is selected", () => {
    const selection = new RunSelection();
    selection.select("r1", { stepId: "s1", run: summary("r1", "running") });
    selection.select("r2");
    assert.equal(selection.stepId, null);
    assert.equal(selection.run, null);
    selection.select(null, { stepId: "s9" });
    assert.equal(selection.stepId, null, "no step without a root");
  });

  it("keeps what the runs list last read about the selected root (its state), and signals it", () => {
    const selection = new RunSelection();
    selection.select("r1", { stepId: "s1", run: summary("r1", "running") });
    let changes = 0;
    selection.changed.connect(() => changes++);
    selection.select("r1", { run: summary("r1", "running") });
    assert.equal(changes, 0, "the same state read again is no change");
    selection.select("r1", { run: summary("r1", "resolved") });
    assert.equal(changes, 1);
    assert.equal(selection.run?.state, "resolved");
    assert.equal(selection.stepId, "s1", "the step stays while the root does");
  });

  it("ignores a summary of another run than the one selected", () => {
    const selection = new RunSelection();
    selection.select("r1", { run: summary("r2", "failed") });
    assert.equal(selection.run, null);
  });
});
