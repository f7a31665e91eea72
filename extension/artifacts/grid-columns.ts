/**
 * Column widths of the table grid, guessed before any cell is laid out: the cells use the code
 * font, so a width in characters (CSS `ch`) fits the longest text of a sample of rows exactly.
 * {@link ColumnLayout} keeps a grid's columns as batches arrive and as a user drags them.
 *
 * @example
 * ```ts
 * columnWidth("value", ["0.1", "12.25"]); // 7: the header's 5 characters and room for its handle
 * isNumeric([null, 3n, 4n]); // true: right-aligned
 * ```
 */

/** Narrowest and widest guessed column, in characters (a user can drag wider). */
export const MIN_COLUMN_CHARS = 4;
export const MAX_COLUMN_CHARS = 40;

/** Width in characters for a column's header and the formatted text of some of its cells. */
export function columnWidth(header: string, texts: Iterable<string>): number {
  // The header's bold UI font runs wider than the code font: give it two more characters.
  let widest = header.length + 2;
  for (const text of texts) {
    if (text.length > widest) {
      widest = text.length;
      if (widest >= MAX_COLUMN_CHARS) {
        break;
      }
    }
  }
  return Math.min(MAX_COLUMN_CHARS, Math.max(MIN_COLUMN_CHARS, widest));
}

/**
 * Texts as wide as a column's widest values, read from its statistics in the table's summary
 * (kernel-lib's `stats`): a numeric or temporal column's `min` and `max`, a string column's top
 * values, a boolean's "false", and `maxLength` where the summary has it. The summary covers every
 * row, so a column fits values the loaded rows have not reached yet (the last of 200,000 ids).
 *
 * @example
 * ```ts
 * summaryTexts({ kind: "numeric", min: 0, max: 199999 }); // ["0", "199999"]
 * ```
 */
export function summaryTexts(stat: Readonly<Record<string, unknown>>): string[] {
  const texts: string[] = [];
  const text = (value: unknown): void => {
    if (typeof value === "number" && Number.isFinite(value)) {
      texts.push(Number.isInteger(value) ? String(value) : String(Math.round(value * 1e6) / 1e6));
    } else if (typeof value === "string" || typeof value === "bigint") {
      texts.push(String(value));
    }
  };
  if (stat.kind === "numeric" || stat.kind === "temporal" || stat.kind === "date") {
    text(stat.min);
    text(stat.max);
  }
  if (stat.kind === "boolean") {
    texts.push("false");
  }
  if (Array.isArray(stat.topValues)) {
    for (const top of stat.topValues as unknown[]) {
      if (typeof top === "object" && top !== null) {
        text((top as { value?: unknown }).value);
      }
    }
  }
  if (typeof stat.maxLength === "number" && stat.maxLength > 0) {
    texts.push("x".repeat(Math.min(MAX_COLUMN_CHARS, stat.maxLength)));
  }
  return texts;
}

/** Whether a column holds numbers (judged by its first non-null values): those align right. */
export function isNumeric(values: Iterable<unknown>): boolean {
  let seen = false;
  for (const value of values) {
    if (value === null || value === undefined) {
      continue;
    }
    if (typeof value !== "number" && typeof value !== "bigint") {
      return false;
    }
    seen = true;
  }
  return seen;
}

/** Width in characters of the row number column: the largest row number's digits, at least 3. */
export function rowNumberWidth(rowCount: number): number {
  return Math.max(3, String(Math.max(0, rowCount - 1)).length);
}

/** What {@link ColumnLayout} reads of the rows (an `ArrowDataModel`). */
export interface IColumnSource {
  readonly numColumns: number;
  data(region: "body" | "column-header", row: number, column: number): string;
  value(row: number, column: number): unknown;
}

/**
 * The columns of one grid: guessed widths, widened as batches arrive (never narrowed, so columns
 * do not jump back and forth), widths a user dragged (kept), and which columns align right.
 *
 * @example
 * ```ts
 * const columns = new ColumnLayout();
 * columns.fit(model, 0, model.numRows); // the first batch: widths and alignment
 * columns.template(model.numRows); // "calc(3ch + 13px) calc(7ch + 13px) …"
 * columns.drag(1, 240);
 * ```
 */
