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

import { BatchIndex } from "./batches";
import { formatCell } from "./format";

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
    return this._index.numRows;
  }

  /** Appends a decoded batch and tells the grid about the new rows. */
  append(chunk: IArrowChunk): void {
    if (chunk.numRows === 0) {
      return;
    }
    const start = this._index.numRows;
    this._index.append(chunk);
    this.emitChanged({ type: "rows-inserted", region: "body", index: start, span: chunk.numRows });
  }

  rowCount(region: DataModel.RowRegion): number {
    return region === "body" ? this._index.numRows : 1;
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
    const found = this._index.locate(row);
    return found ? (found.chunk.getChildAt(column)?.get(found.row) ?? null) : null;
  }

  private readonly _fields: readonly IArrowField[];
  private readonly _index = new BatchIndex<IArrowChunk>();
}
