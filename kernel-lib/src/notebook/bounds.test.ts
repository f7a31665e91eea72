import assert from "node:assert/strict";
import { test } from "node:test";
import { boundRunView } from "./bounds";
import type { RunViewBundle, RunViewRun } from "./bundle";

const run = (id: string, parentId: string | null, name: string, extra = {}): RunViewRun => ({
  id,
  name,
  state: "resolved",
  parentId,
  attempt: 1,
  createdAt: 1,
  cached: false,
  inputs: {},
  ...extra,
});

/** load → 30 calls of leaf → summarize, under root `r`. */
function fanOut(): RunViewBundle {
  const leaves = Array.from({ length: 30 }, (_, i) =>
    run(`l${i}`, "r", "leaf", i === 0 ? { cached: true } : i === 1 ? { attempt: 2 } : {}),
  );
  return {
    version: 1,
    rootId: "r",
    stepName: "sweep",
    mode: "silent",
    serverUrl: null,
    state: "resolved",
    final: true,
    updatedAt: 1,
    progress: { total: 33, done: 33, running: 0, failed: 0, cached: 1 },
    runs: [run("r", null, "sweep"), run("load", "r", "load"), ...leaves, run("sum", "r", "sum")],
    edges: leaves.flatMap((leaf, i) => [
      { from: "load", to: leaf.id, kind: "future" as const, parameter: "data", path: "data" },
      { from: leaf.id, to: "sum", kind: "future" as const, parameter: "xs", path: `xs[${i}]` },
    ]),
  };
}

test("a small graph without folds keeps its bundle as it was", () => {
  const bundle = fanOut();
  const bounded = boundRunView(bundle, { foldAbove: 40 });
  assert.deepEqual(bounded, bundle);
});

test("a fold keeps its first calls and the flows among kept runs, and counts every call", () => {
  const bounded = boundRunView(fanOut(), { foldSample: 5 });
  assert.deepEqual(
    bounded.runs.map((r) => r.id),
    ["r", "load", "l0", "l1", "l2", "l3", "l4", "sum"],
  );
  assert.equal(bounded.omittedRuns, 25);
  assert.deepEqual(bounded.folds, [
    { parentId: "r", name: "leaf", count: 30, states: { resolved: 30 }, cached: 1, retried: 1 },
  ]);
  assert.equal(bounded.edges.length, 10);
  assert.ok(
    bounded.edges.every((e) =>
      ["l0", "l1", "l2", "l3", "l4"].includes(e.from === "load" ? e.to : e.from),
    ),
  );
  assert.equal(bounded.omittedEdges, 50);
});

test("the run limit holds for runs outside folds too, ancestors kept before their children", () => {
  const runs = [run("r", null, "root"), run("p", "r", "p")];
  for (let i = 0; i < 50; i++) runs.push(run(`c${i}`, "p", `step${i}`));
  const bounded = boundRunView({ ...fanOut(), runs, edges: [] }, { runs: 10 });
  assert.deepEqual(
    bounded.runs.map((r) => r.id),
    ["r", "p", "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"],
  );
  assert.equal(bounded.omittedRuns, 42);
  assert.equal(bounded.folds, undefined);
});
