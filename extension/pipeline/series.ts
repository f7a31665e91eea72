/**
 * What the pipeline view plots, computed from the server's answers without the DOM: every metric
 * across runs (one line per label set, one point per root run: the last value it logged), the
 * curves within one run (by step index), the runs over time, and the success rate.
 *
 * @example
 * ```ts
 * const byName = acrossRuns(await api.pipelineSeries("train")); // Map name → points
 * byName.get("val_loss"); // [{ rootId, series: "split=val", x: startedAt, value }, ...]
 * successRate(summary.runs); // 0.8
 * ```
 */
import type { IMetric, IPipelineSeriesPage, IPipelineSeriesRun } from "./api";

/** Root run states that count as a success / as ended (the server's terminal states). */
const RESOLVED = "resolved";
const ENDED = new Set(["resolved", "failed", "nested-failed", "canceled"]);

/** A point of a metric across runs: the root run's last value of one label set. */
export interface IRunPoint {
  readonly rootId: string;
  /** The label set, as shown in the legend (`"(no labels)"` when it has none). */
  readonly series: string;
  /** When the root run started (ms since the epoch); its first metric's time when unknown. */
  readonly x: number;
  readonly value: number;
  readonly state: string;
}

/** A point of a curve within one run. */
export interface IStepPoint {
  readonly series: string;
  readonly step: number;
  readonly value: number;
}

/** The legend name of a label set: `key=value` pairs sorted by key, joined by ", ". */
export function seriesName(labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) {
    return "(no labels)";
  }
  return keys.map((key) => `${key}=${labels[key]}`).join(", ");
}

/**
 * Every metric across runs: by metric name (sorted), the points of each label set per root run,
 * oldest run first. The server already kept one value per run and label set (the last it logged).
 */
export function acrossRuns(page: IPipelineSeriesPage): Map<string, IRunPoint[]> {
  const byName = new Map<string, IRunPoint[]>();
  for (const series of page.series) {
    let points = byName.get(series.name);
    if (!points) {
      byName.set(series.name, (points = []));
    }
    const name = seriesName(series.labels);
    series.runs.forEach((index, k) => {
      const run = page.runs[index];
      if (run) {
        points.push({
          rootId: run.rootId,
          series: name,
          x: run.startedAt,
          value: series.values[k]!,
          state: run.state,
        });
      }
    });
  }
  for (const points of byName.values()) {
    points.sort(
      (a, b) => a.x - b.x || a.rootId.localeCompare(b.rootId) || a.series.localeCompare(b.series),
    );
  }
  return new Map([...byName.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The curves of one run: by metric name, the values logged with a step index, one series per
 * label set, by step. Values logged without a step are not curves and are left out.
 */
export function curvesOf(metrics: readonly IMetric[]): Map<string, IStepPoint[]> {
  const byName = new Map<string, IStepPoint[]>();
  for (const metric of metrics) {
    if (metric.step === null) {
      continue;
    }
    let points = byName.get(metric.name);
    if (!points) {
      byName.set(metric.name, (points = []));
    }
    points.push({ series: seriesName(metric.labels), step: metric.step, value: metric.value });
  }
  for (const points of byName.values()) {
    points.sort((a, b) => a.series.localeCompare(b.series) || a.step - b.step);
  }
  return new Map([...byName.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

/** Resolved runs among the ended ones (0..1); null when none has ended yet. */
export function successRate(runs: readonly Pick<IPipelineSeriesRun, "state">[]): number | null {
  const ended = runs.filter((run) => ENDED.has(run.state));
  if (ended.length === 0) {
    return null;
  }
  return ended.filter((run) => run.state === RESOLVED).length / ended.length;
}

/** The median duration of the ended runs (ms); null when none has a duration. */
export function medianDuration(runs: readonly IPipelineSeriesRun[]): number | null {
  const durations = runs
    .map((run) => run.durationMs)
    .filter((ms): ms is number => typeof ms === "number" && Number.isFinite(ms))
    .sort((a, b) => a - b);
  if (durations.length === 0) {
    return null;
  }
  const middle = Math.floor(durations.length / 2);
  return durations.length % 2 === 1
    ? durations[middle]!
    : (durations[middle - 1]! + durations[middle]!) / 2;
}

/** A run over time: when it started, how long it took (null while running), its state. */
export interface ITimelinePoint {
  readonly rootId: string;
  readonly x: number;
  readonly durationMs: number | null;
  readonly state: string;
}

/** The runs over time, oldest first (a run that never started: at its creation). */
export function timeline(runs: readonly IPipelineSeriesRun[]): ITimelinePoint[] {
  return runs
    .map((run) => ({
      rootId: run.rootId,
      x: run.startedAt,
      durationMs: run.durationMs,
      state: run.state,
    }))
    .sort((a, b) => a.x - b.x || a.rootId.localeCompare(b.rootId));
}

/** A duration as people read it: `850 ms`, `12.3 s`, `4 min 05 s`, `2 h 03 min`. */
export function formatDuration(ms: number | null): string {
  if (ms === null) {
    return "—";
  }
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  const seconds = ms / 1000;
  if (seconds < 60) {
    return `${seconds.toFixed(1)} s`;
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    return `${minutes} min ${String(Math.floor(seconds % 60)).padStart(2, "0")} s`;
  }
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}
