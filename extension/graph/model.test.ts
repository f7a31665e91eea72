import assert from "node:assert/strict";
import { test } from "node:test";

import { flowFromJson, graphRunFromJson, RunGraphData, runTooltip } from "./model";

const run = (id: string, parentId: string | null, state = "resolved") => ({
  id,
  parentId,
  name: id,
  state,
});

/** Tutorial 01's tracked pipeline(4, 20), as the graph API answers it (the contract's shape). */
const TUTORIAL_RUNS = [
  run("p", null),
  run("make", "p"),
  run("sq1", "p"),
  run("sq2", "p"),
  run("sq3", "p"),
  run("sq4", "p"),
  run("sum", "p"),
  run("big", "p"),
];
const TUTORIAL_FLOWS: unknown[] = [
  { from: "make", to: "p", kind: "awaited" },
  ...[1, 2, 3, 4].map((i) => ({
    from: `sq${i}`,
    to: "sum",
    kind: "future",
    parameter: "xs",
    path: `xs[${i - 1}]`,
  })),
  { from: "sum", to: "p", kind: "awaited" },
  { from: "sum", to: "big", kind: "parent", parameter: "total", path: "total" },
];

test("edges are exactly the recorded flows: each square into sum, sum into bigReport via the parent", () => {
  const flows = TUTORIAL_FLOWS.map(flowFromJson).filter((f) => f !== null);
  const graph = RunGraphData.fromFlows("p", TUTORIAL_RUNS, flows);
  assert.deepEqual(
    graph.edges.map((e) => `${e.from}>${e.to}:${e.kind}`),
    [
      "make>p:awaited",
      "sq1>sum:future",
      "sq2>sum:future",
      "sq3>sum:future",
      "sq4>sum:future",
      "sum>p:awaited",
      "sum>big:parent",
    ],
  );
  assert.equal(graph.edges[1]?.path, "xs[0]");
});

test("runs that share an equal artifact but no recorded flow get no edge", () => {
  // Before: ports with the same artifact id made `sq2` (output 4) the producer of `make` (input 4).
  const graph = RunGraphData.fromFlows("p", TUTORIAL_RUNS, []);
  assert.deepEqual(graph.edges, []);
});

test("flows to runs outside the graph, repeats and unknown kinds are dropped", () => {
  const flows = [
    { from: "sq1", to: "sum", kind: "future", path: "xs[0]" },
    { from: "sq1", to: "sum", kind: "future", path: "xs[0]" },
    { from: "sq1", to: "gone", kind: "future" },
    { from: "sq1", to: "sum", kind: "guessed" },
    { from: "sq1", to: "sum" },
  ]
    .map(flowFromJson)
    .filter((f) => f !== null);
  const graph = RunGraphData.fromFlows("p", TUTORIAL_RUNS, flows);
  assert.deepEqual(graph.edges, [{ from: "sq1", to: "sum", kind: "future", path: "xs[0]" }]);
});

test("the shape key ignores states, so a state change never lays the graph out again", () => {
  const a = RunGraphData.fromFlows("r", [run("r", null, "running"), run("s", "r", "running")], []);
  const b = RunGraphData.fromFlows("r", [run("r", null, "resolved"), run("s", "r", "failed")], []);
  const c = RunGraphData.fromFlows("r", [run("r", null), run("s", "r"), run("t", "r")], []);
  const d = RunGraphData.fromFlows(
    "r",
    [run("r", null), run("s", "r"), run("t", "r")],
    [{ from: "s", to: "t", kind: "parent" }],
  );
  assert.equal(a.shapeKey, b.shapeKey);
  assert.notEqual(a.shapeKey, c.shapeKey);
  assert.notEqual(c.shapeKey, d.shapeKey);
});

test("the notebook bundle's flows become the same graph", () => {
  const graph = RunGraphData.fromBundle({
    version: 1,
    rootId: "r",
    runs: [
      { id: "r", name: "pipeline", state: "failed", parentId: null },
      { id: "s", name: "step", state: "failed", parentId: "r" },
      { id: "t", name: "next", state: "canceled", parentId: "r" },
    ],
    edges: [
      { from: "s", to: "missing", kind: "future", parameter: "x", path: "x" },
      { from: "s", to: "t", kind: "future", parameter: "x", path: "x", artifactId: "a1" },
    ],
  });
  assert.equal(graph.runs.get("s")?.state, "failed");
  assert.deepEqual(graph.edges, [
    { from: "s", to: "t", kind: "future", parameter: "x", path: "x" },
  ]);
  assert.equal(graph.descendantCount("r"), 1 + 1);
});

test("a bundle saved before flows were recorded draws no guessed arrows", () => {
  // Version 1 bundles used to carry edges guessed from equal artifact ids, without a kind.
  const graph = RunGraphData.fromBundle({
    version: 1,
    rootId: "r",
    runs: [run("r", null), run("s", "r"), run("t", "r")],
    edges: [{ from: "s", to: "t", artifactId: "a1", parameter: "x" }],
  });
  assert.equal(graph.runs.size, 3);
  assert.deepEqual(graph.edges, []);
});

test("a cache hit read from the server names the run it reused, and its tooltip says so", () => {
  const hit = graphRunFromJson({
    id: "hit",
    parentId: "p",
    stepName: "square",
    state: "resolved",
    originalRunId: "first",
  });
  assert.equal(hit?.cachedFrom, "first");
  assert.equal(runTooltip(hit!), "square · resolved · hit\ncache hit: reused run first");
  const computed = graphRunFromJson({
    id: "c",
    stepName: "square",
    state: "resolved",
    originalRunId: null,
  });
  assert.equal(computed?.cachedFrom, undefined);
  assert.equal(runTooltip(computed!), "square · resolved · c");
});

test("a bundle's cached run is a cache hit whose original run is not known", () => {
  const graph = RunGraphData.fromBundle({
    version: 1,
    rootId: "p",
    runs: [
      { id: "p", name: "pipeline", state: "resolved", parentId: null },
      { id: "s", name: "square", state: "resolved", parentId: "p", cached: true },
    ],
  });
  assert.equal(graph.runs.get("s")?.cachedFrom, "");
  assert.equal(graph.runs.get("p")?.cachedFrom, undefined);
  assert.match(runTooltip(graph.runs.get("s")!), /\ncache hit$/);
});

test("a retried run keeps its attempt, and its tooltip says it was retried", () => {
  const retried = graphRunFromJson({ id: "r", stepName: "flaky", state: "resolved", attempt: 3 });
  assert.equal(retried?.attempt, 3);
  assert.match(runTooltip(retried!), /\nretried: attempt 3 /);
  const once = graphRunFromJson({ id: "o", stepName: "flaky", state: "resolved", attempt: 1 });
  assert.equal(once?.attempt, undefined);
  assert.equal(runTooltip(once!), "flaky · resolved · o");
});
