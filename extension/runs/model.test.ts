import assert from "node:assert/strict";
import { test } from "node:test";

import type { IRunSummary } from "../client";
import { matchesFilter } from "./model";

const run: IRunSummary = {
  id: "r1",
  name: "trainPipeline",
  state: "resolved",
  rootId: "r1",
  parentId: null,
  tags: ["nightly", "gpu"],
  createdAt: null,
};
const none = { name: "", state: "", tag: "" };

test("the runs filter matches part of the pipeline name in any case, the state, and a tag", () => {
  assert.equal(matchesFilter(run, none), true);
  assert.equal(matchesFilter(run, { ...none, name: "TRAIN" }), true);
  assert.equal(matchesFilter(run, { ...none, name: "eval" }), false);
  assert.equal(matchesFilter(run, { ...none, state: "resolved" }), true);
  assert.equal(matchesFilter(run, { ...none, state: "failed" }), false);
  assert.equal(matchesFilter(run, { ...none, tag: "#gpu" }), true);
  assert.equal(matchesFilter(run, { ...none, tag: "cpu" }), false);
});
