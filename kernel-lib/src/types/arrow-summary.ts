/**
 * The summary of an Arrow table that the UI shows before fetching the table: schema, size, the
 * first rows and per-column statistics.
 *
 * It is computed for every table that crosses a step boundary, so it has to stay cheap on
 * millions of rows: numeric statistics run over each chunk's typed array directly (no row
 * objects, no per-value boxing; 64-bit integers are read as pairs of 32-bit words), dictionary
 * columns count their integer indices, and only plain string columns decode strings, from an
 * evenly spaced sample of at most {@link STRING_SAMPLE} values.
 */
import { Type, type DataType, type Table, type Vector, util } from "apache-arrow";
import type { ArtifactSummary, JsonValue } from "./artifact";

/** Rows shown in the summary. */
export const PREVIEW_ROWS = 10;
/** String columns: how many values the distinct count and top values are computed on. */
export const STRING_SAMPLE = 10_000;
const TOP_VALUES = 5;
const MAX_TEXT = 200;
const MAX_LIST_ITEMS = 20;

type NumberArray =
  | Float64Array
  | Float32Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array;

/** What one chunk of a column looks like to the statistics (a subset of apache-arrow's Data). */
interface Chunk {
  offset: number;
  length: number;
  nullCount: number;
  values: ArrayLike<unknown> & { buffer: ArrayBufferLike; byteOffset: number };
  nullBitmap: Uint8Array | undefined;
  dictionary?: Vector;
}

/** A JSON number, or its name when JSON has none (NaN, ±Infinity). */
function jsonNumber(value: number): JsonValue {
  return Number.isFinite(value) ? value : String(value);
}

function isValid(bitmap: Uint8Array | undefined, index: number): boolean {
  return !bitmap || bitmap.length === 0 || (bitmap[index >> 3]! & (1 << (index & 7))) !== 0;
}

/** Running min/max/sum over one column. `NaN` is left out of all three and counted apart. */
class NumericAccumulator {
  min = Infinity;
  max = -Infinity;
  sum = 0;
  count = 0;
  nanCount = 0;
  /** For 64-bit integers: where min and max are, to report them exactly. */
  minAt: [Chunk, number] | undefined;
  maxAt: [Chunk, number] | undefined;

  addNumbers(chunk: Chunk): void {
    const values = chunk.values as NumberArray;
    const { length } = chunk;
    let min = this.min;
    let max = this.max;
    let sum = 0;
    let valid = length;
    if (chunk.nullCount === 0) {
      // The hot loop: plain comparisons keep it branch-predictable and unboxed.
      for (let i = 0; i < length; i++) {
        const x = values[i]!;
        if (x < min) min = x;
        if (x > max) max = x;
        sum += x;
      }
    } else {
      const bitmap = chunk.nullBitmap;
      valid = 0;
      for (let i = 0; i < length; i++) {
        if (!isValid(bitmap, chunk.offset + i)) continue;
        const x = values[i]!;
        if (x < min) min = x;
        if (x > max) max = x;
        sum += x;
        valid++;
      }
    }
    if (Number.isNaN(sum)) {
      // Rare: NaN (or +∞ and -∞ together) poisoned the sum; redo it without NaN.
      sum = 0;
      for (let i = 0; i < length; i++) {
        if (!isValid(chunk.nullBitmap, chunk.offset + i)) continue;
        const x = values[i]!;
        if (Number.isNaN(x)) {
          this.nanCount++;
          valid--;
        } else {
          sum += x;
        }
      }
    }
    this.min = min;
    this.max = max;
    this.sum += sum;
    this.count += valid;
  }

  /** 64-bit integers, read as (high, low) 32-bit words: a double per value, no BigInt. */
  addInt64(chunk: Chunk, signed: boolean): void {
    const { buffer, byteOffset } = chunk.values;
    const words = chunk.length * 2;
    const low = new Uint32Array(buffer, byteOffset, words);
    const high = signed ? new Int32Array(buffer, byteOffset, words) : low;
    let min = this.min;
    let max = this.max;
    let minAt = -1;
    let maxAt = -1;
    let sum = 0;
    let valid = 0;
    const checkNulls = chunk.nullCount > 0;
    for (let i = 0; i < chunk.length; i++) {
      if (checkNulls && !isValid(chunk.nullBitmap, chunk.offset + i)) continue;
      const x = high[2 * i + 1]! * 4294967296 + low[2 * i]!;
      if (x < min) {
        min = x;
        minAt = i;
      }
      if (x > max) {
        max = x;
        maxAt = i;
      }
      sum += x;
      valid++;
    }
    if (minAt >= 0) this.minAt = [chunk, minAt];
    if (maxAt >= 0) this.maxAt = [chunk, maxAt];
    this.min = min;
    this.max = max;
    this.sum += sum;
    this.count += valid;
  }
}

/** Exact value of a 64-bit integer located by {@link NumericAccumulator.addInt64}. */
function int64At(at: [Chunk, number] | undefined): bigint | undefined {
  if (!at) return undefined;
  return (at[0].values as unknown as BigInt64Array | BigUint64Array)[at[1]];
}

