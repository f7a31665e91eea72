/**
 * A run's lineage: the runs upstream of it (its producers, theirs, and so on) or downstream of it
 * (its consumers, theirs, ...), following only recorded flows (design.md, "Lineage edges: recorded,
 * never guessed"), across root runs.
 *
 * What counts as a step of lineage:
 * - every recorded flow (`future`, `reference`, `parent`): the producer is upstream of the consumer;
 * - an `awaited` flow: the child is upstream of the parent that awaited it. The parent's body used
 *   the child's value, so data did flow, even though no argument names it;
 * - a cache hit's original run (`originalRunId`) is upstream of the hit: the hit's output is the
 *   original's output (kind `cached`).
 * A run's parent or children are not lineage by themselves, nor are equal artifact ids.
 *
 * The walk is breadth first and ordered by (depth, run id), which is what makes the cursor stable:
 * a page starts after the (depth, run id) of the previous page's last run. It is bounded by
 * {@link LINEAGE_MAX_DEPTH} levels and {@link LINEAGE_MAX_RUNS} runs; `truncated` says it stopped.
 */
import type { LineageRunView, LineageStepKind } from "../model/api";
import type { Db } from "./db";
import { RUN_COLUMNS, type RunRow, runView } from "./rows";

/** Levels a walk follows at most. */
export const LINEAGE_MAX_DEPTH = 256;
/** Runs a walk visits at most (the start excluded). */
export const LINEAGE_MAX_RUNS = 10_000;

export type LineageDirection = "upstream" | "downstream";

/** Where a page of lineage ends: the depth and id of its last run. */
export interface LineageCursor {
  depth: number;
  runId: string;
}

export interface RunLineagePage {
  runs: LineageRunView[];
  nextCursor: LineageCursor | null;
  /** The walk stopped at a bound: runs further away exist but are not listed. */
  truncated: boolean;
}

interface StepRow {
  at: string;
  next: string;
  kind: LineageStepKind;
}

/** One level's neighbours of a set of runs, sorted so that the first row of a run is its `via`. */
const NEIGHBOURS: Record<LineageDirection, string> = {
  upstream: `
    SELECT r.id AS at, f.from_run AS next, f.kind AS kind FROM flows f JOIN runs r ON r.seq = f.run
    WHERE r.id IN (SELECT value FROM json_each(@frontier))
    UNION
    SELECT r.id, r.original_run_id, 'cached' FROM runs r
    WHERE r.id IN (SELECT value FROM json_each(@frontier)) AND r.original_run_id IS NOT NULL
    ORDER BY next, at, kind LIMIT @max`,
  downstream: `
    SELECT f.from_run AS at, c.id AS next, f.kind AS kind FROM flows f JOIN runs c ON c.seq = f.run
    WHERE f.from_run IN (SELECT value FROM json_each(@frontier))
    UNION
    SELECT r.original_run_id, r.id, 'cached' FROM runs r
    WHERE r.original_run_id IN (SELECT value FROM json_each(@frontier))
    ORDER BY next, at, kind LIMIT @max`,
};

/**
 * One page of the upstream or downstream runs of `runId`.
 *
 * @example
 * ```ts
 * // Everything that fed a model, page by page.
 * let page = runLineage(db, trainRunId, "upstream", 100);
 * while (page.nextCursor) page = runLineage(db, trainRunId, "upstream", 100, page.nextCursor);
 * ```
 */
export function runLineage(
  db: Db,
  runId: string,
  direction: LineageDirection,
  limit: number,
  cursor?: LineageCursor,
  maxDepth = LINEAGE_MAX_DEPTH,
): RunLineagePage {
  const neighbours = db.prepare<[{ frontier: string; max: number }], StepRow>(
    NEIGHBOURS[direction],
  );
  // Every row could be new: more rows than runs left to visit can only cut the walk short.
  const rowsOf = (frontier: string[], left: number): { rows: StepRow[]; cut: boolean } => {
    const max = left * 4 + 1;
    const rows = neighbours.all({ frontier: JSON.stringify(frontier), max });
    return { rows, cut: rows.length === max };
  };
  const seen = new Set([runId]);
  const found: { runId: string; depth: number; via: LineageRunView["via"] }[] = [];
  let frontier = [runId];
  let truncated = false;
  let depth = 0;
  walk: while (frontier.length > 0) {
    if (depth === maxDepth) {
      truncated = rowsOf(frontier, 1).rows.some((r) => !seen.has(r.next));
      break;
    }
    depth++;
    const max = (LINEAGE_MAX_RUNS - (seen.size - 1)) * 4 + 1;
    const level: string[] = [];
    let count = 0;
    // Rows come sorted by run id, the first row of a run being its `via`: a page that ends in this
    // level stops reading it there (a run with 18,000 consumers costs one page, not 18,000 rows).
    for (const row of neighbours.iterate({ frontier: JSON.stringify(frontier), max })) {
      count++;
      if (seen.has(row.next)) continue;
      if (seen.size - 1 >= LINEAGE_MAX_RUNS) {
        truncated = true;
        break;
      }
      seen.add(row.next);
      level.push(row.next);
      const after =
        !cursor || depth > cursor.depth || (depth === cursor.depth && row.next > cursor.runId);
      if (after) {
        found.push({ runId: row.next, depth, via: { runId: row.at, kind: row.kind } });
        // One more than the page tells whether another page follows.
        if (found.length > limit) break walk;
      }
    }
    if (count === max) truncated = true;
    frontier = level;
  }
  const more = found.length > limit;
  const page = found.slice(0, limit);
  const rows = new Map(
    db
      .prepare<[string], RunRow>(
        `SELECT ${RUN_COLUMNS} FROM runs r WHERE r.id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(page.map((p) => p.runId)))
      .map((row) => [row.id, row]),
  );
  const last = page[page.length - 1];
  return {
    runs: page.map((p) => {
      const row = rows.get(p.runId);
      return { ...p, run: row ? runView(row) : null };
    }),
    nextCursor: more && last ? { depth: last.depth, runId: last.runId } : null,
    truncated: more ? false : truncated,
  };
}
