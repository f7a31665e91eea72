import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { sep } from "node:path";
import { test } from "node:test";
import {
  Bool,
  Field,
  Float64,
  Int32,
  Int64,
  List,
  Table,
  TimestampMillisecond,
  Utf8,
  tableFromArrays,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
} from "apache-arrow";
import { contentId } from "../hash";
import { arrowTableType } from "./arrow";
import { isArrowTableLike, writeTableIPC } from "./arrow-ipc";
import { PREVIEW_ROWS, STRING_SAMPLE, summarizeTable } from "./arrow-summary";
import { PARALLEL_HASH_MIN_BYTES, parallelHashReady } from "./content-hasher";
import { TypeRegistry } from "./registry";
import { BUILTIN_TYPES } from "./builtin";

const registry = new TypeRegistry(BUILTIN_TYPES);

/** A second, independent instance of apache-arrow: what a notebook with its own copy has. */
function secondArrowCopy(): typeof import("apache-arrow") {
  const load = createRequire(__filename);
  const isArrowModule = (key: string) => key.includes(`${sep}apache-arrow${sep}`);
  const saved = Object.entries(load.cache).filter(([key]) => isArrowModule(key));
  for (const [key] of saved) delete load.cache[key];
  try {
    return load("apache-arrow") as typeof import("apache-arrow");
  } finally {
    for (const key of Object.keys(load.cache)) if (isArrowModule(key)) delete load.cache[key];
    for (const [key, module] of saved) load.cache[key] = module;
  }
}

function mixedTable(): Table {
  return new Table({
    f: vectorFromArray([1.5, null, -3, 7], new Float64()),
    i: vectorFromArray([1, 2, 3, 4], new Int32()),
    big: vectorFromArray([9007199254740993n, -2n, null, 5n], new Int64()),
    s: vectorFromArray(["a", "b", null, "a"], new Utf8()),
    ok: vectorFromArray([true, false, true, null], new Bool()),
    t: vectorFromArray([0, 86_400_000, null, 1_000], new TimestampMillisecond()),
    l: vectorFromArray([[1], [2, 3], null, []], new List(new Field("item", new Int32()))),
  });
}

test("a table round-trips with its schema and values", () => {
  const table = mixedTable();
  const back = registry.fromBytes("arrow.table", registry.toArtifact(table).bytes) as Table;
  assert.ok(back instanceof Table);
  assert.deepEqual(
    back.schema.fields.map((f) => `${f.name}:${f.type}`),
    [
      "f:Float64",
      "i:Int32",
      "big:Int64",
      "s:Utf8",
      "ok:Bool",
      "t:Timestamp<MILLISECOND>",
      "l:List<Int32>",
    ],
  );
  assert.deepEqual(
    back
      .toArray()
      .map((row) => JSON.stringify(row, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))),
    table
      .toArray()
      .map((row) => JSON.stringify(row, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))),
  );
});

test("the artifact records the Arrow stream media type and type name", () => {
  const artifact = registry.toArtifact(tableFromArrays({ x: new Float64Array([1]) }));
  assert.equal(artifact.typeName, "arrow.table");
  assert.equal(registry.get("arrow.table"), arrowTableType);
  assert.equal(artifact.mediaType, "application/vnd.apache.arrow.stream");
  assert.equal(artifact.size, artifact.bytes.byteLength);
  assert.equal(artifact.id, contentId("arrow.table", artifact.bytes));
});

test("the bytes are exactly what tableToIPC writes as a stream, dictionaries and batches included", () => {
  const strings = tableFromArrays({ s: ["x", "y", "x"], n: new Float64Array([1, 2, 3]) });
  const twoBatches = strings.concat(tableFromArrays({ s: ["z"], n: new Float64Array([4]) }));
  for (const table of [mixedTable(), strings, twoBatches]) {
    assert.deepEqual(Buffer.from(writeTableIPC(table)), Buffer.from(tableToIPC(table, "stream")));
  }
  assert.equal(twoBatches.batches.length, 2);
  assert.deepEqual(tableFromIPC(writeTableIPC(twoBatches)).getChild("s")!.toArray(), [
    "x",
    "y",
    "x",
    "z",
  ]);
});

