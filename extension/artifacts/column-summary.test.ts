import assert from "node:assert/strict";
import { test } from "node:test";

import { describeColumn } from "./column-summary";

test("a numeric column reads as its min, max and mean", () => {
  assert.equal(
    describeColumn({ name: "x", kind: "numeric", nullCount: 2, min: 0.5, max: 9.5, mean: 1 / 3 }),
    "min 0.5 · max 9.5 · mean 0.333333",
  );
});

test("a string column names its distinct count and its most frequent values, not their JSON", () => {
  const text = describeColumn({
    kind: "string",
    nullCount: 0,
    distinctCount: 7,
    topValues: ["east", "north", "south", "west", null, "up"].map((value, i) => ({
      value,
      count: 100 - i,
    })),
    sampled: false,
    sampleSize: 300,
  });
  assert.equal(
    text,
    "7 distinct · top: east (100), north (99), south (98), west (97), null (96), …",
  );
  assert.doesNotMatch(text, /[{}"]|sampleSize/);
});

test("a sampled string column says its distinct count comes from the sample", () => {
  assert.equal(
    describeColumn({
      kind: "string",
      distinctCount: 40,
      topValues: [],
      sampled: true,
      sampleSize: 65536,
    }),
    "40 distinct in a sample of 65536 rows",
  );
});

test("booleans read as true and false counts; unknown statistics are kept", () => {
  assert.equal(
    describeColumn({ kind: "boolean", trueCount: 3, falseCount: 1, skew: { a: 1 } }),
    '3 true · 1 false · skew: {"a":1}',
  );
  assert.equal(describeColumn({ kind: "other", nullCount: 0 }), "");
});