function isoOrText(ms: number): JsonValue {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}

/** Milliseconds per unit of a Date or Timestamp column's stored integers. */
function msPerUnit(type: DataType): number {
  if (type.typeId === Type.Date) {
    return (type as unknown as { unit: number }).unit === 0 ? 86_400_000 : 1;
  }
  return [1000, 1, 1e-3, 1e-6][(type as unknown as { unit: number }).unit] ?? 1;
}

function numericStats(column: Vector, chunks: Chunk[]): { [key: string]: JsonValue } {
  const type = column.type as DataType & {
    bitWidth?: number;
    isSigned?: boolean;
    precision?: number;
  };
  const acc = new NumericAccumulator();
  const is64 = chunks.some(
    (c) => c.values instanceof BigInt64Array || c.values instanceof BigUint64Array,
  );
  const half = type.typeId === Type.Float && type.precision === 0;
  for (const chunk of chunks) {
    if (is64) {
      acc.addInt64(chunk, chunk.values instanceof BigInt64Array);
    } else if (half) {
      const values = Float64Array.from(chunk.values as Uint16Array, (h) => util.uint16ToFloat64(h));
      const { offset, length, nullCount, nullBitmap } = chunk;
      acc.addNumbers({ offset, length, nullCount, nullBitmap, values });
    } else {
      acc.addNumbers(chunk);
    }
  }
  const temporal = type.typeId === Type.Date || type.typeId === Type.Timestamp;
  const stats: { [key: string]: JsonValue } = { kind: temporal ? "temporal" : "numeric" };
  if (acc.count === 0) return { ...stats, min: null, max: null, mean: null };
  if (temporal) {
    const scale = msPerUnit(type);
    const exactMin = int64At(acc.minAt);
    const exactMax = int64At(acc.maxAt);
    stats.min = isoOrText((exactMin !== undefined ? Number(exactMin) : acc.min) * scale);
    stats.max = isoOrText((exactMax !== undefined ? Number(exactMax) : acc.max) * scale);
    return stats;
  }
  if (is64) {
    // Exact as strings: doubles lose integers above 2^53.
    stats.min = String(int64At(acc.minAt));
    stats.max = String(int64At(acc.maxAt));
  } else {
    stats.min = jsonNumber(acc.min);
    stats.max = jsonNumber(acc.max);
  }
  stats.mean = jsonNumber(acc.sum / acc.count);
  if (acc.nanCount > 0) stats.nanCount = acc.nanCount;
  return stats;
}

function booleanStats(chunks: Chunk[]): { [key: string]: JsonValue } {
  let trueCount = 0;
  let valid = 0;
  for (const chunk of chunks) {
    const bits = chunk.values as Uint8Array;
    if (chunk.nullCount === 0) {
      trueCount += util.popcnt_bit_range(bits, chunk.offset, chunk.offset + chunk.length);
      valid += chunk.length;
      continue;
    }
    for (let i = chunk.offset; i < chunk.offset + chunk.length; i++) {
      if (!isValid(chunk.nullBitmap, i)) continue;
      valid++;
      if (bits[i >> 3]! & (1 << (i & 7))) trueCount++;
    }
  }
  return { kind: "boolean", trueCount, falseCount: valid - trueCount };
}

/** Top values by count, ties by value, so equal tables get equal summaries. */
function topValues(counts: Map<JsonValue, number>): JsonValue[] {
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (String(a[0]) < String(b[0]) ? -1 : 1))
    .slice(0, TOP_VALUES)
    .map(([value, count]) => ({ value, count }));
}

function sampledStringStats(column: Vector): { [key: string]: JsonValue } {
  const stride = Math.max(1, Math.ceil(column.length / STRING_SAMPLE));
  const counts = new Map<JsonValue, number>();
  let sampled = 0;
  for (let i = 0; i < column.length; i += stride) {
    const value: unknown = column.get(i);
    if (value === null || value === undefined) continue;
    const key = toJsonSafe(value, column.type);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    sampled++;
  }
  return {
    kind: "string",
    distinctCount: counts.size,
    topValues: topValues(counts),
    sampled: stride > 1,
    sampleSize: sampled,
  };
}

/** Dictionary columns: exact counts over the integer indices, when the chunks share a dictionary. */
function dictionaryStats(column: Vector, chunks: Chunk[]): { [key: string]: JsonValue } {
  const dictionary = chunks[0]?.dictionary;
  const exact =
    dictionary !== undefined &&
    chunks.every((c) => c.dictionary === dictionary && !(c.values instanceof BigInt64Array)) &&
    dictionary.length <= Math.max(1_000_000, column.length);
  if (!exact) return sampledStringStats(column);
  const counts = new Float64Array(dictionary.length);
  for (const chunk of chunks) {
    const indices = chunk.values as NumberArray;
    if (chunk.nullCount === 0) {
      for (let i = 0; i < chunk.length; i++) counts[indices[i]!]!++;
    } else {
      for (let i = 0; i < chunk.length; i++) {
        if (isValid(chunk.nullBitmap, chunk.offset + i)) counts[indices[i]!]!++;
      }
    }
  }
  const byValue = new Map<JsonValue, number>();
  for (let k = 0; k < counts.length; k++) {
    if (counts[k]! === 0) continue;
    const key = toJsonSafe(dictionary.get(k), dictionary.type);
    byValue.set(key, (byValue.get(key) ?? 0) + counts[k]!);
  }
  return {
    kind: "string",
    distinctCount: byValue.size,
    topValues: topValues(byValue),
    sampled: false,
    sampleSize: column.length - column.nullCount,
  };
}

