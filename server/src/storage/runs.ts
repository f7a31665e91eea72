/** Reading runs: one run, its children (paged), and listing/searching with a stable cursor. */
import type { RunDetailView, RunView } from "../model/api";
import type { RunState } from "../model/events";
import type { Db } from "./db";
import {
  type AttemptEndRow,
  type AttemptStartRow,
  attemptViews,
  RUN_COLUMNS,
  type RunRow,
  runDetailView,
  type SourceRow,
  runView,
} from "./rows";

export function getRunDetail(db: Db, runId: string): RunDetailView | undefined {
  const row = db
    .prepare<[string], RunRow & SourceRow>(
      `SELECT ${RUN_COLUMNS}, r.source_text, r.source_typescript, r.source_cell
       FROM runs r WHERE r.id = ?`,
    )
    .get(runId);
  if (!row) return undefined;
  const starts = db
    .prepare<[string], AttemptStartRow>(
      `SELECT a.attempt, a.started_at FROM attempt_starts a JOIN runs r ON r.seq = a.run
       WHERE r.id = ? ORDER BY a.attempt`,
    )
    .all(runId);
  const ends = db
    .prepare<[string], AttemptEndRow>(
      `SELECT a.attempt, a.state, a.ended_at, a.error_json FROM attempt_ends a
       JOIN runs r ON r.seq = a.run WHERE r.id = ? ORDER BY a.attempt`,
    )
    .all(runId);
  return runDetailView(row, attemptViews(row, starts, ends));
}

