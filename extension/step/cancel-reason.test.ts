import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { type IGraphEdge, RunGraphData } from "../graph/model";
import { cancelCause } from "./cancel-reason";

const run = (id: string, parentId: string | null, state: string) => ({
  id,
  parentId,
  name: `${id}Step`,
  state,
});

/** A pipeline p: load → train(data) → report(model), with the given states. */
function graph(states: { p: string; load: string; train: string; report: string }): RunGraphData {
  const flows: IGraphEdge[] = [
    { from: "load", to: "train", kind: "future", parameter: "data" },
    { from: "train", to: "report", kind: "future", parameter: "model" },
    { from: "report", to: "p", kind: "awaited" },
  ];
  return RunGraphData.fromFlows(
    "p",
    [
      run("p", null, states.p),
      run("load", "p", states.load),
      run("train", "p", states.train),
      run("report", "p", states.report),
    ],
    flows,
  );
}

describe("cancelCause", () => {
  it("names the failed input's run when a step was canceled because its input failed", () => {
    const g = graph({ p: "failed", load: "failed", train: "canceled", report: "canceled" });
    const cause = cancelCause("train", g, false);
    assert.equal(cause.kind, "input-failed");
    assert.equal(cause.runId, "load");
    assert.equal(cause.stepName, "loadStep");
    assert.match(cause.text, /its input "data" comes from loadStep, which failed/);
  });

  it("blames a user's cancel of the root, linking the root, before a canceled input", () => {
    const g = graph({ p: "canceled", load: "resolved", train: "canceled", report: "canceled" });
    const cause = cancelCause("report", g, true);
    assert.equal(cause.kind, "user");
    assert.equal(cause.runId, "p");
    assert.match(cause.text, /Canceled by a user: a cancel of the pipeline pStep was requested/);
    // The root itself: no link to itself.
    assert.equal(cancelCause("p", g, true).runId, undefined);
  });

  it("follows a canceled input when nobody asked to cancel", () => {
    const g = graph({ p: "canceled", load: "resolved", train: "canceled", report: "canceled" });
    const cause = cancelCause("report", g, false);
    assert.equal(cause.kind, "input-canceled");
    assert.equal(cause.runId, "train");
  });

  it("names the parent that ended before the step, else the process that ran the pipeline", () => {
    const g = graph({ p: "failed", load: "canceled", train: "canceled", report: "canceled" });
    const cause = cancelCause("load", g, false);
    assert.equal(cause.kind, "parent-ended");
    assert.equal(cause.runId, "p");
    assert.match(cause.text, /its parent pStep ended \(failed\)/);
    const alone = graph({ p: "canceled", load: "canceled", train: "canceled", report: "canceled" });
    assert.equal(cancelCause("p", alone, false).kind, "process");
    assert.equal(cancelCause("p", alone, false).runId, undefined);
  });
});
