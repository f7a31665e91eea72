import assert from "node:assert/strict";
import { tableFromArrays } from "apache-arrow";
import { test } from "node:test";
import { tableText } from "./inspect";

test("a table prints as its shape, schema and first rows", () => {
  const table = tableFromArrays({
    x: Float64Array.from([0.5, 1.25, 2, 3, 4, 5, 6]),
    name: ["a", "b", "c", "d", "e", "f", "g"],
  });
  const text = tableText(table, 2);
  assert.equal(
    text,
    [
      "Table: 7 rows × 2 columns (x: Float64, name: Dictionary<Int32, Utf8>)",
      " x     name",
      " 0.5   a   ",
      " 1.25  b   ",
      " … 5 more rows",
    ].join("\n"),
  );
});
