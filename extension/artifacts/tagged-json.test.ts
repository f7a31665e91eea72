import assert from "node:assert/strict";
import { test } from "node:test";

import { decodeTagged, type JsonNode } from "./tagged-json";

/** The tree as plain data: leaves as their text, branches as [label, {key: child}]. */
function plain(node: JsonNode): unknown {
  if (node.kind === "leaf") {
    return node.text;
  }
  return [node.label, Object.fromEntries(node.entries().map(([k, v]) => [k, plain(v)]))];
}

test("plain JSON shows as it is", () => {
  assert.deepEqual(plain(decodeTagged({ a: 1, b: ["x", true, null] })), [
    "{2}",
    { a: "1", b: ["Array(3)", { 0: '"x"', 1: "true", 2: "null" }] },
  ]);
});

test("tagged values show as the values they stand for, not as tag objects", () => {
  const value = {
    u: { $t: "undefined" },
    nan: { $t: "number", v: "NaN" },
    big: { $t: "bigint", v: "12" },
    when: { $t: "Date", v: "2024-01-02T03:04:05.006Z" },
    bad: { $t: "Date", v: null },
    map: { $t: "Map", v: [["k", 1]] },
    set: { $t: "Set", v: [1, 2] },
    bytes: { $t: "Float64Array", v: "AAAAAAAA8D8=" },
    escaped: { $t: "object", v: { $t: "not a tag" } },
    branded: { $t: "brand", b: "tsematic.plot", v: { spec: {} } },
  };
  assert.deepEqual(plain(decodeTagged(value)), [
    "{10}",
    {
      u: "undefined",
      nan: "NaN",
      big: "12n",
      when: "2024-01-02T03:04:05.006Z",
      bad: "Invalid Date",
      map: ["Map(1)", { '"k"': "1" }],
      set: ["Set(2)", { 0: "1", 1: "2" }],
      bytes: "Float64Array (8 bytes)",
      escaped: ["{1}", { $t: '"not a tag"' }],
      branded: ["tsematic.plot {1}", { spec: ["{0}", {}] }],
    },
  ]);
});

test("a large array's children are decoded only when asked for", () => {
  const node = decodeTagged(new Array(1_000_000).fill(0));
  assert.equal(node.kind, "branch");
  assert.equal(node.kind === "branch" && node.size, 1_000_000);
  assert.equal(node.kind === "branch" && node.label, "Array(1000000)");
});
