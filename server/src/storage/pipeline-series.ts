/**
 * A pipeline's metrics already aggregated for plotting across runs: per metric and label set, one
 * value per root run (the last one it logged: a curve's final value, a retried step's last), with
 * the page's root runs (state, start, duration). What the pipeline view draws, in a fraction of the
 * bytes of every stored point (1,000 runs × 10 metrics: 2,320 KiB of points).
 *
 * @example
 * ```ts
 * const page = pipelineSeries(db, "train", { limit: 1000 });
 * for (const s of page.series) {
 *   s.runs.forEach((i, k) => console.log(s.name, s.labels, page.runs[i]!.rootId, s.values[k]));
 * }
 * ```
 */
import type * as wire from "../wire";
import type { Db } from "./db";
import { pipelineRoots, pipelineRunCount, type RootCursor, type RootRow } from "./metrics";

/** The most series (metric name × label set) one page answers; the others are counted, not sent. */
export const MAX_SERIES_PER_PAGE = 200;

/** A root run of the page: its start is its creation if it never started. */
export type PipelineSeriesRun = wire.PipelineSeriesRun;

/** One metric with one label set across the page's runs: `runs[k]` (an index) logged `values[k]` last. */
export type MetricSeries = wire.MetricSeries;

/**
 * The answer of `GET /pipelines/{stepName}/series` before its cursor is encoded: series sorted by
 * name, then label set (its JSON); those past {@link MAX_SERIES_PER_PAGE} counted in `omittedSeries`.
 */
export type PipelineSeriesPage = Omit<wire.PipelineSeriesPage, "nextCursor"> & {
  nextCursor: RootCursor | null;
};

interface LastValueRow {
  runIndex: number;
  name: string;
  labels: string;
  value: number;
}

/**
 * A page of `limit` root runs named `stepName` (newest first, after `cursor`) with, per metric
 * (only `name`, when given) and label set, each run's last value.
 */
export function pipelineSeries(
  db: Db,
  stepName: string,
  options: { name?: string; limit: number; cursor?: RootCursor },
): PipelineSeriesPage {
  const roots = pipelineRoots(db, stepName, options.limit, options.cursor);
  const page = roots.slice(0, options.limit);
  // The last point of each (root, name, label set), picked by sqlite: a run's curve of thousands
  // of steps becomes one row before it reaches JavaScript.
  const rows = db
    .prepare<[string, string | null, string | null], LastValueRow>(
      `SELECT runIndex, name, labels, value FROM (
         SELECT p.key AS runIndex, m.name, m.labels_json AS labels, m.value,
           ROW_NUMBER() OVER (
             PARTITION BY m.root_id, m.name, m.labels_json ORDER BY m.at DESC, m.seq DESC
           ) AS newest
         FROM json_each(?) p JOIN metrics m ON m.root_id = p.value
         WHERE (? IS NULL OR m.name = ?)
       ) WHERE newest = 1
       ORDER BY name, labels, runIndex`,
    )
    .all(JSON.stringify(page.map((r) => r.id)), options.name ?? null, options.name ?? null);
  const series: MetricSeries[] = [];
  let omittedSeries = 0;
  // The series being filled (null once past the bound: its rows are only counted).
  let current = null as { key: string; series: MetricSeries | null } | null;
  for (const row of rows) {
    const key = `${row.name}\u0000${row.labels}`;
    if (current?.key !== key) {
      const fits = series.length < MAX_SERIES_PER_PAGE;
      current = {
        key,
        series: fits
          ? {
              name: row.name,
              labels: JSON.parse(row.labels) as Record<string, string>,
              runs: [],
              values: [],
            }
          : null,
      };
      if (current.series) series.push(current.series);
      else omittedSeries++;
    }
    current.series?.runs.push(row.runIndex);
    current.series?.values.push(row.value);
  }
  const last = page[page.length - 1];
  return {
    stepName,
    runs: page.map(seriesRun),
    successRate: successRate(page),
    count: pipelineRunCount(db, stepName),
    series,
    omittedSeries,
    nextCursor:
      roots.length > options.limit && last ? { createdAt: last.createdAt, id: last.id } : null,
  };
}

function seriesRun(r: RootRow): PipelineSeriesRun {
  return {
    rootId: r.id,
    state: r.state,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    durationMs: r.endedAt === null ? null : Math.max(0, r.endedAt - r.startedAt),
  };
}

function successRate(roots: readonly RootRow[]): number | null {
  const ended = roots.filter((r) => r.endedAt !== null);
  return ended.length === 0
    ? null
    : ended.filter((r) => r.state === "resolved").length / ended.length;
}
