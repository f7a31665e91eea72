import assert from "node:assert/strict";
import { test } from "node:test";

import { downsample } from "./downsample";
import type { IRunPoint } from "./series";

const run = (series: string, i: number, value: number): IRunPoint => ({
  rootId: `${series}-${i}`,
  series,
  x: i,
  value,
  state: "resolved",
});

test("a series within the bound is drawn whole", () => {
  const points = [run("a", 0, 1), run("a", 1, 2), run("b", 0, 3)];
  assert.deepEqual(downsample(points, 2), points);
});

test("a long series keeps at most the bound, its ends and its extremes, in order", () => {
  const values = Array.from({ length: 1000 }, (_, i) => Math.sin(i / 50));
  values[437] = 99; // an outlier
  values[612] = -99;
  const points = [
    ...values.map((v, i) => run("long", i, v)),
    ...[1, 2, 3].map((v, i) => run("short", i, v)),
  ];
  const drawn = downsample(points, 100);
  const long = drawn.filter((p) => p.series === "long");
  assert.ok(long.length <= 100, `${long.length} points`);
  assert.ok(long.length >= 50, `${long.length} points`);
  assert.equal(long[0]!.x, 0);
  assert.equal(long.at(-1)!.x, 999);
  assert.ok(long.some((p) => p.value === 99) && long.some((p) => p.value === -99));
  assert.deepEqual(
    long.map((p) => p.x),
    [...long.map((p) => p.x)].sort((a, b) => a - b),
  );
  assert.equal(drawn.filter((p) => p.series === "short").length, 3);
});
