import assert from "node:assert/strict";
import { test } from "node:test";

import type { IMetric, IPipelineMetric, IPipelineRun } from "./api";
import {
  acrossRuns,
  curvesOf,
  formatDuration,
  medianDuration,
  seriesName,
  successRate,
  timeline,
} from "./series";

const metric = (over: Partial<IPipelineMetric>): IPipelineMetric => ({
  runId: "s1",
  rootId: "r1",
  name: "loss",
  value: 1,
  step: null,
  labels: {},
  at: 1000,
  rootState: "resolved",
  rootStartedAt: 500,
  ...over,
});

test("a label set is one series, named by its sorted key=value pairs", () => {
  assert.equal(seriesName({}), "(no labels)");
  assert.equal(seriesName({ split: "val", model: "a" }), "model=a, split=val");
});

test("a metric across runs has one point per root run and label set, oldest run first", () => {
  const byName = acrossRuns([
    // The listing gives the newest root first.
    metric({ rootId: "r2", rootStartedAt: 2000, value: 0.5, labels: { split: "val" }, at: 2100 }),
    metric({ rootId: "r2", rootStartedAt: 2000, value: 0.4, labels: { split: "train" }, at: 2100 }),
    metric({ rootId: "r1", rootStartedAt: 1000, value: 0.9, labels: { split: "val" }, at: 1100 }),
    metric({ rootId: "r1", rootStartedAt: 1000, value: 0.8, labels: { split: "train" }, at: 1100 }),
    metric({ rootId: "r1", name: "accuracy", rootStartedAt: 1000, value: 0.7, at: 1100 }),
  ]);
  assert.deepEqual([...byName.keys()], ["accuracy", "loss"]);
  const loss = byName.get("loss")!;
  assert.deepEqual(
    loss.map((p) => [p.rootId, p.series, p.value, p.x]),
    [
      ["r1", "split=train", 0.8, 1000],
      ["r1", "split=val", 0.9, 1000],
      ["r2", "split=train", 0.4, 2000],
      ["r2", "split=val", 0.5, 2000],
    ],
  );
  assert.deepEqual(new Set(loss.map((p) => p.series)).size, 2);
});

test("a run that logged a metric several times counts with its last value (a curve's final one)", () => {
  const byName = acrossRuns([
    metric({ step: 0, value: 3, at: 10 }),
    metric({ step: 1, value: 2, at: 20 }),
    metric({ step: 2, value: 1, at: 20 }),
  ]);
  assert.deepEqual(
    byName.get("loss")!.map((p) => p.value),
    [1],
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

test("the runs over time leave out runs that never started; durations read as people read them", () => {
  const run = { mode: "local", executor: null };
  const runs: IPipelineRun[] = [
    { ...run, rootId: "b", state: "running", startedAt: 20, endedAt: null, durationMs: null },
    { ...run, rootId: "a", state: "resolved", startedAt: 10, endedAt: 30, durationMs: 20 },
    // Off the contract (PipelineRun.startedAt is never null: the server sends the creation time
    // of a run that never started): kept to show the timeline does not draw such a point.
    {
      ...run,
      rootId: "c",
      state: "created",
      startedAt: null as unknown as number,
      endedAt: null,
      durationMs: null,
    },
  ];
  assert.deepEqual(
    timeline(runs).map((p) => p.rootId),
    ["a", "b"],
  );
  assert.equal(medianDuration(runs), 20);
  assert.equal(formatDuration(850), "850 ms");
  assert.equal(formatDuration(12_340), "12.3 s");
  assert.equal(formatDuration(245_000), "4 min 05 s");
  assert.equal(formatDuration(null), "—");
});
