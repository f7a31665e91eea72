import assert from "node:assert/strict";
import { test } from "node:test";
import {
  Float32,
  Float64,
  Int32,
  Table,
  tableFromArrays,
  vectorFromArray,
  type Data,
} from "apache-arrow";
import { writeTableIPC } from "./arrow-ipc";
import { SliceStatistics, type StatisticsChunk } from "./arrow-slice-stats";
import { summarizeTable } from "./arrow-summary";
import { arrowTableType } from "./arrow";

/** Statistics gathered the way `arrowTableType.serialize` gathers them. */
function takenWhileWriting(table: Table): SliceStatistics {
  const taken = new SliceStatistics(table);
  writeTableIPC(table, undefined, (source, start, end) => taken.copied(source, start, end));
  return taken;
}

const chunk = (table: Table, column: number, batch = 0): StatisticsChunk =>
  table.batches[batch]!.data.children[column] as Data as unknown as StatisticsChunk;

/**
 * Values whose sum depends on the order of the additions (large and small magnitudes mixed),
 * over more than one of the writer's 1 MiB slices.
 */
function orderSensitive(length: number): Float64Array {
  let seed = 7;
  const random = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
  return Float64Array.from({ length }, (_, i) => (i % 3 === 0 ? random() * 1e16 : random()));
}

test("statistics taken while writing give the same summary as reading the table again", () => {
  const table = tableFromArrays({
    big: orderSensitive(300_000),
    ints: Int32Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 100_003),
    small: new Float32Array(300_000).fill(0.1),
  });
  const taken = takenWhileWriting(table);
  for (let column = 0; column < 3; column++) {
    assert.ok(taken.of(chunk(table, column)), `column ${column} was not taken while writing`);
  }
  assert.deepEqual(summarizeTable(table, taken), summarizeTable(table));
});

test("the sum carries over from one copied slice to the next: the same double as one loop", () => {
  const values = orderSensitive(400_000); // 3.2 MB: four slices
  const table = tableFromArrays({ x: values });
  let oneLoop = 0;
  for (const x of values) oneLoop += x;
  assert.equal(takenWhileWriting(table).of(chunk(table, 0))!.sum, oneLoop);
});

test("chunks with nulls or NaN, and chunks sharing memory, are left to the summary's own pass", () => {
  const withNulls = new Table({ x: vectorFromArray([1, null, 3], new Float64()) });
  const withNaN = tableFromArrays({ x: new Float64Array([1, NaN, 3]) });
  const twice = withNaN.concat(tableFromArrays({ x: new Float64Array([4]) }));
  const selfConcatenated = tableFromArrays({ x: new Float64Array([5, 6]) });
  const doubled = selfConcatenated.concat(selfConcatenated);
  for (const table of [withNulls, withNaN, twice, doubled]) {
    const taken = takenWhileWriting(table);
    assert.equal(taken.of(chunk(table, 0)), undefined);
    assert.deepEqual(summarizeTable(table, taken), summarizeTable(table));
  }
  // The second batch of `twice` has no NaN: it is taken.
  assert.deepEqual(takenWhileWriting(twice).of(chunk(twice, 0, 1)), {
    min: 4,
    max: 4,
    sum: 4,
    count: 1,
  });
});

test("a sliced table's statistics cover only its rows", () => {
  const table = new Table({
    x: vectorFromArray([9, 1, 2, 3, -9], new Float64()),
    f: vectorFromArray([9, 1, 2, 3, -9], new Float32()),
    i: vectorFromArray([9, 1, 2, 3, -9], new Int32()),
  }).slice(1, 4);
  const taken = takenWhileWriting(table);
  assert.deepEqual(taken.of(chunk(table, 0)), { min: 1, max: 3, sum: 6, count: 3 });
  assert.deepEqual(summarizeTable(table, taken), summarizeTable(table));
});

test("the artifact type summarizes with the statistics its serialize took, once", () => {
  const table = tableFromArrays({ x: orderSensitive(200_000) });
  const bytes = arrowTableType.serialize(table);
  const expected = summarizeTable(table);
  assert.deepEqual(arrowTableType.summarize(table, bytes), expected);
  // Values changed after writing: a later summary reads them again instead of reusing old ones.
  table.getChild("x")!.data[0]!.values[0] = 1e300;
  const later = arrowTableType.summarize(table, bytes).stats as { max: number }[];
  assert.equal(later[0]!.max, 1e300);
});
