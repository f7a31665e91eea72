import assert from "node:assert/strict";
import { test } from "node:test";

import type { IMetric, IPipelineSeriesPage, IPipelineSeriesRun } from "./api";
import {
  acrossRuns,
  curvesOf,
  formatDuration,
  medianDuration,
  seriesName,
  successRate,
  timeline,
} from "./series";

const metric = (over: Partial<IMetric>): IMetric => ({
  runId: "s1",
  rootId: "r1",
  name: "loss",
  value: 1,
  step: null,
  labels: {},
  at: 1000,
  ...over,
});

/** A series page (as the server answers it) of runs r2 (newest) and r1. */
const page = (series: IPipelineSeriesPage["series"]): IPipelineSeriesPage => ({
  stepName: "train",
  runs: [
    { rootId: "r2", state: "failed", startedAt: 2000, endedAt: 2500, durationMs: 500 },
    { rootId: "r1", state: "resolved", startedAt: 1000, endedAt: 1200, durationMs: 200 },
  ],
  successRate: 0.5,
  count: 2,
  series,
  omittedSeries: 0,
  nextCursor: null,
});

test("a label set is one series, named by its sorted key=value pairs", () => {
  assert.equal(seriesName({}), "(no labels)");
  assert.equal(seriesName({ split: "val", model: "a" }), "model=a, split=val");
});

test("a metric across runs has one point per root run and label set, oldest run first", () => {
  const byName = acrossRuns(
    page([
      { name: "accuracy", labels: {}, runs: [1], values: [0.7] },
      { name: "loss", labels: { split: "train" }, runs: [0, 1], values: [0.4, 0.8] },
      { name: "loss", labels: { split: "val" }, runs: [0, 1], values: [0.5, 0.9] },
    ]),
  );
  assert.deepEqual([...byName.keys()], ["accuracy", "loss"]);
  assert.deepEqual(
    byName.get("loss")!.map((p) => [p.rootId, p.series, p.value, p.x, p.state]),
    [
      ["r1", "split=train", 0.8, 1000, "resolved"],
      ["r1", "split=val", 0.9, 1000, "resolved"],
      ["r2", "split=train", 0.4, 2000, "failed"],
      ["r2", "split=val", 0.5, 2000, "failed"],
    ],
  );
  assert.deepEqual(
    byName.get("accuracy")!.map((p) => [p.rootId, p.series]),
    [["r1", "(no labels)"]],
  );
});

test("a run's curves keep only the values logged with a step index, by series and step", () => {
  const metrics: IMetric[] = [
    metric({ step: 1, value: 2, labels: { split: "val" } }),
    metric({ step: 0, value: 3, labels: { split: "val" } }),
    metric({ step: 0, value: 4, labels: { split: "train" } }),
    metric({ step: null, value: 9 }),
  ];
  const curves = curvesOf(metrics);
  assert.deepEqual(
    curves.get("loss")!.map((p) => [p.series, p.step, p.value]),
    [
      ["split=train", 0, 4],
      ["split=val", 0, 3],
      ["split=val", 1, 2],
    ],
  );
});

test("the success rate is the resolved share of the ended runs; running ones do not count", () => {
  assert.equal(successRate([]), null);
  assert.equal(successRate([{ state: "running" }]), null);
  assert.equal(
    successRate([
      { state: "resolved" },
      { state: "failed" },
      { state: "resolved" },
      { state: "nested-failed" },
      { state: "running" },
    ]),
    0.5,
  );
  assert.equal(successRate([{ state: "resolved" }, { state: "canceled" }]), 0.5);
});

test("the runs over time are ordered by start; durations read as people read them", () => {
  const runs: IPipelineSeriesRun[] = [
    { rootId: "b", state: "running", startedAt: 20, endedAt: null, durationMs: null },
    { rootId: "a", state: "resolved", startedAt: 10, endedAt: 30, durationMs: 20 },
  ];
  assert.deepEqual(
    timeline(runs).map((p) => [p.rootId, p.durationMs]),
    [
      ["a", 20],
      ["b", null],
    ],
  );
  assert.equal(medianDuration(runs), 20);
  assert.equal(formatDuration(850), "850 ms");
  assert.equal(formatDuration(12_340), "12.3 s");
  assert.equal(formatDuration(245_000), "4 min 05 s");
  assert.equal(formatDuration(null), "—");
});