test("equal tables have equal ids, and batches without rows do not change the id", () => {
  const a = tableFromArrays({ x: new Float64Array([1, 2]) });
  const b = tableFromArrays({ x: new Float64Array([1, 2]) });
  const withEmpty = new Table([...a.batches, ...a.slice(0, 0).batches]);
  assert.equal(registry.toArtifact(a).id, registry.toArtifact(b).id);
  assert.equal(registry.toArtifact(withEmpty).id, registry.toArtifact(a).id);
  assert.notEqual(
    registry.toArtifact(tableFromArrays({ x: new Float64Array([2, 1]) })).id,
    registry.toArtifact(a).id,
  );
});

test("a sliced table writes only its rows", () => {
  const table = tableFromArrays({
    x: new Float64Array([1, 2, 3, 4]),
    s: ["a", "b", "c", "d"],
  }).slice(1, 3);
  const back = tableFromIPC(writeTableIPC(table));
  assert.deepEqual([...back.getChild("x")!.toArray()], [2, 3]);
  assert.deepEqual(back.getChild("s")!.toArray(), ["b", "c"]);
});

test("an empty table keeps its schema", () => {
  const empty = tableFromArrays({ x: new Float64Array([]) });
  const back = registry.fromBytes("arrow.table", registry.toArtifact(empty).bytes) as Table;
  assert.equal(back.numRows, 0);
  assert.deepEqual(
    back.schema.fields.map((f) => f.name),
    ["x"],
  );
});

test("reading does not copy the column data: columns are views of the bytes", () => {
  const bytes = registry.toArtifact(tableFromArrays({ x: new Float64Array([1, 2, 3]) })).bytes;
  const back = registry.fromBytes("arrow.table", bytes) as Table;
  assert.equal(back.getChild("x")!.data[0]!.values.buffer, bytes.buffer);
});

test("a table made by another copy of apache-arrow is recognised and stored", () => {
  const other = secondArrowCopy();
  assert.notEqual(other.Table, Table);
  const foreign = other.tableFromArrays({ x: new Float64Array([1, 2]), s: ["p", "q"] });
  // apache-arrow 21 makes `instanceof Table` true across copies, but not for their data types.
  assert.notEqual(Object.getPrototypeOf(foreign), Table.prototype);
  assert.ok(isArrowTableLike(foreign));
  const artifact = registry.toArtifact(foreign);
  assert.equal(artifact.typeName, "arrow.table");
  assert.deepEqual(Buffer.from(artifact.bytes), Buffer.from(other.tableToIPC(foreign, "stream")));
  const back = registry.fromBytes("arrow.table", artifact.bytes) as Table;
  assert.ok(back instanceof Table);
  assert.deepEqual(back.getChild("s")!.toArray(), ["p", "q"]);
  assert.equal((artifact.summary.stats as { max: number }[])[0]!.max, 2);
});

test("objects that merely look a little like tables are not tables", () => {
  assert.equal(isArrowTableLike({ numRows: 1, numCols: 1, batches: [] }), false);
  assert.equal(isArrowTableLike({ schema: { fields: [] }, numRows: 1, numCols: 0 }), false);
  assert.equal(registry.toArtifact({ numRows: 3 }).typeName, "json");
});

test("the summary has the schema, sizes and the first rows as JSON", () => {
  const summary = summarizeTable(mixedTable());
  assert.deepEqual(summary.schema, [
    { name: "f", type: "Float64", nullable: true },
    { name: "i", type: "Int32", nullable: true },
    { name: "big", type: "Int64", nullable: true },
    { name: "s", type: "Utf8", nullable: true },
    { name: "ok", type: "Bool", nullable: true },
    { name: "t", type: "Timestamp<MILLISECOND>", nullable: true },
    { name: "l", type: "List<Int32>", nullable: true },
  ]);
  assert.equal(summary.numRows, 4);
  assert.equal(summary.numCols, 7);
  assert.equal(summary.numBatches, 1);
  assert.deepEqual(summary.rows, [
    [1.5, 1, "9007199254740993", "a", true, "1970-01-01T00:00:00.000Z", [1]],
    [null, 2, "-2", "b", false, "1970-01-02T00:00:00.000Z", [2, 3]],
    [-3, 3, null, null, true, null, null],
    [7, 4, "5", "a", null, "1970-01-01T00:00:01.000Z", []],
  ]);
  assert.ok(JSON.parse(JSON.stringify(summary)));
});

