import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { StepFailedError } from "../errors";
import { errorInfoOf } from "./error-info";

const lib = path.resolve(__dirname, "..");

test("the recorded stack keeps the user's frames only, as the cell shows it (step panel, tsematic show)", () => {
  const cause = new Error("diverged");
  cause.stack = [
    "Error: diverged",
    "    at train (/home/me/project/train.js:6:11)",
    `    at RunNode.execute (${lib}/runner/run-node.js:40:20)`,
    "    at async Promise.all (index 0)",
    "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
  ].join("\n");
  const where = { stepName: "train", path: ["p", "train"], runId: "r1" };
  const failed = new StepFailedError("train", ["p", "train"], "r1", cause);
  for (const info of [errorInfoOf(failed, where), errorInfoOf(cause, where)]) {
    assert.equal(info.stack, "Error: diverged\n    at train (/home/me/project/train.js:6:11)");
  }
});
