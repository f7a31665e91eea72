import assert from "node:assert/strict";
import { test } from "node:test";

import { firstPage, LIST_HEAD } from "./json-pages";

test("a long array opens on its first few items; the rest is a count", () => {
  assert.equal(firstPage("Array(100)", 100), LIST_HEAD);
  assert.equal(firstPage("Set(11)", 11), LIST_HEAD);
  assert.equal(firstPage("Float64Array(5000)", 5000), LIST_HEAD);
});

test("a short array and an object's keys open whole (an object up to a page)", () => {
  assert.equal(firstPage("Array(10)", 10), 10);
  assert.equal(firstPage("{12}", 12), 12);
  assert.equal(firstPage("Point {300}", 300), 200);
});
