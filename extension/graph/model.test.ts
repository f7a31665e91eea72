import assert from "node:assert/strict";
import { test } from "node:test";

import {
  flowFromJson,
  graphRunFromJson,
  type IGraphEdge,
  type IGraphRun,
  RunGraphData,
  runTooltip,
} from "./model";

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

/** A small deterministic random source (tests repeat exactly). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** The parts of a graph that must not depend on how it was built (edges in any order). */
function essence(graph: RunGraphData): unknown {
  return {
    runs: [...graph.runs.entries()],
    children: [...graph.children.entries()],
    edges: graph.edges.map((e) => JSON.stringify(e)).sort(),
  };
}

test("applying live changes one update at a time equals rebuilding the graph from all of them", () => {
  const next = random(11);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const runs = new Map<string, IGraphRun>([["root", run("root", null, "running")]]);
  const flows: IGraphEdge[] = [];
  let graph = RunGraphData.fromFlows("root", runs.values(), flows);
  for (let update = 0; update < 200; update++) {
    const changedRuns: IGraphRun[] = [];
    const addedFlows: IGraphEdge[] = [];
    for (let change = 0; change < 1 + Math.floor(next() * 5); change++) {
      const ids = [...runs.keys()];
      const roll = next();
      if (roll < 0.35) {
        // A new run, sometimes under a parent that arrives later (`p<n>` before `p<n>` exists).
        const id = `r${runs.size}`;
        const parentId = next() < 0.15 ? `r${runs.size + 2}` : pick(ids);
        changedRuns.push({ id, parentId, name: pick(["leaf", "load", "sum"]), state: "created" });
      } else if (roll < 0.75) {
        const old = runs.get(pick(ids)) as IGraphRun;
        changedRuns.push({ ...old, state: pick(["running", "resolved", "failed", "retrying"]) });
      } else if (roll < 0.8) {
        const old = runs.get(pick(ids)) as IGraphRun;
        changedRuns.push({ ...old, name: `${old.name}!`, attempt: 2 });
      } else {
        // A flow, sometimes to a run not yet there, sometimes again (a repeat).
        const to = next() < 0.2 ? `r${runs.size + 1}` : pick(ids);
        const flow = next() < 0.2 && flows.length > 0 ? pick(flows) : null;
        addedFlows.push(flow ?? { from: pick(ids), to, kind: "future", path: `x${update}` });
      }
      for (const changed of changedRuns) {
        runs.set(changed.id, changed);
      }
    }
    flows.push(...addedFlows);
    graph = graph.withChanges({ runs: changedRuns, flows: addedFlows });
    const rebuilt = RunGraphData.fromFlows("root", runs.values(), flows);
    assert.deepEqual(essence(graph), essence(rebuilt), `after update ${update}`);
  }
  assert.ok(graph.runs.size > 100 && graph.edges.length > 50, "the sequence built a real graph");
});

test("a change of states only shares the nesting and edges, and says what changed", () => {
  const graph = RunGraphData.fromFlows("p", TUTORIAL_RUNS, [
    { from: "sq1", to: "sum", kind: "future" },
  ]);
  const next = graph.withChanges({ runs: [run("sq1", "p", "running")] });
  assert.equal(next.children, graph.children);
  assert.equal(next.edges, graph.edges);
  assert.equal(next.runs.get("sq1")?.state, "running");
  assert.equal(graph.runs.get("sq1")?.state, "resolved", "the graph before is unchanged");
  assert.equal(next.stateChanges?.base.deref(), graph);
  assert.deepEqual([...(next.stateChanges?.previous ?? [])], [["sq1", run("sq1", "p")]]);
  const grown = next.withChanges({ runs: [run("late", "p", "created")] });
  assert.notEqual(grown.children, next.children);
  assert.equal(grown.stateChanges, null);
  assert.deepEqual(grown.children.get("p")?.at(-1), "late");
});

test("a bounded bundle's runs left out and counted in no fold are the graph's unlisted runs", () => {
  const run = (id: string, name: string, parentId: string | null = "root") => ({
    id,
    name,
    state: "resolved",
    parentId,
  });
  const graph = RunGraphData.fromBundle({
    version: 1,
    rootId: "root",
    // 30 calls of leaf held of 1,000 counted; 2 other steps held of 502 (500 left out).
    runs: [
      run("root", "pipe", null),
      run("a", "step_a"),
      run("b", "step_b"),
      ...Array.from({ length: 30 }, (_, i) => run(`leaf${i}`, "leaf")),
    ],
    edges: [],
    folds: [{ parentId: "root", name: "leaf", count: 1_000, states: { resolved: 1_000 } }],
    omittedRuns: 970 + 500,
  });
  assert.equal(graph.unlistedRuns, 500);
  assert.equal(graph.foldCounts[0]?.count, 1_000);
  const full = RunGraphData.fromBundle({ version: 1, rootId: "root", runs: [run("root", "p")] });
  assert.equal(full.unlistedRuns, 0, "a bundle that holds every run (written before issue 11)");
});