function columnStats(name: string, column: Vector): { [key: string]: JsonValue } {
  const chunks = column.data as unknown as Chunk[];
  const base = { name, nullCount: column.nullCount };
  switch (column.type.typeId) {
    case Type.Int:
    case Type.Float:
    case Type.Date:
    case Type.Timestamp:
    case Type.Time:
    case Type.Duration:
      return { ...base, ...numericStats(column, chunks) };
    case Type.Bool:
      return { ...base, ...booleanStats(chunks) };
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Utf8View:
      return { ...base, ...sampledStringStats(column) };
    case Type.Dictionary:
      return { ...base, ...dictionaryStats(column, chunks) };
    default:
      return { ...base, kind: "other" };
  }
}

function hexPreview(bytes: Uint8Array): string {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 32));
  return `0x${head.toString("hex")}${bytes.byteLength > 32 ? "…" : ""}`;
}

/**
 * A cell value as JSON: bigints as strings, dates and timestamps as ISO strings, binary as a hex
 * prefix, nested lists and structs as arrays and objects (bounded), long strings cut.
 *
 * @example
 * ```ts
 * toJsonSafe(12n);                                    // "12"
 * toJsonSafe(86_400_000, new TimestampMillisecond()); // "1970-01-02T00:00:00.000Z"
 * ```
 */
export function toJsonSafe(value: unknown, type?: DataType, depth = 0): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "number":
      if (type && (type.typeId === Type.Date || type.typeId === Type.Timestamp)) {
        return isoOrText(value);
      }
      return jsonNumber(value);
    case "bigint":
      return String(value);
    case "string":
      return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
    case "boolean":
      return value;
    case "object":
      break;
    default:
      return String(value);
  }
  if (depth > 3) return "…";
  if (value instanceof Date) return isoOrText(value.getTime());
  if (value instanceof Uint8Array) return hexPreview(value);
  if (ArrayBuffer.isView(value) || Array.isArray(value)) {
    return Array.from(value as ArrayLike<unknown>)
      .slice(0, MAX_LIST_ITEMS)
      .map((x) => toJsonSafe(x, undefined, depth + 1));
  }
  const v = value as {
    toArray?: () => ArrayLike<unknown>;
    toJSON?: () => unknown;
    length?: number;
  };
  if (typeof v.toArray === "function" && typeof v.length === "number") {
    // A list cell is a Vector; read only the items shown.
    const items: JsonValue[] = [];
    const vector = value as Vector;
    for (let i = 0; i < Math.min(vector.length, MAX_LIST_ITEMS); i++) {
      items.push(toJsonSafe(vector.get(i), vector.type, depth + 1));
    }
    return items;
  }
  if (typeof v.toJSON === "function") {
    const plain = v.toJSON();
    if (plain !== null && typeof plain === "object" && !Array.isArray(plain)) {
      const out: { [key: string]: JsonValue } = {};
      for (const [key, item] of Object.entries(plain)) {
        out[key] = toJsonSafe(item, undefined, depth + 1);
      }
      return out;
    }
    return toJsonSafe(plain, undefined, depth + 1);
  }
  return String(value);
}

/**
 * The summary of a table: `schema` (name, type, nullable per field), `numRows`, `numCols`,
 * `numBatches`, `rows` (the first {@link PREVIEW_ROWS} rows, each an array in schema order, as
 * JSON) and `stats` (one entry per column, in schema order: `nullCount` and, by kind, `min`,
 * `max`, `mean` for numeric columns, `min`/`max` as ISO strings for temporal ones, `trueCount`
 * and `falseCount` for booleans, `distinctCount` and `topValues` for strings).
 *
 * @example
 * ```ts
 * summarizeTable(tableFromArrays({ x: new Float64Array([1, 3]) })).stats;
 * // [{ name: "x", nullCount: 0, kind: "numeric", min: 1, max: 3, mean: 2 }]
 * ```
 */
export function summarizeTable(table: Table): ArtifactSummary {
  const fields = table.schema.fields;
  const columns = fields.map((_, i) => table.getChildAt(i)!);
  const rows: JsonValue[] = [];
  for (let r = 0; r < Math.min(PREVIEW_ROWS, table.numRows); r++) {
    rows.push(columns.map((column) => toJsonSafe(column.get(r), column.type)));
  }
  return {
    schema: fields.map((f) => ({ name: f.name, type: String(f.type), nullable: f.nullable })),
    numRows: table.numRows,
    numCols: table.numCols,
    numBatches: table.batches.length,
    rows,
    stats: fields.map((f, i) => columnStats(f.name, columns[i]!)),
  };
}
