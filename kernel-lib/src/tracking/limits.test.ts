import assert from "node:assert/strict";
import { test } from "node:test";
import { fittingCount } from "./limits";

test("a batch stops at the count limit, at the byte limit, and always holds at least one item", () => {
  const sizes = [10, 10, 10, 10, 10];
  assert.equal(
    fittingCount((i) => sizes[i]!, sizes.length, 3, 1_000),
    3,
    "by count",
  );
  assert.equal(
    fittingCount((i) => sizes[i]!, sizes.length, 100, 25),
    2,
    "by bytes",
  );
  assert.equal(
    fittingCount((i) => sizes[i]!, sizes.length, 100, 30),
    3,
    "bytes up to the limit",
  );
  assert.equal(
    fittingCount(() => 500, 4, 100, 25),
    1,
    "an item too large goes alone",
  );
  assert.equal(
    fittingCount((i) => sizes[i]!, 2, 100, 1_000),
    2,
    "no more than there are",
  );
});
