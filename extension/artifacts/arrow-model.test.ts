import assert from "node:assert/strict";
import { test } from "node:test";

import { ArrowDataModel, type IArrowChunk } from "./arrow-model";

/** A record batch as the model reads it: columns of plain arrays. */
function batch(columns: unknown[][]): IArrowChunk {
  return {
    numRows: columns[0]?.length ?? 0,
    getChildAt: (index) => {
      const column = columns[index];
      return column ? { get: (row: number) => column[row] } : null;
    },
  };
}

test("batches appended as the stream arrives grow the rows and announce the new ones", () => {
  const model = new ArrowDataModel([
    { name: "id", type: "Int32" },
    { name: "region", type: "Utf8" },
  ]);
  const added: Array<[number, number]> = [];
  model.rowsAdded.connect((_, { start, count }) => added.push([start, count]));
  model.append(
    batch([
      [0, 1],
      ["north", "south"],
    ]),
  );
  model.append(batch([[], []]));
  model.append(batch([[2], [null]]));
  assert.equal(model.numRows, 3);
  assert.equal(model.numColumns, 2);
  assert.deepEqual(added, [
    [0, 2],
    [2, 1],
  ]);
  assert.equal(model.data("body", 1, 1), "south");
  assert.equal(model.data("body", 2, 0), "2");
  assert.equal(model.data("body", 2, 1), "");
  assert.equal(model.data("body", 7, 0), "", "rows not received yet are empty");
  assert.equal(model.data("column-header", 0, 1), "region");
  assert.equal(model.data("row-header", 2, 0), "2");
  assert.equal(model.value(0, 0), 0);
});
