import assert from "node:assert/strict";
import { test } from "node:test";

import type { IRunSummary } from "../client";
import { runFacts } from "./facts";

const run: IRunSummary = {
  id: "r1",
  name: "pipeline",
  state: "resolved",
  rootId: "r1",
  parentId: null,
  tags: ["nightly", "gpu"],
  createdAt: 0,
  startedAt: 1000,
  endedAt: 3300,
  summary: {
    steps: 9,
    cached: 2,
    failed: 1,
    inputs: [
      { name: "n", preview: "20" },
      { name: "lrs", preview: "[0.1,0.01]" },
    ],
  },
};

test("a run's row tells it apart: duration, steps, cache hits, failures, tags and first inputs", () => {
  assert.deepEqual(runFacts(run, 10_000), {
    duration: "2.3 s",
    counts: "9 steps · 2 cached · 1 failed",
    tags: "#nightly #gpu",
    inputs: "n=20, lrs=[0.1,0.01]",
  });
});

test("a running run's duration is so far; zero counts and a missing summary say nothing", () => {
  const running = {
    ...run,
    endedAt: null,
    tags: [],
    summary: { ...run.summary!, cached: 0, failed: 0, inputs: [] },
  };
  assert.deepEqual(runFacts(running, 126_000), {
    duration: "2 min 5 s so far",
    counts: "9 steps",
    tags: "",
    inputs: "",
  });
  const bare: IRunSummary = { ...run, startedAt: null, summary: undefined, tags: [] };
  assert.deepEqual(runFacts(bare, 0), { duration: "", counts: "", tags: "", inputs: "" });
});
