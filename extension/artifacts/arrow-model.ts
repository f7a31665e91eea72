/**
 * A Lumino {@link DataModel} over Arrow record batches that may still be arriving: the grid shows
 * the first batch as soon as it is decoded, and grows as later batches land. Cells are read from
 * the columns on demand (the grid asks only for the visible ones), so a million rows cost nothing
 * beyond the Arrow buffers themselves.
 *
 * The batches only need `numRows` and `getChildAt(i).get(row)`, so tables of another copy of
 * apache-arrow (duckdb-wasm's query results) fit as well.
 */
import { DataModel } from "@lumino/datagrid";

/** What the model reads of a record batch or a table (any apache-arrow version). */
export interface IArrowChunk {
  readonly numRows: number;
  getChildAt(index: number): { get(index: number): unknown } | null;
}

export interface IArrowField {
  readonly name: string;
  readonly type: unknown;
}

export class ArrowDataModel extends DataModel {
  constructor(fields: readonly IArrowField[]) {
    super();
    this._fields = fields;
  }

  get fields(): readonly IArrowField[] {
    return this._fields;
  }

  /** Rows received so far. */
  get numRows(): number {
    return this._total;
  }

  /** Appends a decoded batch and tells the grid about the new rows. */
  append(chunk: IArrowChunk): void {
    if (chunk.numRows === 0) {
      return;
    }
    const start = this._total;
    this._chunks.push(chunk);
    this._starts.push(start);
    this._total += chunk.numRows;
    this.emitChanged({ type: "rows-inserted", region: "body", index: start, span: chunk.numRows });
  }

  rowCount(region: DataModel.RowRegion): number {
    return region === "body" ? this._total : 1;
  }

  columnCount(region: DataModel.ColumnRegion): number {
    return region === "body" ? this._fields.length : 1;
  }

  data(region: DataModel.CellRegion, row: number, column: number): unknown {
    switch (region) {
      case "corner-header":
        return "";
      case "column-header":
        return this._fields[column]?.name ?? "";
      case "row-header":
        return String(row);
      default:
        return formatCell(this.value(row, column));
    }
  }

  /** The raw Arrow value of a body cell. */
  value(row: number, column: number): unknown {
    const index = this._chunkOf(row);
    if (index < 0) {
      return null;
    }
    return this._chunks[index]!.getChildAt(column)?.get(row - this._starts[index]!) ?? null;
  }

  private _chunkOf(row: number): number {
    // Binary search over the batches' first rows; the last hit is cached since the grid paints row by row.
    const cached = this._last;
    if (
      cached >= 0 &&
      row >= this._starts[cached]! &&
      row < this._starts[cached]! + this._chunks[cached]!.numRows
    ) {
      return cached;
    }
    let low = 0;
    let high = this._starts.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (this._starts[mid]! <= row) {
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    this._last = high;
    return high;
  }

  private readonly _fields: readonly IArrowField[];
  private readonly _chunks: IArrowChunk[] = [];
  private readonly _starts: number[] = [];
  private _total = 0;
  private _last = -1;
}

/** A cell's text: numbers as they are, bigints exactly, dates as ISO, nested values as JSON. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) {
    return "";
  }
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      return Number.isInteger(value) ? String(value) : String(Math.round(value * 1e6) / 1e6);
    case "bigint":
    case "boolean":
      return String(value);
  }
  if (value instanceof Date) {
    return value.toISOString();
  }
  if (ArrayBuffer.isView(value)) {
    return `<${value.byteLength} bytes>`;
  }
  const json = (value as { toJSON?: () => unknown }).toJSON?.() ?? value;
  try {
    return JSON.stringify(json, (_key, v: unknown) => (typeof v === "bigint" ? String(v) : v));
  } catch {
    return String(value);
  }
}
