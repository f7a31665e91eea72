import assert from "node:assert/strict";
import { test } from "node:test";

import { RunGraphData } from "./model";

const run = (id: string, parentId: string | null, state = "resolved") => ({
  id,
  parentId,
  name: id,
  state,
});

test("a data edge goes from the run that outputs an artifact to the run that inputs it", () => {
  const graph = RunGraphData.fromPorts(
    "root",
    [run("root", null), run("load", "root"), run("train", "root")],
    [
      { runId: "load", direction: "output", artifactId: "a" },
      { runId: "train", direction: "input", artifactId: "a" },
    ],
  );
  assert.deepEqual(graph.edges, [{ from: "load", to: "train" }]);
  assert.deepEqual(graph.children.get("root"), ["load", "train"]);
});

test("an artifact returned up the nesting gives one edge, from the outermost producer", () => {
  // `inner` returns the output of its child `leaf`; `next`, a sibling of `inner`, reads it.
  const graph = RunGraphData.fromPorts(
    "root",
    [run("root", null), run("inner", "root"), run("leaf", "inner"), run("next", "root")],
    [
      { runId: "leaf", direction: "output", artifactId: "a" },
      { runId: "inner", direction: "output", artifactId: "a" },
      { runId: "next", direction: "input", artifactId: "a" },
    ],
  );
  assert.deepEqual(graph.edges, [{ from: "inner", to: "next" }]);
});

test("a parent's input passed to its child is no edge from the parent", () => {
  const graph = RunGraphData.fromPorts(
    "root",
    [run("root", null), run("make", "root"), run("inner", "root"), run("leaf", "inner")],
    [
      { runId: "make", direction: "output", artifactId: "a" },
      { runId: "inner", direction: "input", artifactId: "a" },
      { runId: "leaf", direction: "input", artifactId: "a" },
    ],
  );
  assert.deepEqual(graph.edges.map((e) => `${e.from}>${e.to}`).sort(), ["make>inner", "make>leaf"]);
});

test("the shape key ignores states, so a state change never lays the graph out again", () => {
  const a = RunGraphData.fromPorts("r", [run("r", null, "running"), run("s", "r", "running")], []);
  const b = RunGraphData.fromPorts("r", [run("r", null, "resolved"), run("s", "r", "failed")], []);
  const c = RunGraphData.fromPorts("r", [run("r", null), run("s", "r"), run("t", "r")], []);
  assert.equal(a.shapeKey, b.shapeKey);
  assert.notEqual(a.shapeKey, c.shapeKey);
});

test("the notebook bundle's snapshot becomes the same graph", () => {
  const graph = RunGraphData.fromBundle({
    version: 1,
    rootId: "r",
    runs: [
      { id: "r", name: "pipeline", state: "failed", parentId: null },
      { id: "s", name: "step", state: "failed", parentId: "r" },
    ],
    edges: [
      { from: "s", to: "missing" },
      { from: "r", to: "s" },
    ],
  });
  assert.equal(graph.runs.get("s")?.state, "failed");
  assert.deepEqual(graph.edges, [{ from: "r", to: "s" }]);
  assert.equal(graph.descendantCount("r"), 1);
});
