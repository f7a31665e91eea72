import assert from "node:assert/strict";
import { test } from "node:test";
import { RecentIds } from "./recent-ids";

test("remembers at most its capacity, forgetting the oldest first", () => {
  const ids = new RecentIds(3);
  for (const id of ["a", "b", "c", "d", "e"]) ids.add(id);
  assert.equal(ids.size, 3);
  assert.deepEqual(
    ["a", "b", "c", "d", "e"].map((id) => ids.has(id)),
    [false, false, true, true, true],
  );
});

test("adding a remembered id again neither grows it nor forgets another", () => {
  const ids = new RecentIds(2);
  ids.add("a");
  ids.add("b");
  ids.add("a");
  assert.equal(ids.size, 2);
  assert.ok(ids.has("a") && ids.has("b"));
});
