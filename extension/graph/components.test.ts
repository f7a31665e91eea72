import assert from "node:assert/strict";
import { test } from "node:test";

import { componentShape, connectedComponents, packRows, rowWidthFor } from "./components";

test("connected components come in the order of their first member, members in the given order", () => {
  const ids = ["a", "b", "c", "d", "e"];
  const links = [
    { from: "d", to: "b" },
    { from: "e", to: "a" },
    { from: "a", to: "outside" },
  ];
  assert.deepEqual(connectedComponents(ids, links), [["a", "e"], ["b", "d"], ["c"]]);
});

test("components built alike have one shape; other sizes or links make another", () => {
  const sizes = new Map(
    ["a0", "a1", "b0", "b1", "w"].map((id) => [id, { width: id === "w" ? 240 : 168, height: 30 }]),
  );
  const chain = (x: string, y: string) => [{ from: x, to: y }];
  const a = componentShape(["a0", "a1"], sizes, chain("a0", "a1"));
  assert.equal(
    a,
    componentShape(["b0", "b1"], sizes, [...chain("b0", "b1"), ...chain("b0", "b1")]),
  );
  assert.notEqual(a, componentShape(["b0", "b1"], sizes, chain("b1", "b0")));
  assert.notEqual(a, componentShape(["a0", "w"], sizes, chain("a0", "w")));
});

test("rows are packed left to right and wrap before the maximum width; a wide box has its own row", () => {
  const box = { width: 100, height: 30 };
  const packed = packRows([box, box, { width: 500, height: 10 }, box], 250, 16, 36);
  assert.deepEqual(packed.at, [
    { x: 0, y: 0 },
    { x: 116, y: 0 },
    { x: 0, y: 66 },
    { x: 0, y: 112 },
  ]);
  assert.equal(packed.width, 500);
  assert.equal(packed.height, 142);
});

test("the row width makes many components about 1.6 times as wide as tall, and fits the widest", () => {
  const many = Array.from({ length: 1_000 }, () => ({ width: 100, height: 100 }));
  assert.equal(Math.round(rowWidthFor(many, 0)), Math.round(Math.sqrt(1_000 * 100 * 100 * 1.6)));
  assert.equal(rowWidthFor([{ width: 3_000, height: 10 }], 1_400), 3_000);
  assert.equal(rowWidthFor([], 1_400), 1_400);
});
