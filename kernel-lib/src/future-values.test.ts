import assert from "node:assert/strict";
import { test } from "node:test";
import { func } from "./index";
import { collectFutures, replaceFutures } from "./future-values";
import type { Future } from "./future";

const leaf = func(function leaf(x: number) {
  return x;
});

test("replaceFutures puts each value where collectFutures found its future, at any depth", () => {
  const a = leaf(1);
  const b = leaf(2);
  const nested = Object.assign(Object.create(null) as object, { c: a });
  const value = { first: a, list: [7, b, [a]], "odd key": nested, plain: "text" };
  const found: Future<unknown>[] = [];
  collectFutures(value, found);
  assert.deepEqual(found, [a, b, a, a]);
  const replaced = replaceFutures(value, ["A", "B", "A2", "A3"]) as Record<string, unknown>;
  assert.deepEqual(replaced, {
    first: "A",
    list: [7, "B", ["A2"]],
    "odd key": Object.assign(Object.create(null) as object, { c: "A3" }),
    plain: "text",
  });
  assert.equal(Object.getPrototypeOf(replaced["odd key"]), null);
  // The caller's value is left as it was: only copies hold the values.
  assert.equal(value.list[1], b);
});

test("replaceFutures keeps class instances (no futures are looked for inside them)", () => {
  const date = new Date(0);
  assert.equal((replaceFutures([date], []) as unknown[])[0], date);
});
