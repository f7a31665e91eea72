import assert from "node:assert/strict";
import { test } from "node:test";
import { tableFromArrays, type Table } from "apache-arrow";
import { image } from "./image";
import { plot, type Plot } from "./plot";
import { BUILTIN_TYPES } from "./builtin";
import { MAX_COMPOSITE_DEPTH, MAX_COMPOSITE_PARTS } from "./composite";
import { TypeRegistry, UnserializableValueError } from "./registry";

const rows = (t: Table): unknown[] => t.toArray().map((r: { toJSON(): unknown }) => r.toJSON());
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

test("an object holding a table, a plot and bytes round-trips as a composite of typed parts", () => {
  const registry = new TypeRegistry(BUILTIN_TYPES);
  const table = tableFromArrays({ x: [1, 2, 3] });
  const value = {
    table,
    chart: plot({ mark: "bar" }),
    weights: new Uint8Array([1, 2, 3]),
    metrics: { auc: 0.9 },
  };
  const artifact = registry.toArtifact(value);
  assert.equal(artifact.typeName, "composite");
  assert.deepEqual(
    artifact.parts?.map((p) => p.typeName),
    ["plot.vega-lite", "arrow.table", "binary"], // sorted by key: chart, table, weights
  );
  const back = registry.fromBytes("composite", artifact.bytes) as typeof value & { chart: Plot };
  assert.deepEqual(rows(back.table), rows(table));
  assert.equal(typeof back.table.getChild, "function");
  assert.deepEqual(back.chart.spec, { mark: "bar" });
  assert.ok(back.weights instanceof Uint8Array);
  assert.deepEqual([...back.weights], [1, 2, 3]);
  assert.deepEqual(back.metrics, { auc: 0.9 });
  assert.match(String(artifact.summary.preview), /table: <arrow\.table>/);
  assert.equal(artifact.summary.partCount, 3);
});

test("a part has the artifact id it has when returned alone", () => {
  const registry = new TypeRegistry(BUILTIN_TYPES);
  const table = tableFromArrays({ x: [1, 2] });
  const alone = registry.toArtifact(table);
  const composite = registry.toArtifact({ table, note: "n" });
  const part = composite.parts!.find((p) => p.typeName === "arrow.table")!;
  assert.equal(part.id, alone.id);
  const summaryParts = composite.summary.parts as Array<{ path: string; id: string }>;
  assert.deepEqual(summaryParts, [
    { path: "$.table", id: alone.id, typeName: "arrow.table", size: alone.size },
  ]);
});

test("an array of tables and images round-trips, and equal values give the same composite id", () => {
  const registry = new TypeRegistry(BUILTIN_TYPES);
  const make = () => [
    tableFromArrays({ a: [1] }),
    tableFromArrays({ a: [2] }),
    image(png, "image/png"),
  ];
  const artifact = registry.toArtifact(make());
  assert.equal(artifact.typeName, "composite");
  assert.equal(registry.toArtifact(make()).id, artifact.id);
  const back = registry.fromBytes("composite", artifact.bytes) as [Table, Table, unknown];
  assert.deepEqual(rows(back[0]), [{ a: 1 }]);
  assert.deepEqual(rows(back[1]), [{ a: 2 }]);
  assert.deepEqual(
    (artifact.summary.parts as Array<{ path: string }>).map((p) => p.path),
    ["$[0]", "$[1]", "$[2]"],
  );
});

test("decoding gives fresh objects: changing a decoded part leaves the stored value as it was", () => {
  const registry = new TypeRegistry(BUILTIN_TYPES);
  const artifact = registry.toArtifact({ bytes: new Uint8Array([7, 8]), list: [1] });
  const first = registry.fromBytes("composite", artifact.bytes) as {
    bytes: Uint8Array;
    list: number[];
  };
  first.bytes[0] = 0;
  first.list.push(2);
  const second = registry.fromBytes("composite", artifact.bytes) as typeof first;
  assert.deepEqual([...second.bytes], [7, 8]);
  assert.deepEqual(second.list, [1]);
});

test("data without parts stays JSON", () => {
  const registry = new TypeRegistry(BUILTIN_TYPES);
  assert.equal(registry.toArtifact({ a: [1, { b: new Date(0) }] }).typeName, "json");
});

test("parts nested too deep are refused with the path and the limit", () => {
  const registry = new TypeRegistry(BUILTIN_TYPES);
  let value: unknown = new Uint8Array([1]);
  for (let i = 0; i <= MAX_COMPOSITE_DEPTH; i++) value = { deeper: value };
  assert.throws(
    () => registry.toArtifact(value),
    (err: unknown) =>
      err instanceof UnserializableValueError &&
      /at most 16 levels deep/.test(err.message) &&
      /\$\.deeper\.deeper/.test(err.message),
  );
});

test("more parts than the limit are refused with a clear error", () => {
  const registry = new TypeRegistry(BUILTIN_TYPES);
  const value = Array.from({ length: MAX_COMPOSITE_PARTS + 1 }, (_, i) => new Uint8Array([i]));
  assert.throws(
    () => registry.toArtifact(value),
    (err: unknown) =>
      err instanceof UnserializableValueError && /at most 1000 parts/.test(err.message),
  );
});

test("a circular composite is refused with the path of the cycle", () => {
  const registry = new TypeRegistry(BUILTIN_TYPES);
  const value: Record<string, unknown> = { bytes: new Uint8Array([1]) };
  value.self = value;
  assert.throws(() => registry.toArtifact(value), /circular reference/);
});
