/**
 * What makes a value an Arrow table, by shape alone: no import of apache-arrow, so checking a value
 * does not load it (see arrow.ts), and a table of any copy of apache-arrow is recognised.
 */
import type { ArrowTableLike } from "./arrow-ipc";

/**
 * Whether `value` has an Arrow table's shape.
 *
 * @example
 * ```ts
 * hasArrowTableShape(tableFromArrays({ x: [1] })); // true
 * hasArrowTableShape({ numRows: 1 });              // false
 * ```
 */
export function hasArrowTableShape(value: unknown): value is ArrowTableLike {
  if (typeof value !== "object" || value === null) return false;
  const t = value as Partial<ArrowTableLike>;
  return (
    typeof t.numRows === "number" &&
    typeof t.numCols === "number" &&
    Array.isArray(t.batches) &&
    typeof t.schema === "object" &&
    t.schema !== null &&
    Array.isArray(t.schema.fields)
  );
}
