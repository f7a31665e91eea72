import assert from "node:assert/strict";
import { test } from "node:test";
import type { RunViewBundle } from "./bundle";
import { bundleText, outputText, progressLine } from "./text";

function bundle(overrides: Partial<RunViewBundle> = {}): RunViewBundle {
  return {
    version: 1,
    rootId: "r1",
    stepName: "pipeline",
    mode: "local",
    serverUrl: "http://127.0.0.1:8470",
    state: "running",
    final: false,
    updatedAt: 2_000,
    progress: { total: 7, done: 3, running: 2, failed: 0, cached: 1 },
    runs: [
      {
        id: "r1",
        name: "pipeline",
        state: "running",
        parentId: null,
        attempt: 1,
        createdAt: 0,
        startedAt: 500,
        cached: false,
        inputs: {},
      },
    ],
    edges: [],
    ...overrides,
  };
}

test("the progress line says steps done / total, running, failures and where the run is tracked", () => {
  assert.equal(
    progressLine(bundle()),
    "tsematic ▸ pipeline: running · 3/7 steps done (1 cached) · 2 running · 0 failed · run r1 · server http://127.0.0.1:8470",
  );
  const done = bundle({
    state: "resolved",
    final: true,
    mode: "silent",
    serverUrl: null,
    progress: { total: 7, done: 7, running: 0, failed: 0, cached: 0 },
  });
  done.runs[0]!.endedAt = 1_740;
  assert.equal(
    progressLine(done),
    "tsematic ✔ pipeline: resolved in 1.24 s · 7/7 steps done · 0 failed · silent run (not tracked)",
  );
});

test("a table output prints as its shape, columns and first rows, a plot as its title and mark", () => {
  const table = outputText({
    artifactId: "a",
    typeName: "arrow.table",
    size: 10,
    summary: {
      numRows: 1000,
      schema: [
        { name: "x", type: "Float64", nullable: false },
        { name: "label", type: "Int32", nullable: false },
      ],
      rows: [
        [0.5, 1],
        [-1.2345678, 0],
      ],
    },
  });
  assert.equal(
    table,
    [
      "output: arrow.table · 1000 rows × 2 columns (x: Float64, label: Int32)",
      "  x       label",
      "  0.5     1",
      "  -1.235  0",
    ].join("\n"),
  );
  const plot = outputText({
    artifactId: "b",
    typeName: "plot.vega-lite",
    size: 10,
    summary: { title: "ROC", mark: "line", dataRows: 20 },
  });
  assert.equal(plot, 'output: plot.vega-lite · "ROC" · mark line · 20 data rows');
});

test("a failed run's text names the step, its path, the message and the user's frames", () => {
  const text = bundleText(
    bundle({
      state: "failed",
      final: true,
      progress: { total: 2, done: 2, running: 0, failed: 1, cached: 0 },
      error: {
        name: "Error",
        message: "diverged",
        stack: "Error: diverged\n    at train (evalmachine.<anonymous>:3:9)",
        stepName: "train",
        path: ["pipeline", "train"],
        runId: "r2",
      },
    }),
  );
  assert.match(text, /^tsematic ✖ pipeline: failed/);
  assert.match(
    text,
    /\nstep "train" failed \(pipeline > train\): Error: diverged\n {4}at train \(evalmachine/,
  );
});
