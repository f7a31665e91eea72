import assert from "node:assert/strict";
import { test } from "node:test";

import { LayoutCache, layoutKey } from "./cache";
import { type ILayout, quickLayout, visibleGraph } from "./layout";
import { type IGraphRun, RunGraphData } from "./model";

/** A root, a group of three runs, and a run after the group. */
function graph(states: string, extraRun = false): RunGraphData {
  const runs: IGraphRun[] = [
    { id: "r", parentId: null, name: "pipeline", state: states },
    { id: "g", parentId: "r", name: "group", state: states },
    { id: "a", parentId: "g", name: "a", state: states },
    { id: "b", parentId: "g", name: "b", state: states },
    { id: "c", parentId: "g", name: "c", state: states },
    { id: "after", parentId: "r", name: "after", state: states },
  ];
  if (extraRun) {
    runs.push({ id: "late", parentId: "r", name: "late", state: states });
  }
  return new RunGraphData("r", new Map(runs.map((run) => [run.id, run])), [
    { from: "c", to: "after", kind: "future" },
  ]);
}

function layout(engine: string): ILayout {
  return { boxes: new Map(), edges: [], width: 0, height: 0, engine };
}

test("a layout key ignores run states and names, not runs, edges or collapsed groups", () => {
  const open = layoutKey(visibleGraph(graph("running"), new Set()));
  assert.equal(layoutKey(visibleGraph(graph("resolved"), new Set())), open);
  assert.notEqual(layoutKey(visibleGraph(graph("running", true), new Set())), open);
  assert.notEqual(layoutKey(visibleGraph(graph("running"), new Set(["g"]))), open);
  const withoutEdge = graph("running");
  const other = new RunGraphData("r", withoutEdge.runs, []);
  assert.notEqual(layoutKey(visibleGraph(other, new Set())), open);
});

test("a layout key does not depend on the order groups were collapsed in", () => {
  const data = graph("running");
  assert.equal(
    layoutKey(visibleGraph(data, new Set(["g", "r"]))),
    layoutKey(visibleGraph(data, new Set(["r", "g"]))),
  );
});

test("the same shape drawn again finds its layout; another shape does not", () => {
  const cache = new LayoutCache(4);
  const view = visibleGraph(graph("running"), new Set());
  const stored = quickLayout(view);
  cache.set(layoutKey(view), stored);
  assert.equal(cache.get(layoutKey(visibleGraph(graph("resolved"), new Set()))), stored);
  assert.equal(cache.get(layoutKey(visibleGraph(graph("running"), new Set(["g"])))), undefined);
});

test("the layout cache forgets the least recently used layout beyond its capacity", () => {
  const cache = new LayoutCache(2);
  cache.set("one", layout("1"));
  cache.set("two", layout("2"));
  assert.equal(cache.get("one")?.engine, "1"); // now "two" is the least recently used
  cache.set("three", layout("3"));
  assert.equal(cache.size, 2);
  assert.equal(cache.get("two"), undefined);
  assert.equal(cache.get("one")?.engine, "1");
  assert.equal(cache.get("three")?.engine, "3");
});
