/**
 * How values print in a notebook. tslab echoes a cell's last expression with `console.log`, and
 * prints a cell's error with `console.error`, both through `util.inspect`:
 * - an Arrow table would print its internal buffers: it prints as its shape, schema and first rows;
 * - a failed step would print the whole chain of causes with the runner's frames: it prints as the
 *   step, the message and the user's frames.
 *
 * @example
 * ```text
 * Table: 1000 rows × 3 columns (x: Float64, y: Float64, label: Int32)
 *  x      y      label
 *  0.12   -1.4   0
 *  …
 * ```
 */
import type { Table } from "apache-arrow";
import { inspect } from "node:util";
import { StepFailedError } from "../errors";
import { trimStack } from "./stack";

const PREVIEW_ROWS = 5;
const MAX_CELL = 24;

function cellText(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) {
    text = String(value);
  } else if (typeof value === "number") {
    text = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
  } else if (typeof value === "object" && !(value instanceof Date)) {
    text = JSON.stringify(value) ?? "";
  } else {
    text = String(value);
  }
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}

/** A table's shape, schema and first rows as aligned text. */
export function tableText(table: Table, previewRows = PREVIEW_ROWS): string {
  const fields = table.schema.fields;
  const header = `Table: ${table.numRows} rows × ${fields.length} columns (${fields
    .map((f) => `${f.name}: ${String(f.type)}`)
    .join(", ")})`;
  if (table.numRows === 0 || fields.length === 0) return header;
  const names = fields.map((f) => f.name);
  const rows: string[][] = [];
  const shown = Math.min(previewRows, table.numRows);
  for (let i = 0; i < shown; i++) {
    const row = table.get(i) as Record<string, unknown> | null;
    rows.push(names.map((name) => cellText(row?.[name])));
  }
  const widths = names.map((name, c) => Math.max(name.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => " " + cells.map((t, c) => t.padEnd(widths[c]!)).join("  ");
  const body = [line(names), ...rows.map(line)];
  if (table.numRows > shown) body.push(` … ${table.numRows - shown} more rows`);
  return [header, ...body].join("\n");
}

/** The step path, message and user frames of a failed step. */
export function stepFailureText(error: StepFailedError): string {
  return trimStack(error.stack ?? `${error.name}: ${error.message}`);
}

function define(proto: object, render: (self: never) => string): void {
  // A type that already prints itself (or a second copy of the library) is left alone.
  if (Object.prototype.hasOwnProperty.call(proto, inspect.custom)) return;
  Object.defineProperty(proto, inspect.custom, {
    configurable: true,
    value(this: never) {
      return render(this);
    },
  });
}

/** Makes tables and failed steps print usefully; called once a notebook kernel is detected. */
export function installNotebookInspect(): void {
  // Loaded here, not at import: only notebooks pay for Arrow when they do not use it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Table } = require("apache-arrow") as typeof import("apache-arrow");
  define(Table.prototype, (table: Table) => tableText(table));
  define(StepFailedError.prototype, (error: StepFailedError) => stepFailureText(error));
}
