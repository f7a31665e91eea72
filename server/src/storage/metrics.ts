/**
 * Metrics: numbers that steps logged with `logMetric`, stored as append-only points of a run and
 * read back per run (with its descendants) or per pipeline (root runs of one step name, newest first).
 *
 * @example
 * ```ts
 * const page = pipelineMetrics(db, "train", { name: "loss", limit: 100 });
 * for (const m of page.metrics) console.log(m.rootId, m.step, m.value);
 * ```
 */
import type { MetricEvent, RunState } from "../model/events";
import type { Db } from "./db";

/** One stored point, as the API answers it (Metric in openapi.yaml). */
export interface MetricView {
  runId: string;
  rootId: string;
  name: string;
  value: number;
  step: number | null;
  labels: Record<string, string>;
  at: number;
}

/** A point of a pipeline's metrics, with its root run's state and start (PipelineMetric). */
export interface PipelineMetricView extends MetricView {
  rootState: RunState;
  rootStartedAt: number;
}

/** Where a pipeline's pages continue: the last root run of the previous page. */
export interface RootCursor {
  createdAt: number;
  id: string;
}

export interface PipelineMetricPage {
  metrics: PipelineMetricView[];
  nextCursor: RootCursor | null;
}

/** One root run of a pipeline in its summary (PipelineRun in openapi.yaml). */
export interface PipelineRunView {
  rootId: string;
  state: RunState;
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
  mode: string;
  executor: string | null;
}

export interface PipelineSummary {
  stepName: string;
  runs: PipelineRunView[];
  /** Resolved runs among the listed runs that ended; null when none of them ended. */
  successRate: number | null;
  /** Root runs of this pipeline on the server (all of them, not only the listed ones). */
  count: number;
}

interface MetricRow {
  runId: string;
  rootId: string;
  name: string;
  value: number;
  step: number | null;
  labels: string;
  at: number;
}

const COLUMNS = `m.run_id AS runId, m.root_id AS rootId, m.name, m.value, m.step,
  m.labels_json AS labels, m.at`;

function view<R extends MetricRow>(row: R): Omit<R, "labels"> & { labels: Record<string, string> } {
  return { ...row, labels: JSON.parse(row.labels) as Record<string, string> };
}

/** Writes the metric events of an ingested batch (inside the batch's transaction). */
export class MetricWrites {
  private readonly insert;

  constructor(db: Db) {
    this.insert = db.prepare(
      `INSERT INTO metrics (root_id, run_id, name, value, step, labels_json, at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  add(event: MetricEvent): void {
    this.insert.run(
      event.rootId,
      event.runId,
      event.name,
      event.value,
      event.step ?? null,
      JSON.stringify(event.labels ?? {}),
      event.at,
    );
  }
}

/** The points of `runId` and of every run below it, in the order they were logged. */
export function runMetrics(db: Db, runId: string): MetricView[] {
  const rows = db
    .prepare<[string], MetricRow>(
      `WITH RECURSIVE below(id) AS (
         SELECT ? UNION ALL SELECT r.id FROM runs r JOIN below b ON r.parent_id = b.id
       )
       SELECT ${COLUMNS} FROM metrics m JOIN below b ON m.run_id = b.id
       ORDER BY m.at, m.seq`,
    )
    .all(runId);
  return rows.map(view);
}

/**
 * A page of a pipeline's points: `limit` root runs named `stepName` (newest first, after `cursor`)
 * and every point logged under them (only those named `name`, when given).
 */
export function pipelineMetrics(
  db: Db,
  stepName: string,
  options: { name?: string; limit: number; cursor?: RootCursor },
): PipelineMetricPage {
  const roots = pipelineRoots(db, stepName, options.limit, options.cursor);
  const page = roots.slice(0, options.limit);
  const byId = new Map(page.map((r) => [r.id, r]));
  // One statement for the whole page (a statement per root took most of the answer's time).
  const rows = db
    .prepare<[string, string | null, string | null], MetricRow>(
      `SELECT ${COLUMNS} FROM json_each(?) p JOIN metrics m ON m.root_id = p.value
       WHERE (? IS NULL OR m.name = ?) ORDER BY p.key, m.at, m.seq`,
    )
    .all(JSON.stringify(page.map((r) => r.id)), options.name ?? null, options.name ?? null);
  // Label sets repeat across points: parse each distinct one once.
  const labelSets = new Map<string, Record<string, string>>();
  const metrics = rows.map((row): PipelineMetricView => {
    let labels = labelSets.get(row.labels);
    if (!labels) {
      labels = JSON.parse(row.labels) as Record<string, string>;
      labelSets.set(row.labels, labels);
    }
    const root = byId.get(row.rootId)!;
    return {
      runId: row.runId,
      rootId: row.rootId,
      name: row.name,
      value: row.value,
      step: row.step,
      labels,
      at: row.at,
      rootState: root.state,
      rootStartedAt: root.startedAt,
    };
  });
  const last = page[page.length - 1];
  return {
    metrics,
    nextCursor:
      roots.length > options.limit && last ? { createdAt: last.createdAt, id: last.id } : null,
  };
}

/** A root run of a pipeline as stored. */
export interface RootRow {
  id: string;
  state: RunState;
  createdAt: number;
  startedAt: number;
  endedAt: number | null;
  mode: string;
  executor: string | null;
}

/** Up to `limit + 1` root runs named `stepName`, newest first, after `cursor`. */
export function pipelineRoots(
  db: Db,
  stepName: string,
  limit: number,
  cursor: RootCursor | undefined,
): RootRow[] {
  return db
    .prepare<[string, number, number, number, string, number], RootRow>(
      `SELECT r.id, r.state, r.created_at AS createdAt,
         COALESCE(r.started_at, r.created_at) AS startedAt, r.ended_at AS endedAt, o.mode,
         (SELECT j.executor FROM jobs j WHERE j.root_id = r.id ORDER BY j.created_at LIMIT 1)
           AS executor
       FROM runs r JOIN roots o ON o.root_id = r.id
       WHERE r.step_name = ? AND r.id = r.root_id
         AND (? = 0 OR r.created_at < ? OR (r.created_at = ? AND r.id < ?))
       ORDER BY r.created_at DESC, r.id DESC LIMIT ?`,
    )
    .all(
      stepName,
      cursor ? 1 : 0,
      cursor?.createdAt ?? 0,
      cursor?.createdAt ?? 0,
      cursor?.id ?? "",
      limit + 1,
    );
}

/** The newest `limit` root runs of a pipeline, with their success rate and the pipeline's count. */
export function pipelineSummary(db: Db, stepName: string, limit: number): PipelineSummary {
  const roots = pipelineRoots(db, stepName, limit, undefined).slice(0, limit);
  const count = pipelineRunCount(db, stepName);
  let ended = 0;
  let resolved = 0;
  const runs = roots.map((r): PipelineRunView => {
    if (r.endedAt !== null) {
      ended++;
      if (r.state === "resolved") resolved++;
    }
    return {
      rootId: r.id,
      state: r.state,
      startedAt: r.startedAt,
      endedAt: r.endedAt,
      durationMs: r.endedAt === null ? null : Math.max(0, r.endedAt - r.startedAt),
      mode: r.mode,
      executor: r.executor,
    };
  });
  return { stepName, runs, successRate: ended === 0 ? null : resolved / ended, count };
}

/** How many root runs named `stepName` the server holds. */
export function pipelineRunCount(db: Db, stepName: string): number {
  return db
    .prepare<[string], { n: number }>(
      "SELECT COUNT(*) AS n FROM runs WHERE step_name = ? AND id = root_id",
    )
    .get(stepName)!.n;
}
