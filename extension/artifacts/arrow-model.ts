/**
 * The rows of a table view: Arrow record batches that may still be arriving. The grid shows the
 * first batch as soon as it is decoded and grows as later batches land
 * ({@link ArrowDataModel.rowsAdded}).
 * Cells are read from the columns on demand (the grid asks only for the visible ones), so a million
 * rows cost nothing beyond the Arrow buffers themselves.
 *
 * The batches only need `numRows` and `getChildAt(i).get(row)`, so tables of another copy of
 * apache-arrow (duckdb-wasm's query results) fit as well.
 *
 * @example
 * ```ts
 * const model = new ArrowDataModel(reader.schema.fields);
 * model.rowsAdded.connect((_, { start, count }) => console.log(`rows ${start}… (+${count})`));
 * for await (const batch of reader) model.append(batch);
 * model.data("body", 0, 1); // the first row's second cell, as text
 * ```
 */
import { type ISignal, Signal } from "@lumino/signaling";

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

/** The parts of a grid: the cells, the header row, the row numbers and the corner between them. */
export type GridRegion = "body" | "column-header" | "row-header" | "corner-header";

export class ArrowDataModel {
  constructor(fields: readonly IArrowField[]) {
    this._fields = fields;
  }

  get fields(): readonly IArrowField[] {
    return this._fields;
  }

  /** Rows received so far. */
  get numRows(): number {
    return this._index.numRows;
  }

  /** Columns of the body (row numbers not counted). */
  get numColumns(): number {
    return this._fields.length;
  }

  /** Emitted after {@link append} added rows: the first new row and how many. */
  get rowsAdded(): ISignal<this, ArrowDataModel.IRowsAdded> {
    return this._rowsAdded;
  }

  /** Appends a decoded batch and tells the grid about the new rows. */
  append(chunk: IArrowChunk): void {
    if (chunk.numRows === 0) {
      return;
    }
    const start = this._index.numRows;
    this._index.append(chunk);
    this._rowsAdded.emit({ start, count: chunk.numRows });
  }

  /** A cell's text: column names in the header, row numbers (from 0), formatted values. */
  data(region: GridRegion, row: number, column: number): string {
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
  private readonly _rowsAdded = new Signal<this, ArrowDataModel.IRowsAdded>(this);
}

export namespace ArrowDataModel {
  /** Rows `start` to `start + count - 1` arrived. */
  export interface IRowsAdded {
    readonly start: number;
    readonly count: number;
  }
}
