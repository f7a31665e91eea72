/**
 * `tsematic metrics <pipeline> [--name NAME] [--limit N] [--json]`: the metrics of a pipeline's
 * newest root runs, one row per run and series (name + labels) with its last, min and max values;
 * `--json` prints every point. Also what `tsematic show` prints about a run's metrics and a root's
 * notes pane.
 */
import type { RunState } from "../model/events";
import { type ApiClient, ApiError } from "./client";
import { CliError } from "./errors";
import { table, time } from "./format";
import type { Parsed } from "./main";

/** A point as `GET /runs/{id}/metrics` answers it. */
export interface MetricPoint {
  runId: string;
  rootId: string;
  name: string;
  value: number;
  step: number | null;
  labels: Record<string, string>;
  at: number;
}

interface PipelinePoint extends MetricPoint {
  rootState: RunState;
  rootStartedAt: number;
}

export interface NotesPane {
  text: string;
  updatedAt: number | null;
  author: string | null;
}

/** Root runs a page asks for (the server's largest page). */
const PAGE_ROOTS = 1000;

export async function metricsCommand(
  args: Parsed,
  api: ApiClient,
  print: (text: string) => void,
): Promise<number> {
  const [pipeline, extra] = args.positionals;
  if (pipeline === undefined) {
    throw CliError.usage(
      "give the pipeline: the step name of its root runs (list them with `tsematic runs`)",
    );
  }
  if (extra !== undefined) throw CliError.usage(`unexpected argument "${extra}"`);
  const name = args.values.name as string | undefined;
  const limitText = (args.values.limit as string | undefined) ?? "20";
  const limit = Number(limitText);
  if (!/^\d+$/.test(limitText) || limit < 1 || limit > 100_000) {
    throw CliError.usage(`--limit ${limitText}: give a number of root runs from 1 to 100000`);
  }
  const points: PipelinePoint[] = [];
  let cursor: string | null = null;
  let roots = 0;
  do {
    const size = Math.min(PAGE_ROOTS, limit - roots);
    const query = new URLSearchParams({ limit: String(size) });
    if (name !== undefined) query.set("name", name);
    if (cursor !== null) query.set("cursor", cursor);
    const page: { metrics: PipelinePoint[]; nextCursor: string | null } = await api.get(
      `/pipelines/${encodeURIComponent(pipeline)}/metrics?${query}`,
    );
    points.push(...page.metrics);
    roots += size;
    cursor = page.nextCursor;
  } while (cursor !== null && roots < limit);
  if (args.values.json) {
    print(JSON.stringify({ pipeline, metrics: points }, null, 2));
    return 0;
  }
  if (points.length === 0) {
    print(
      `No metrics${name ? ` named "${name}"` : ""} in runs of pipeline "${pipeline}": steps log ` +
        'them with logMetric("loss", value) (see `tsematic runs --pipeline NAME` for its runs)',
    );
    return 0;
  }
  const rows = seriesRows(points).map((s) => {
    const root = s.points[0] as PipelinePoint;
    return [root.rootId.slice(0, 12), time(root.rootStartedAt), root.rootState, ...seriesCells(s)];
  });
  print(table(["ROOT", "STARTED", "STATE", ...SERIES_HEADERS], rows));
  return 0;
}

const SERIES_HEADERS = ["METRIC", "LABELS", "POINTS", "LAST", "MIN", "MAX"];

interface Series {
  name: string;
  labels: string;
  points: MetricPoint[];
}

/** Points grouped by run root, name and labels, in the order first seen. */
function seriesRows(points: MetricPoint[]): Series[] {
  const series = new Map<string, Series>();
  for (const p of points) {
    const labels = Object.entries(p.labels)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    const key = JSON.stringify([p.rootId, p.name, labels]);
    let s = series.get(key);
    if (!s) {
      s = { name: p.name, labels, points: [] };
      series.set(key, s);
    }
    s.points.push(p);
  }
  return [...series.values()];
}

function seriesCells(s: Series): string[] {
  const values = s.points.map((p) => p.value);
  return [
    s.name,
    s.labels || "-",
    String(values.length),
    number(values[values.length - 1]!),
    number(Math.min(...values)),
    number(Math.max(...values)),
  ];
}

function number(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6)));
}

/** A run's metrics, or undefined when the server predates metrics. */
export async function runMetrics(
  api: ApiClient,
  runId: string,
): Promise<MetricPoint[] | undefined> {
  try {
    return (await api.get<{ metrics: MetricPoint[] }>(`/runs/${runId}/metrics`)).metrics;
  } catch (err) {
    if (err instanceof ApiError && err.code === "route_not_found") return undefined;
    throw err;
  }
}

/** A root's notes pane, or undefined when the server predates notes panes. */
export async function notesPaneOf(api: ApiClient, rootId: string): Promise<NotesPane | undefined> {
  try {
    return await api.get<NotesPane>(`/runs/${rootId}/notes-pane`);
  } catch (err) {
    if (err instanceof ApiError && err.code === "route_not_found") return undefined;
    throw err;
  }
}

/** What `tsematic show` prints of a run's metrics (its own and below it) and a root's notes. */
export function printMetricsAndNotes(
  print: (text: string) => void,
  metrics: MetricPoint[] | undefined,
  notes: NotesPane | undefined,
): void {
  if (metrics && metrics.length > 0) {
    print(`Metrics (${metrics.length} points)`);
    print(
      table(
        ["  RUN", ...SERIES_HEADERS],
        seriesRowsByRun(metrics).map((s) => [
          `  ${s.points[0]!.runId.slice(0, 12)}`,
          ...seriesCells(s),
        ]),
      ),
    );
  }
  if (notes && notes.text.length > 0) {
    const by = notes.author ? ` by ${notes.author}` : "";
    print(`Notes (edited ${time(notes.updatedAt)}${by})`);
    print(notes.text.replace(/^/gm, "  "));
  }
}

/** Series of a run and its descendants: grouped by run as well. */
function seriesRowsByRun(points: MetricPoint[]): Series[] {
  return seriesRows(points.map((p) => ({ ...p, rootId: p.runId })));
}
