import assert from "node:assert/strict";
import { test } from "node:test";

import {
  ColumnLayout,
  columnWidth,
  type IColumnSource,
  isNumeric,
  MAX_COLUMN_CHARS,
  MIN_COLUMN_CHARS,
  rowNumberWidth,
  summaryTexts,
} from "./grid-columns";

test("a column is as wide as its longest text or its header, within bounds", () => {
  assert.equal(columnWidth("amount", ["1", "12.5"]), 8);
  assert.equal(columnWidth("id", ["123456789012"]), 12);
  assert.equal(columnWidth("", []), MIN_COLUMN_CHARS);
  assert.equal(columnWidth("x", ["a".repeat(500)]), MAX_COLUMN_CHARS);
});

test("numbers and bigints align right; text, or nothing but nulls, aligns left", () => {
  assert.equal(isNumeric([null, 1, 2.5]), true);
  assert.equal(isNumeric([3n, undefined]), true);
  assert.equal(isNumeric([1, "north"]), false);
  assert.equal(isNumeric([null, null]), false);
  assert.equal(isNumeric([]), false);
});

test("row numbers get the digits of the last row number", () => {
  assert.equal(rowNumberWidth(0), 3);
  assert.equal(rowNumberWidth(300), 3);
  assert.equal(rowNumberWidth(1001), 4);
  assert.equal(rowNumberWidth(1_000_000), 6);
});

/** Rows as the layout reads them: `ids` in the first column, `names` in the second. */
function source(ids: number[], names: string[]): IColumnSource {
  const columns: unknown[][] = [ids, names];
  return {
    numColumns: 2,
    data: (region, row, column) =>
      region === "column-header" ? ["id", "name"][column]! : String(columns[column]![row] ?? ""),
    value: (row, column) => columns[column]![row] ?? null,
  };
}

test("columns widen as batches with longer text arrive, and never narrow", () => {
  const ids = Array.from({ length: 1000 }, (_, i) => i * 1000);
  const names = ids.map(() => "ab");
  const rows = source(ids, names);
  const columns = new ColumnLayout();
  columns.fit(rows, 0, 100); // ids up to 99,000: 5 characters
  assert.deepEqual(columns.numeric, [true, false]);
  assert.equal(columns.template(100), "calc(3ch + 13px) calc(5ch + 13px) calc(6ch + 13px)");
  columns.fit(rows, 100, 1000); // its last row: 999,000
  assert.equal(columns.template(1000), "calc(3ch + 13px) calc(6ch + 13px) calc(6ch + 13px)");
  columns.fit(source([1], ["x"]), 1000, 1001); // shorter text: no change
  assert.match(columns.template(1001), /^calc\(4ch \+ 13px\) calc\(6ch/);
});

test("a dragged column keeps its width until it is fitted again", () => {
  const columns = new ColumnLayout();
  columns.fit(source([1, 2], ["north", "south"]), 0, 2);
  columns.drag(1, 180.4);
  columns.drag(0, 3);
  assert.equal(columns.template(2), "calc(3ch + 13px) 24px 180px");
  columns.fit(source([1, 2, 3], ["north", "south", "a much longer name"]), 2, 3);
  assert.equal(columns.template(3), "calc(3ch + 13px) 24px 180px", "dragged widths stay");
  columns.undrag(1);
  assert.equal(columns.template(3), "calc(3ch + 13px) 24px calc(18ch + 13px)");
  columns.reset();
  assert.equal(columns.numeric, null);
  assert.equal(columns.template(0), "calc(3ch + 13px)");
});

test("the summary's widest values size the columns before their rows load: the last of 200,000 ids fits", () => {
  const ids = Array.from({ length: 200 }, (_, i) => i);
  const columns = new ColumnLayout();
  columns.fit(
    source(
      ids,
      ids.map(() => "ab"),
    ),
    0,
    200,
  ); // the first batch: ids up to 199
  assert.equal(columns.mayCut(0, "199999".length), true, "the first rows alone would cut it");
  columns.fitSummary(
    ["id", "name"],
    [
      { kind: "numeric", min: 0, max: 199999, mean: 99999.5 },
      { kind: "string", topValues: [{ value: "a longer name", count: 3 }] },
    ],
  );
  assert.equal(columns.template(200_000), "calc(6ch + 13px) calc(6ch + 13px) calc(13ch + 13px)");
  assert.equal(columns.mayCut(0, "199999".length), false);
  assert.equal(columns.mayCut(1, "a longer name, longer still".length), true);
});

test("summary texts: numeric and temporal min and max, top strings, booleans, maxLength", () => {
  assert.deepEqual(summaryTexts({ kind: "numeric", min: -1.25, max: 3 }), ["-1.25", "3"]);
  assert.deepEqual(summaryTexts({ kind: "temporal", min: "2020-01-01", max: "2021-01-01" }), [
    "2020-01-01",
    "2021-01-01",
  ]);
  assert.deepEqual(summaryTexts({ kind: "boolean", trueCount: 1, falseCount: 2 }), ["false"]);
  assert.deepEqual(summaryTexts({ kind: "string", maxLength: 3, topValues: [] }), ["xxx"]);
  assert.deepEqual(summaryTexts({ kind: "other" }), []);
});
