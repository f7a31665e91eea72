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

test("a million rows in 16 batches: a lookup per cell stays cheap", () => {
  const index = new BatchIndex<{ numRows: number }>();
  for (let i = 0; i < 16; i++) {
    index.append({ numRows: 62_500 });
  }
  const started = performance.now();
  let sum = 0;
  for (let row = 0; row < 1_000_000; row += 7) {
    sum += index.locate(row)!.row;
  }
  assert.ok(sum > 0);
  assert.ok(performance.now() - started < 500, "142,858 lookups took over 500 ms");
});
