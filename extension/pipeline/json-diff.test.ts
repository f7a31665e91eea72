import assert from "node:assert/strict";
import { test } from "node:test";

import { jsonDiff, shortJson } from "./json-diff";

test("a structural JSON diff lists added, removed and changed paths, not text differences", () => {
  const diff = jsonDiff(
    { lr: 0.1, layers: [64, 32], name: "a", nested: { keep: true, drop: 1 } },
    { nested: { keep: true }, name: "a", layers: [64], lr: 0.2, seed: 1 },
  );
  assert.deepEqual(diff.changes, [
    { path: "$.layers[1]", kind: "removed", before: 32 },
    { path: "$.lr", kind: "changed", before: 0.1, after: 0.2 },
    { path: "$.nested.drop", kind: "removed", before: 1 },
    { path: "$.seed", kind: "added", after: 1 },
  ]);
  assert.equal(diff.truncated, 0);
});

test("key order and equal values make no difference; a changed type is one change", () => {
  assert.deepEqual(
    jsonDiff({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 }).changes,
    [],
  );
  assert.deepEqual(jsonDiff({ a: [1] }, { a: { 0: 1 } }).changes, [
    { path: "$.a", kind: "changed", before: [1], after: { 0: 1 } },
  ]);
  assert.deepEqual(jsonDiff(1, "1").changes, [
    { path: "$", kind: "changed", before: 1, after: "1" },
  ]);
});

test("odd keys are quoted in paths, and long diffs are cut with a count of the rest", () => {
  assert.deepEqual(jsonDiff({ "a b": 1 }, { "a b": 2 }).changes[0]!.path, '$["a b"]');
  const many = jsonDiff(
    Array.from({ length: 10 }, (_, i) => i),
    Array.from({ length: 10 }, (_, i) => i + 1),
    3,
  );
  assert.equal(many.changes.length, 3);
  assert.equal(many.truncated, 7);
  assert.equal(shortJson("x".repeat(100), 10), '"xxxxxxxx…');
});
