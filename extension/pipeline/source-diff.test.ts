import assert from "node:assert/strict";
import { test } from "node:test";

import { hasChanges, MAX_DIFF_CELLS, sourceDiff } from "./source-diff";

test("a source diff keeps the common lines and marks removed and added ones in order", () => {
  const before = ["function train(lr) {", "  const model = fit(lr);", "  return model;", "}"].join(
    "\n",
  );
  const after = [
    "function train(lr) {",
    "  const model = fit(lr * 2);",
    "  log(model);",
    "  return model;",
    "}",
  ].join("\n");
  assert.deepEqual(sourceDiff(before, after), [
    { kind: "same", text: "function train(lr) {" },
    { kind: "removed", text: "  const model = fit(lr);" },
    { kind: "added", text: "  const model = fit(lr * 2);" },
    { kind: "added", text: "  log(model);" },
    { kind: "same", text: "  return model;" },
    { kind: "same", text: "}" },
  ]);
});

test("equal sources have no changes; a line moved in the middle is found by the LCS", () => {
  assert.equal(hasChanges(sourceDiff("a\nb", "a\nb")), false);
  const diff = sourceDiff("x\na\nb\nc\ny", "x\nb\nc\na\ny");
  assert.deepEqual(
    diff.map((line) => `${line.kind[0]}${line.text}`),
    ["sx", "ra", "sb", "sc", "aa", "sy"],
  );
});

test("sources too long for the LCS show as all removed then all added, not a hang", () => {
  const lines = Math.ceil(Math.sqrt(MAX_DIFF_CELLS)) + 1;
  const before = Array.from({ length: lines }, (_, i) => `a${i}`).join("\n");
  const after = Array.from({ length: lines }, (_, i) => `b${i}`).join("\n");
  const diff = sourceDiff(before, after);
  assert.equal(diff.length, 2 * lines);
  assert.equal(diff[0]!.kind, "removed");
  assert.equal(diff[lines]!.kind, "added");
});