export class ColumnLayout {
  /** Which columns hold numbers; null until rows were seen. */
  get numeric(): readonly boolean[] | null {
    return this._numeric;
  }

  /** Forgets everything (a new table). */
  reset(): void {
    this._chars = [];
    this._tracks = [];
    this._numeric = null;
    this._dragged.clear();
  }

  /**
   * Widens the columns to the text of some rows of `[start, end)`: the first rows of the table
   * (which also decide the alignment), then a sample of each later batch, its last row included
   * (the longest ids, say).
   */
  fit(source: IColumnSource, start: number, end: number): void {
    const rows: number[] = [];
    if (start === 0 || this._numeric === null) {
      for (let row = start; row < Math.min(end, start + FIRST_SAMPLE_ROWS); row++) {
        rows.push(row);
      }
    } else {
      const step = Math.max(1, Math.floor((end - start) / LATER_SAMPLE_ROWS));
      for (let row = end - 1; row >= start && rows.length < LATER_SAMPLE_ROWS; row -= step) {
        rows.push(row);
      }
    }
    const numeric = rows.length > 0 && this._numeric === null ? ([] as boolean[]) : null;
    for (let column = 0; column < source.numColumns; column++) {
      const texts = rows.map((row) => source.data("body", row, column));
      const chars = columnWidth(source.data("column-header", 0, column), texts);
      if (!(chars <= (this._chars[column] ?? 0))) {
        this._chars[column] = chars;
        if (!this._dragged.has(column)) {
          this._tracks[column] = charsWide(chars);
        }
      }
      numeric?.push(isNumeric(rows.map((row) => source.value(row, column))));
    }
    this._numeric ??= numeric;
  }

  /**
   * Widens the columns to what the table's summary says of all its rows ({@link summaryTexts}),
   * `stats` in column order. Called with the first rows' fit, before any later row is seen.
   */
  fitSummary(headers: readonly string[], stats: ReadonlyArray<Readonly<Record<string, unknown>>>) {
    stats.forEach((stat, column) => {
      const chars = columnWidth(headers[column] ?? "", summaryTexts(stat));
      if (!(chars <= (this._chars[column] ?? 0))) {
        this._chars[column] = chars;
        if (!this._dragged.has(column)) {
          this._tracks[column] = charsWide(chars);
        }
      }
    });
  }

  /**
   * Whether a cell text of `length` characters may not fit its column (it then gets a tooltip):
   * longer than the column's width in characters, or in a column a user dragged.
   */
  mayCut(column: number, length: number): boolean {
    if (length === 0) {
      return false;
    }
    return this._dragged.has(column) || length > (this._chars[column] ?? 0);
  }

  /** A user dragged a column to `px` pixels: it keeps that width. */
  drag(column: number, px: number): void {
    this._dragged.add(column);
    this._tracks[column] = `${Math.round(Math.max(MIN_COLUMN_PX, px))}px`;
  }

  /** Back to the guessed width (a double-click on the column's handle). */
  undrag(column: number): void {
    this._dragged.delete(column);
    this._tracks[column] = charsWide(this._chars[column] ?? MIN_COLUMN_CHARS);
  }

  /** `grid-template-columns` of every row: the row numbers, then the columns. */
  template(rowCount: number): string {
    return [charsWide(rowNumberWidth(rowCount)), ...this._tracks].join(" ");
  }

  private _chars: number[] = [];
  private _tracks: string[] = [];
  private _numeric: boolean[] | null = null;
  private readonly _dragged = new Set<number>();
}

/** Rows of the first batch read to guess the column widths and alignment. */
const FIRST_SAMPLE_ROWS = 200;
/** Rows of each later batch read to widen columns whose text grew. */
const LATER_SAMPLE_ROWS = 32;
/** The narrowest a column can be dragged, in pixels. */
const MIN_COLUMN_PX = 24;
/** A cell's horizontal padding, both sides (style/grid.css), added to its width in characters. */
const CELL_PADDING_PX = 13;

/** A column track `chars` characters of the code font wide, with the cell's padding. */
function charsWide(chars: number): string {
  return `calc(${chars}ch + ${CELL_PADDING_PX}px)`;
}
