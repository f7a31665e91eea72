import assert from "node:assert/strict";
import * as path from "node:path";
import { test } from "node:test";
import { trimStack } from "./stack";

const lib = path.resolve(__dirname, "..");

test("trimStack keeps the message and the notebook's and user's frames only", () => {
  const stack = [
    "Error: diverged",
    "  while training",
    "    at train (evalmachine.<anonymous>:12:11)",
    `    at RunNode.execute (${lib}/runner/run-node.js:40:20)`,
    "    at async Promise.all (index 0)",
    "    at sigintHandlersWrap (node:vm:280:12)",
    "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
    "    at Object.execute (/work/x/node_modules/tslab/dist/executor.js:160:38)",
    "    at new Promise (<anonymous>)",
    "    at helper (/home/me/project/helpers.js:3:9)",
  ].join("\n");
  assert.equal(
    trimStack(stack),
    [
      "Error: diverged",
      "  while training",
      "    at train (evalmachine.<anonymous>:12:11)",
      "    at helper (/home/me/project/helpers.js:3:9)",
    ].join("\n"),
  );
});

test("trimStack keeps the first frame when no user frame is left, and accepts no stack", () => {
  const stack = `TypeError: x\n    at f (${lib}/a.js:1:1)\n    at g (node:internal/x:1:1)`;
  assert.equal(trimStack(stack), `TypeError: x\n    at f (${lib}/a.js:1:1)`);
  assert.equal(trimStack(undefined), "");
  assert.equal(trimStack("just a message"), "just a message");
});
