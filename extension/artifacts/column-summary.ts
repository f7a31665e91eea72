/**
 * One line of text per column statistic of a table artifact's summary (kernel-lib's
 * `arrow-summary`): what a reader wants at a glance, not the summary's JSON.
 *
 * @example
 * ```ts
 * describeColumn({ kind: "numeric", nullCount: 0, min: 1, max: 3, mean: 2 });
 * // "min 1 · max 3 · mean 2"
 * describeColumn({ kind: "string", distinctCount: 3, topValues: [{ value: "a", count: 9 }] });
 * // "3 distinct · top: a (9)"
 * ```
 */
import { formatCell } from "./format";

/** How many of the most frequent values are named; the summary may carry more. */
const TOP_SHOWN = 5;

/** The statistic's text, without its null count (shown in a column of its own). */
export function describeColumn(stat: Record<string, unknown>): string {
  const parts: string[] = [];
  const shown = new Set(["name", "kind", "nullCount"]);
  const take = (key: string): unknown => {
    shown.add(key);
    return stat[key];
  };
  for (const key of ["min", "max", "mean"]) {
    if (stat[key] !== undefined && stat[key] !== null) {
      parts.push(`${key} ${formatCell(take(key))}`);
    }
  }
  if (typeof stat.trueCount === "number") {
    parts.push(`${formatCell(take("trueCount"))} true · ${formatCell(take("falseCount"))} false`);
  }
  if (typeof stat.distinctCount === "number") {
    // A sampled string column counts distinct values in the sample only: say so.
    const sampled = take("sampled") === true;
    const size = take("sampleSize");
    const count = `${formatCell(take("distinctCount"))} distinct`;
    parts.push(sampled ? `${count} in a sample of ${formatCell(size)} rows` : count);
  }
  const top = take("topValues");
  if (Array.isArray(top) && top.length) {
    const named = (top as Array<{ value?: unknown; count?: unknown }>)
      .slice(0, TOP_SHOWN)
      .map(
        ({ value, count }) =>
          `${value === null ? "null" : formatCell(value)} (${formatCell(count)})`,
      );
    parts.push(`top: ${named.join(", ")}${top.length > TOP_SHOWN ? ", …" : ""}`);
  }
  shown.add("sampleSize");
  // Whatever a newer library adds, shown rather than lost.
  for (const [key, value] of Object.entries(stat)) {
    if (!shown.has(key)) {
      parts.push(
        `${key}: ${typeof value === "number" ? formatCell(value) : JSON.stringify(value)}`,
      );
    }
  }
  return parts.join(" · ");
}
