import assert from "node:assert/strict";
import { test } from "node:test";

import ELK from "elkjs/lib/elk.bundled.js";

import { layoutKey } from "./cache";
import { breakdownText, FOLD_PAGE, foldId, foldState, foldsOf, stateBreakdown } from "./fold";
import { elkLayout, quickLayout, visibleGraph } from "./layout";
import { type IGraphEdge, type IGraphRun, RunGraphData } from "./model";

/**
 * The sweep: `load` feeds `n` calls of `leaf` under the root, each read by `summarize`;
 * the first `failed` leaves failed, the next `running` run, the rest resolved. Optional few calls
 * of `probe` (under the fold threshold).
 */
function sweep(n: number, failed = 0, running = 0, probes = 0): RunGraphData {
  const runs: IGraphRun[] = [
    { id: "root", parentId: null, name: "scalePipe", state: "running" },
    { id: "load", parentId: "root", name: "load", state: "resolved" },
  ];
  const flows: IGraphEdge[] = [];
  for (let i = 0; i < n; i++) {
    const state = i < failed ? "failed" : i < failed + running ? "running" : "resolved";
    runs.push({ id: `leaf${i}`, parentId: "root", name: "leaf", state });
    flows.push({ from: "load", to: `leaf${i}`, kind: "future" });
    flows.push({ from: `leaf${i}`, to: "summarize", kind: "future" });
    flows.push({ from: `leaf${i}`, to: "root", kind: "awaited" });
  }
  for (let i = 0; i < probes; i++) {
    runs.push({ id: `probe${i}`, parentId: "root", name: "probe", state: "resolved" });
  }
  runs.push({ id: "summarize", parentId: "root", name: "summarize", state: "created" });
  return RunGraphData.fromFlows("root", runs, flows);
}

const LEAVES = foldId("root", "leaf");

test("more than 20 calls of one step under one parent are one fold; fewer are not folded", () => {
  const folds = foldsOf(sweep(10_000, 0, 0, 5));
  assert.deepEqual([...folds.byId.keys()], [LEAVES]);
  const fold = folds.byId.get(LEAVES);
  assert.equal(fold?.name, "leaf");
  assert.equal(fold?.parentId, "root");
  assert.equal(fold?.members.length, 10_000);
  assert.equal(folds.ofMember.get("leaf9999"), fold);
  assert.equal(folds.ofMember.get("probe0"), undefined);
  assert.equal(foldsOf(sweep(20)).byId.size, 0);
  assert.equal(foldsOf(sweep(21)).byId.size, 1);
});

test("a fold counts its members by state, and says so most frequent first", () => {
  const graph = sweep(10_000, 6, 120);
  const fold = foldsOf(graph).byId.get(LEAVES);
  assert.ok(fold);
  const counts = stateBreakdown(graph, fold);
  assert.deepEqual(Object.fromEntries(counts), { failed: 6, running: 120, resolved: 9_874 });
  assert.equal(breakdownText(counts), "9,874 resolved · 120 running · 6 failed");
});

test("a fold is colored failed if any member failed, running while any runs, resolved when all are", () => {
  assert.equal(
    foldState(
      new Map([
        ["resolved", 9],
        ["failed", 1],
      ]),
    ),
    "failed",
  );
  assert.equal(
    foldState(
      new Map([
        ["resolved", 9],
        ["running", 1],
      ]),
    ),
    "running",
  );
  assert.equal(foldState(new Map([["resolved", 10]])), "resolved");
  assert.equal(
    foldState(
      new Map([
        ["resolved", 9],
        ["created", 1],
      ]),
    ),
    "created",
  );
});

test("a closed fold is one visible box, and edges into and out of its members end at it", () => {
  const view = visibleGraph(sweep(10_000, 6, 120), new Set());
  assert.deepEqual(view.children.get("root"), ["load", LEAVES, "summarize"]);
  assert.equal(view.size, 4);
  assert.equal(view.parents.get(LEAVES), "root");
  assert.deepEqual(view.edges, [
    { from: "load", to: LEAVES, style: "data" },
    { from: LEAVES, to: "summarize", style: "data" },
  ]);
  const layout = quickLayout(view);
  assert.equal(layout.boxes.size, 4);
  assert.equal(layout.boxes.get(LEAVES)?.kind, "fold");
});

test("an open fold shows its first page of members; the rest stay behind the fold", () => {
  const graph = sweep(10_000);
  const view = visibleGraph(graph, new Set(), { shown: new Map([[LEAVES, FOLD_PAGE]]) });
  const shown = view.children.get(LEAVES);
  assert.equal(shown?.length, FOLD_PAGE);
  assert.equal(shown?.[0], "leaf0");
  assert.equal(view.parents.get("leaf0"), LEAVES);
  assert.equal(view.size, 4 + FOLD_PAGE);
  // Shown members have their own edges; hidden ones are drawn from the fold.
  assert.ok(view.edges.some((e) => e.from === "load" && e.to === "leaf0"));
  assert.ok(view.edges.some((e) => e.from === "leaf99" && e.to === "summarize"));
  assert.ok(view.edges.some((e) => e.from === LEAVES && e.to === "summarize"));
  assert.ok(!view.edges.some((e) => e.to === "leaf100"));
  const layout = quickLayout(view);
  assert.equal(layout.boxes.get(LEAVES)?.kind, "group");
  const member = layout.boxes.get("leaf0");
  const group = layout.boxes.get(LEAVES);
  assert.ok(member && group && member.y > group.y, "members are inside the open fold");

  const more = visibleGraph(graph, new Set(), { shown: new Map([[LEAVES, 2 * FOLD_PAGE]]) });
  assert.equal(more.children.get(LEAVES)?.length, 2 * FOLD_PAGE);
  // Folded again: the same shape as before it was opened.
  const closed = visibleGraph(graph, new Set(), { shown: new Map() });
  assert.equal(layoutKey(closed), layoutKey(visibleGraph(graph, new Set())));
  assert.notEqual(layoutKey(closed), layoutKey(view));
});

