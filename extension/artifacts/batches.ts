/**
 * Where a row of a table that arrives in record batches lives: which batch, and which row of it.
 * The grid asks for cells row by row, so the last batch found is tried first; otherwise a binary
 * search over the batches' first rows.
 *
 * @example
 * ```ts
 * const index = new BatchIndex<{ numRows: number }>();
 * index.append({ numRows: 10 });
 * index.append({ numRows: 5 });
 * index.locate(12); // { chunk: <the second batch>, row: 2 }
 * ```
 */
export class BatchIndex<T extends { readonly numRows: number }> {
  /** Rows appended so far. */
  get numRows(): number {
    return this._total;
  }

  /** Adds a batch after the others; batches without rows are skipped. */
  append(chunk: T): void {
    if (chunk.numRows === 0) {
      return;
    }
    this._chunks.push(chunk);
    this._starts.push(this._total);
    this._total += chunk.numRows;
  }

  /** The batch holding `row` and the row's index inside it; null outside the table. */
  locate(row: number): { chunk: T; row: number } | null {
    if (!(row >= 0 && row < this._total)) {
      return null;
    }
    let index = this._last;
    if (!(
      index >= 0 &&
      row >= this._starts[index]! &&
      row < this._starts[index]! + this._chunks[index]!.numRows
    )) {
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
      index = high;
      this._last = index;
    }
    return { chunk: this._chunks[index]!, row: row - this._starts[index]! };
  }

  private readonly _chunks: T[] = [];
  private readonly _starts: number[] = [];
  private _total = 0;
  private _last = -1;
}
