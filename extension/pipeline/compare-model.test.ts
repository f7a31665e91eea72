import assert from "node:assert/strict";
import { test } from "node:test";

import type { IArtifact } from "../step/api";
import type { IGraphRunRecord, IRootGraph } from "./api";
import { compareRuns, schemaChanges, tableShape } from "./compare-model";

const run = (
  id: string,
  stepName: string,
  sourceHash: string,
  createdAt: number,
  parentId: string | null,
): IGraphRunRecord => ({
  id,
  rootId: parentId ?? id,
  parentId,
  stepName,
  state: "resolved",
  attempt: 1,
  sourceHash,
  version: null,
  parameters: [],
  cache: true,
  tags: [],
  resources: {},
  createdAt,
  startedAt: createdAt,
  endedAt: createdAt + 1,
  cacheKey: null,
  originalRunId: null,
  error: null,
});
const json = (id: string, preview: string): IArtifact => ({
  id,
  typeName: "json",
  mediaType: "application/json",
  size: 1,
  summary: { preview },
});
const table = (id: string, rows: number, columns: Array<[string, string]>): IArtifact => ({
  id,
  typeName: "arrow.table",
  mediaType: "application/vnd.apache.arrow.stream",
  size: 1,
  summary: {
    numRows: rows,
    schema: columns.map(([name, type]) => ({ name, type, nullable: true })),
  },
});

/** A root `train(lr, n)` with two `fit` steps and a `load` step. */
function graph(root: string, lr: IArtifact, fitHash: string, rows: number): IRootGraph {
  const n = json("n", "10");
  const data = table(`data-${rows}`, rows, [["x", "Float64"]]);
  const out = json(`out-${lr.id}`, "{}");
  return {
    root: {
      rootId: root,
      mode: "local",
      status: "finished",
      environment: {
        nodeVersion: "v22",
        platform: "linux",
        lockfileHash: null,
        gitCommit: null,
        notebookPath: null,
        hostname: null,
      },
      createdAt: 0,
      lastHeartbeatAt: 0,
      cancelRequested: false,
      rerunOf: null,
    },
    flows: [],
    flowsRecorded: true,
    runs: [
      run(root, "train", "h-train", 0, null),
      run(`${root}-load`, "load", "h-load", 1, root),
      run(`${root}-fit1`, "fit", fitHash, 2, root),
      run(`${root}-fit2`, "fit", fitHash, 3, root),
    ],
    edges: [
      { runId: root, direction: "input", name: "lr", artifactId: lr.id },
      { runId: root, direction: "input", name: "n", artifactId: n.id },
      { runId: `${root}-load`, direction: "output", name: "output", artifactId: data.id },
      { runId: `${root}-fit2`, direction: "output", name: "output", artifactId: out.id },
      { runId: root, direction: "output", name: "output", artifactId: out.id },
    ],
    artifacts: [lr, n, data, out],
  };
}

test("comparing two runs lists every input with the changed ones marked, changed outputs and changed code", () => {
  const before = graph("a", json("lr1", "0.1"), "h-fit", 100);
  const after = graph("b", json("lr2", "0.2"), "h-fit-2", 120);
  const diff = compareRuns(
    { rootId: "a", graph: before, metrics: [] },
    { rootId: "b", graph: after, metrics: [] },
  );
  assert.deepEqual(
    diff.inputs.map((p) => [p.name, p.changed]),
    [
      ["lr", true],
      ["n", false],
    ],
  );
  assert.deepEqual(
    diff.outputs.map((p) => [p.stepName, p.runIds]),
    [
      ["train", ["a", "b"]],
      ["load", ["a-load", "b-load"]],
      ["fit", ["a-fit2", "b-fit2"]],
    ],
  );
  // Steps of one name pair by rank: both fits changed their source.
  assert.deepEqual(
    diff.code.map((c) => [c.stepName, c.before?.id, c.after?.id]),
    [
      ["fit", "a-fit1", "b-fit1"],
      ["fit", "a-fit2", "b-fit2"],
    ],
  );
});

test("a step that ran in one run only is a code change with one side", () => {
  const before = graph("a", json("lr1", "0.1"), "h-fit", 100);
  const after = graph("b", json("lr1", "0.1"), "h-fit", 100);
  const extra = { ...after, runs: [...after.runs, run("b-eval", "evaluate", "h-eval", 9, "b")] };
  const diff = compareRuns(
    { rootId: "a", graph: before, metrics: [] },
    { rootId: "b", graph: extra, metrics: [] },
  );
  assert.deepEqual(
    diff.code.map((c) => [c.stepName, c.before, c.after?.id]),
    [["evaluate", null, "b-eval"]],
  );
  assert.deepEqual(diff.outputs, []);
});

test("metrics compare by name and label set, with each run's last value", () => {
  const g = graph("a", json("lr1", "0.1"), "h", 1);
  const m = (rootId: string, name: string, value: number, labels: Record<string, string> = {}) => ({
    runId: rootId,
    rootId,
    name,
    value,
    step: null,
    labels,
    at: 0,
  });
  const diff = compareRuns(
    {
      rootId: "a",
      graph: g,
      metrics: [m("a", "loss", 3), m("a", "loss", 2), m("a", "acc", 0.5, { split: "val" })],
    },
    { rootId: "b", graph: { ...g, runs: [] }, metrics: [m("b", "loss", 1)] },
  );
  assert.deepEqual(
    diff.metrics.map((x) => [x.name, x.series, x.before, x.after]),
    [
      ["acc", "split=val", 0.5, null],
      ["loss", "(no labels)", 2, 1],
    ],
  );
});

test("a table's shape comes from its summary; schema changes name added, dropped and retyped columns", () => {
  const a = tableShape(
    table("t1", 100, [
      ["x", "Float64"],
      ["y", "Utf8"],
      ["z", "Int32"],
    ]),
  );
  const b = tableShape(
    table("t2", 120, [
      ["x", "Float64"],
      ["y", "Int32"],
      ["w", "Bool"],
    ]),
  );
  assert.equal(a.rows, 100);
  assert.deepEqual(schemaChanges(a, b), [
    { name: "y", before: "Utf8", after: "Int32" },
    { name: "z", before: "Int32", after: null },
    { name: "w", before: null, after: "Bool" },
  ]);
});