test("a fold's layout key holds while its fan-out grows or its members change state", () => {
  const growing = layoutKey(visibleGraph(sweep(500), new Set()));
  assert.equal(layoutKey(visibleGraph(sweep(10_000, 6, 120), new Set())), growing);
});

test("a fold under a collapsed run is hidden with it; edges end at the collapsed run", () => {
  const runs: IGraphRun[] = [
    { id: "root", parentId: null, name: "pipe", state: "running" },
    { id: "map", parentId: "root", name: "mapAll", state: "running" },
    { id: "after", parentId: "root", name: "after", state: "created" },
  ];
  const flows: IGraphEdge[] = [];
  for (let i = 0; i < 50; i++) {
    runs.push({ id: `m${i}`, parentId: "map", name: "each", state: "resolved" });
    flows.push({ from: `m${i}`, to: "after", kind: "future" });
  }
  const graph = RunGraphData.fromFlows("root", runs, flows);
  const collapsed = visibleGraph(graph, new Set(["map"]));
  assert.equal(collapsed.folds.size, 0);
  assert.deepEqual(collapsed.edges, [{ from: "map", to: "after", style: "data" }]);
  const open = visibleGraph(graph, new Set());
  assert.deepEqual(open.children.get("map"), [foldId("map", "each")]);
  assert.deepEqual(open.edges, [{ from: foldId("map", "each"), to: "after", style: "data" }]);
});

test("elkjs lays an open fold out as rows inside its box, not one row of a hundred boxes", async () => {
  const view = visibleGraph(sweep(1_000), new Set(), { shown: new Map([[LEAVES, FOLD_PAGE]]) });
  const layout = await elkLayout(view, new ELK());
  const fold = layout.boxes.get(LEAVES);
  assert.ok(fold);
  assert.ok(fold.width < 2_000, `the open fold is ${fold.width} px wide`);
  for (let i = 0; i < FOLD_PAGE; i++) {
    const member = layout.boxes.get(`leaf${i}`);
    assert.ok(member, `leaf${i} is placed`);
    assert.ok(member.x >= fold.x && member.x + member.width <= fold.x + fold.width);
    assert.ok(member.y >= fold.y && member.y + member.height <= fold.y + fold.height);
  }
  // The edges into the fold order it after load, and before summarize.
  const load = layout.boxes.get("load");
  const summarize = layout.boxes.get("summarize");
  assert.ok(load && summarize && load.y < fold.y && fold.y + fold.height <= summarize.y);
});

test("a live update of states keeps the folds and updates their counts as a recount would", () => {
  let graph = sweep(1_000, 0, 0);
  const index = foldsOf(graph);
  const fold = index.byId.get(LEAVES);
  assert.ok(fold);
  stateBreakdown(graph, fold);
  const states = ["running", "failed", "resolved", "retrying", "created"];
  for (let update = 0; update < 30; update++) {
    const runs = [0, 1, 2].map((k) => {
      const id = `leaf${(update * 37 + k * 101) % 1_000}`;
      const old = graph.runs.get(id) as IGraphRun;
      return { ...old, state: states[(update + k) % states.length] as string };
    });
    // A state change of a run outside the fold, too: it counts for no fold.
    runs.push({
      ...(graph.runs.get("summarize") as IGraphRun),
      state: states[update % 5] as string,
    });
    graph = graph.withChanges({ runs });
    assert.equal(foldsOf(graph), index, "the same folds, not computed again");
    // Counted after each update: each count is the one before updated by the changed runs.
    const recount = RunGraphData.fromFlows("root", graph.runs.values(), graph.edges);
    const counts = stateBreakdown(graph, fold);
    assert.deepEqual(
      [...counts].sort(),
      [...stateBreakdown(recount, foldsOf(recount).byId.get(LEAVES) as typeof fold)].sort(),
      `after update ${update}`,
    );
    assert.ok(
      [...counts.values()].every((n) => n > 0),
      "no state counted zero times",
    );
  }
});

test("a bounded bundle's fold counts all its calls and their states, holding only the first", () => {
  const runs = [
    { id: "root", name: "scalePipe", state: "running", parentId: null },
    ...Array.from({ length: 10 }, (_, i) => ({
      id: `leaf${i}`,
      name: "leaf",
      state: "resolved",
      parentId: "root",
    })),
  ];
  const graph = RunGraphData.fromBundle({
    version: 1,
    rootId: "root",
    runs,
    edges: [],
    folds: [
      {
        parentId: "root",
        name: "leaf",
        count: 100_000,
        states: { resolved: 99_900, failed: 100 },
        cached: 0,
        retried: 0,
      },
    ],
    omittedRuns: 99_990,
  });
  const fold = foldsOf(graph).byId.get(LEAVES);
  assert.ok(fold, "10 calls held, but 100,000 counted: a fold");
  assert.equal(fold.members.length, 10);
  assert.equal(fold.count, 100_000);
  assert.equal(breakdownText(stateBreakdown(graph, fold)), "99,900 resolved · 100 failed");
  assert.equal(foldState(stateBreakdown(graph, fold)), "failed");
  const view = visibleGraph(graph, new Set());
  assert.deepEqual(view.children.get("root"), [LEAVES], "drawn as one box");
});
