import assert from "node:assert/strict";
import { test } from "node:test";

import { stillRunningRuns, stillRunningSteps } from "./still-running-steps";

test("the steps whose code still runs are read from the bundle, each once; anything else reads none", () => {
  assert.deepEqual(
    stillRunningSteps({
      stillRunning: [
        { runId: "a", stepName: "train" },
        { runId: "b", stepName: "train" },
        { runId: "c", stepName: "load" },
      ],
    }),
    ["train", "load"],
  );
  assert.deepEqual(stillRunningSteps({ rootId: "r" }), []);
  assert.deepEqual(stillRunningSteps({ stillRunning: [{ runId: 1 }, null] }), []);
  assert.deepEqual(stillRunningSteps({ stillRunning: [{ stepName: "train" }] }), []);
  assert.deepEqual(stillRunningSteps(null), []);
});

test("the still-running runs keep their run ids, and leave out entries without one", () => {
  assert.deepEqual(
    stillRunningRuns({
      stillRunning: [{ runId: "a", stepName: "train" }, { stepName: "load" }, "b"],
    }),
    [{ runId: "a", stepName: "train" }],
  );
  assert.deepEqual(stillRunningRuns({ stillRunning: "a" }), []);
});
