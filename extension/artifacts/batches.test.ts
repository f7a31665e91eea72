import assert from "node:assert/strict";
import { test } from "node:test";

import { BatchIndex } from "./batches";

test("rows are found in the batch that holds them, whatever the order of lookups", () => {
  const index = new BatchIndex<{ numRows: number; name: string }>();
  index.append({ numRows: 3, name: "a" });
  index.append({ numRows: 0, name: "empty" });
  index.append({ numRows: 2, name: "b" });
  index.append({ numRows: 4, name: "c" });
  assert.equal(index.numRows, 9);
  const where = (row: number): string | null => {
    const found = index.locate(row);
    return found ? `${found.chunk.name}${found.row}` : null;
  };
  assert.deepEqual([8, 0, 3, 4, 2, 5, 5, 6].map(where), [
    "c3",
    "a0",
    "b0",
    "b1",
    "a2",
    "c0",
    "c0",
    "c1",
  ]);
  assert.equal(where(9), null);
  assert.equal(where(-1), null);
});

// How fast is for bench/, never a timed test: this one proves every row of a large table is found
// where it is, in reading order (the last batch found is tried first) and backwards (binary search).
test("a million rows in 16 batches: every row is found in its batch, forwards and backwards", () => {
  const index = new BatchIndex<{ numRows: number; batch: number }>();
  for (let i = 0; i < 16; i++) {
    index.append({ numRows: 62_500, batch: i });
  }
  const misplaced: number[] = [];
  const check = (row: number): void => {
    const found = index.locate(row);
    if (found?.chunk.batch !== Math.floor(row / 62_500) || found.row !== row % 62_500) {
      misplaced.push(row);
    }
  };
  for (let row = 0; row < 1_000_000; row++) {
    check(row);
  }
  for (let row = 999_999; row >= 0; row -= 7) {
    check(row);
  }
  assert.deepEqual(misplaced.slice(0, 5), []);
  assert.equal(index.locate(1_000_000), null);
});