test("the summary shows at most the first 10 rows", () => {
  const summary = summarizeTable(
    tableFromArrays({ x: Float64Array.from({ length: 25 }, (_, i) => i) }),
  );
  assert.equal(PREVIEW_ROWS, 10);
  assert.deepEqual(
    summary.rows,
    Array.from({ length: 10 }, (_, i) => [i]),
  );
});

test("column statistics by kind: numeric, exact 64-bit, string, boolean, temporal", () => {
  const stats = summarizeTable(mixedTable()).stats as Record<string, unknown>[];
  assert.deepEqual(stats[0], {
    name: "f",
    nullCount: 1,
    kind: "numeric",
    min: -3,
    max: 7,
    mean: 5.5 / 3,
  });
  assert.deepEqual(stats[1], {
    name: "i",
    nullCount: 0,
    kind: "numeric",
    min: 1,
    max: 4,
    mean: 2.5,
  });
  assert.deepEqual(stats[2], {
    name: "big",
    nullCount: 1,
    kind: "numeric",
    min: "-2",
    max: "9007199254740993",
    // The mean is a double: 2^53 + 1 is read as 2^53.
    mean: (2 ** 53 - 2 + 5) / 3,
  });
  assert.deepEqual(stats[3], {
    name: "s",
    nullCount: 1,
    kind: "string",
    distinctCount: 2,
    topValues: [
      { value: "a", count: 2 },
      { value: "b", count: 1 },
    ],
    sampled: false,
    sampleSize: 3,
  });
  assert.deepEqual(stats[4], {
    name: "ok",
    nullCount: 1,
    kind: "boolean",
    trueCount: 2,
    falseCount: 1,
  });
  assert.deepEqual(stats[5], {
    name: "t",
    nullCount: 1,
    kind: "temporal",
    min: "1970-01-01T00:00:00.000Z",
    max: "1970-01-02T00:00:00.000Z",
  });
  assert.deepEqual(stats[6], { name: "l", nullCount: 1, kind: "other" });
});

test("NaN is left out of min, max and mean and counted apart; infinities are named", () => {
  const stats = summarizeTable(tableFromArrays({ x: new Float64Array([1, NaN, 3, Infinity]) }))
    .stats as Record<string, unknown>[];
  assert.deepEqual(stats[0], {
    name: "x",
    nullCount: 0,
    kind: "numeric",
    min: 1,
    max: "Infinity",
    mean: "Infinity",
    nanCount: 1,
  });
});

test("dictionary columns are counted exactly from their indices", () => {
  const values: string[] = Array.from({ length: 30_000 }, (_, i) =>
    i % 3 === 0 ? "red" : i % 3 === 1 ? "green" : "blue",
  );
  values[5] = "rare";
  const stats = summarizeTable(tableFromArrays({ colour: values })).stats as Record<
    string,
    unknown
  >[];
  assert.deepEqual(stats[0], {
    name: "colour",
    nullCount: 0,
    kind: "string",
    distinctCount: 4,
    topValues: [
      { value: "green", count: 10_000 },
      { value: "red", count: 10_000 },
      { value: "blue", count: 9_999 },
      { value: "rare", count: 1 },
    ],
    sampled: false,
    sampleSize: 30_000,
  });
});

test("plain string columns are summarized on a bounded, evenly spaced sample", () => {
  const n = STRING_SAMPLE * 5;
  const column = vectorFromArray(
    Array.from({ length: n }, (_, i) => `v${i % 4}`),
    new Utf8(),
  );
  const stats = summarizeTable(new Table({ s: column })).stats as Record<string, unknown>[];
  assert.equal(stats[0]!.sampled, true);
  assert.equal(stats[0]!.sampleSize, STRING_SAMPLE);
  assert.equal(stats[0]!.distinctCount, 4);
  assert.deepEqual(stats[0]!.topValues, [
    { value: "v0", count: 2500 },
    { value: "v1", count: 2500 },
    { value: "v2", count: 2500 },
    { value: "v3", count: 2500 },
  ]);
});

test("a large table's id is the content id of its bytes, also when hashed on a second core", async () => {
  assert.ok(await parallelHashReady(), "the hashing worker did not start");
  const rows = PARALLEL_HASH_MIN_BYTES / 8 + 1000;
  const table = tableFromArrays({ a: Float64Array.from({ length: rows }, (_, i) => i * 0.5) });
  for (let i = 0; i < 3; i++) {
    const artifact = registry.toArtifact(table);
    assert.equal(artifact.id, contentId("arrow.table", artifact.bytes));
  }
});
