/**
 * The Vega-Lite specs of the pipeline view: a metric across runs (a line and points per label
 * set; each point carries its root run's id, so a click opens that run), a run's curves by step
 * index, and the runs over time (duration, colored by state). No animation, fixed size, so that a
 * plot of the same data draws the same pixels.
 *
 * Each spec is a chart shape (./chart-shapes.ts): its data named, the metric's name a hole, so
 * that the charts of all metrics share one compile. Tooltips are described when shown, from the
 * point under the pointer (`tooltip`), not formatted for every point when the chart is drawn.
 *
 * @example
 * ```ts
 * const points = acrossRuns(page).get("val_loss")!.map((p) => ({ ...p, marked: true }));
 * const chart = acrossRunsSpec("val_loss", points);
 * new SpecChart({ spec: chart, tooltip: acrossRunsTooltip("val_loss") }); // ./tooltips.ts
 * ```
 */
import { hole, type IChartSpec } from "./chart-shapes";
import type { IRunPoint, IStepPoint, ITimelinePoint } from "./series";

/** The hole of a spec that the metric's name fills. */
const METRIC_NAME = hole("metric");

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

const WIDTH = 420;
const HEIGHT = 160;

/** Colors of run states, the runs panel's (light and dark read alike). */
const STATE_DOMAIN = [
  "resolved",
  "failed",
  "nested-failed",
  "canceled",
  "running",
  "created",
  "scheduled",
  "retrying",
];
const STATE_RANGE = [
  "#2e7d32",
  "#c62828",
  "#ad1457",
  "#757575",
  "#1565c0",
  "#9e9e9e",
  "#6a1b9a",
  "#ef6c00",
];

const TIME_AXIS = { title: null, format: "%b %d %H:%M", labelAngle: 0, labelOverlap: true };

/** The name of a metric chart's data (the view swaps in every point after the first paint). */
export const METRIC_POINTS = "points";

/** The name of the runs-over-time chart's data. */
const RUNS = "runs";

/** The name of a curves chart's data. */
const STEPS = "steps";

/**
 * A root run drawn as a point, in the metric charts and the runs-over-time chart alike: a click
 * target (it opens the run) whose tooltip is built when shown. Each spec gets a copy of its own.
 */
const RUN_POINT_MARK = {
  type: "point",
  filled: true,
  size: 60,
  cursor: "pointer",
  tooltip: { content: "data" },
} as const;

/** A point of a metric across runs as a chart draws it. */
export interface IDrawnRunPoint extends IRunPoint {
  /** Drawn as a point (a click target) too, not only as a vertex of its series' line. */
  readonly marked: boolean;
}

export function acrossRunsSpec(name: string, points: readonly IDrawnRunPoint[]): IChartSpec {
  const spec = {
    $schema: SCHEMA,
    description: `${METRIC_NAME} across runs`,
    width: WIDTH,
    height: HEIGHT,
    data: { name: METRIC_POINTS, values: points.map((point) => ({ ...point })) },
    encoding: {
      x: { field: "x", type: "temporal", axis: TIME_AXIS },
      y: { field: "value", type: "quantitative", title: METRIC_NAME, scale: { zero: false } },
      color: { field: "series", type: "nominal", title: null, legend: { orient: "bottom" } },
    },
    layer: [
      { mark: { type: "line", interpolate: "linear" } },
      {
        // A point costs a shape to draw: the first paint of a long series draws its line only.
        transform: [{ filter: "datum.marked" }],
        mark: { ...RUN_POINT_MARK },
      },
    ],
  };
  return { spec, holes: { [METRIC_NAME]: name } };
}

export function curvesSpec(name: string, points: readonly IStepPoint[]): IChartSpec {
  const spec = {
    $schema: SCHEMA,
    description: `${METRIC_NAME} by step`,
    width: WIDTH,
    height: HEIGHT,
    data: { name: STEPS, values: points.map((point) => ({ ...point })) },
    mark: { type: "line", point: true, tooltip: { content: "data" } },
    encoding: {
      x: { field: "step", type: "quantitative", title: "step" },
      y: { field: "value", type: "quantitative", title: METRIC_NAME, scale: { zero: false } },
      color: { field: "series", type: "nominal", title: null, legend: { orient: "bottom" } },
    },
  };
  return { spec, holes: { [METRIC_NAME]: name } };
}

export function timelineSpec(points: readonly ITimelinePoint[]): IChartSpec {
  const spec = {
    $schema: SCHEMA,
    description: "runs over time",
    width: WIDTH,
    height: HEIGHT,
    data: {
      name: RUNS,
      values: points.map((point) => ({
        ...point,
        seconds: point.durationMs === null ? 0 : point.durationMs / 1000,
      })),
    },
    mark: { ...RUN_POINT_MARK },
    encoding: {
      x: { field: "x", type: "temporal", axis: TIME_AXIS },
      y: { field: "seconds", type: "quantitative", title: "duration (s)" },
      color: {
        field: "state",
        type: "nominal",
        title: null,
        scale: { domain: STATE_DOMAIN, range: STATE_RANGE },
        legend: { orient: "bottom" },
      },
    },
  };
  return { spec };
}