export function getRun(db: Db, runId: string): RunView | undefined {
  const row = db
    .prepare<[string], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs r WHERE r.id = ?`)
    .get(runId);
  return row && runView(row);
}

/** How many child ids `GET /runs/{id}` lists; the rest are paged by {@link listChildren}. */
export const CHILD_IDS_LIMIT = 1000;

/** The first child ids of a run, in creation order, and whether it has more. */
export function childIds(
  db: Db,
  runId: string,
  limit = CHILD_IDS_LIMIT,
): { ids: string[]; more: boolean } {
  const ids = db
    .prepare<[string, number], { id: string }>(
      "SELECT id FROM runs WHERE parent_id = ? ORDER BY created_at, id LIMIT ?",
    )
    .all(runId, limit + 1)
    .map((r) => r.id);
  return { ids: ids.slice(0, limit), more: ids.length > limit };
}

/**
 * A page of a run's children, oldest first; `cursor` is the sort key of the previous page's last
 * child.
 *
 * @example
 * ```ts
 * let page = listChildren(db, rootId, 100);
 * while (page.nextCursor) page = listChildren(db, rootId, 100, page.nextCursor);
 * ```
 */
export function listChildren(db: Db, runId: string, limit: number, cursor?: RunCursor): RunPage {
  const rows = cursor
    ? db
        .prepare<[string, number, string, number], RunRow>(
          `SELECT ${RUN_COLUMNS} FROM runs r WHERE r.parent_id = ? AND (r.created_at, r.id) > (?, ?)
           ORDER BY r.created_at, r.id LIMIT ?`,
        )
        .all(runId, cursor.createdAt, cursor.id, limit + 1)
    : db
        .prepare<[string, number], RunRow>(
          `SELECT ${RUN_COLUMNS} FROM runs r WHERE r.parent_id = ?
           ORDER BY r.created_at, r.id LIMIT ?`,
        )
        .all(runId, limit + 1);
  return pageOf(rows, limit);
}

function pageOf(rows: RunRow[], limit: number): RunPage {
  const page = rows.slice(0, limit).map(runView);
  const last = page[page.length - 1];
  return {
    runs: page,
    nextCursor: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null,
  };
}

/** Where a page of runs ends: the sort key of its last run. */
export interface RunCursor {
  createdAt: number;
  id: string;
}

export interface RunFilter {
  /** Exact step name. */
  name?: string;
  /** Part of the step name, in any (ASCII) case. */
  nameContains?: string;
  /** Runs of root runs whose step name is this. */
  pipeline?: string;
  /** Runs in any of these states. */
  states?: RunState[];
  tag?: string;
  rootOnly?: boolean;
  rootId?: string;
  /** Created at or after (ms since the epoch). */
  since?: number;
  /** Created before (ms since the epoch). */
  until?: number;
  /** Case-insensitive substring of the step name or a tag, or a run id prefix. */
  text?: string;
  /** Runs of roots that ran in this mode (`local`, `cloud`, `silent`). */
  mode?: string;
  /** Runs of roots that ran a job on this executor (`local`, `slurm`). */
  executor?: string;
  limit: number;
  cursor?: RunCursor;
}

export interface RunPage {
  runs: RunView[];
  nextCursor: RunCursor | null;
}

/** Runs matching every given filter, newest first. */
/** Connections that know `unicode_lower` (sqlite's own lower() folds ASCII letters only). */
const withUnicodeLower = new WeakSet<Db>();

/**
 * Registers `unicode_lower(text)`, JavaScript's toLowerCase, so that name searches fold "МОДЕЛЬ"
 * and "CAFÉ" as they fold "MODEL".
 */
function ensureUnicodeLower(db: Db): void {
  if (withUnicodeLower.has(db)) return;
  db.function("unicode_lower", { deterministic: true }, (text: unknown) =>
    typeof text === "string" ? text.toLowerCase() : text,
  );
  withUnicodeLower.add(db);
}

export function listRuns(db: Db, f: RunFilter): RunPage {
  ensureUnicodeLower(db);
  const where: string[] = [];
  const params: (string | number)[] = [];
  const add = (clause: string, ...values: (string | number)[]): void => {
    where.push(clause);
    params.push(...values);
  };
  if (f.name !== undefined) add("r.step_name = ?", f.name);
  if (f.pipeline !== undefined) {
    add(
      "r.root_id IN (SELECT p.id FROM runs p WHERE p.id = p.root_id AND p.step_name = ?)",
      f.pipeline,
    );
  }
  if (f.nameContains !== undefined) {
    add("instr(unicode_lower(r.step_name), ?) > 0", f.nameContains.toLowerCase());
  }
  if (f.states !== undefined && f.states.length > 0) {
    add(`r.state IN (${f.states.map(() => "?").join(", ")})`, ...f.states);
  }
  if (f.tag !== undefined) {
    add("EXISTS (SELECT 1 FROM run_tags t WHERE t.tag = ? AND t.run = r.seq)", f.tag);
  }
  if (f.rootOnly) add("r.id = r.root_id");
  if (f.rootId !== undefined) add("r.root_id = ?", f.rootId);
  if (f.since !== undefined) add("r.created_at >= ?", f.since);
  if (f.until !== undefined) add("r.created_at < ?", f.until);
  if (f.text !== undefined) {
    const t = f.text.toLowerCase();
    add(
      `(instr(unicode_lower(r.step_name), ?) > 0 OR instr(unicode_lower(r.tags_json), ?) > 0
        OR substr(r.id, 1, length(?)) = ?)`,
      t,
      t,
      t,
      t,
    );
  }
  if (f.mode !== undefined) {
    add("r.root_id IN (SELECT o.root_id FROM roots o WHERE o.mode = ?)", f.mode);
  }
  if (f.executor !== undefined) {
    add("r.root_id IN (SELECT j.root_id FROM jobs j WHERE j.executor = ?)", f.executor);
  }
  if (f.cursor) {
    // A row value, so sqlite starts the index walk at the cursor instead of filtering up to it.
    add("(r.created_at, r.id) < (?, ?)", f.cursor.createdAt, f.cursor.id);
  }
  const sql = `SELECT ${RUN_COLUMNS} FROM runs r
    ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
    ORDER BY r.created_at DESC, r.id DESC LIMIT ?`;
  const rows = db.prepare<(string | number)[], RunRow>(sql).all(...params, f.limit + 1);
  return pageOf(rows, f.limit);
}
