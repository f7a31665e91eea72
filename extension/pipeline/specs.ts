/**
 * The Vega-Lite specs of the pipeline view: every metric across runs in one faceted view (a line
 * and points per label set; each point carries its root run's id, so a click opens that run), a run's curves by step
 * index, and the runs over time (duration, colored by state). No animation, fixed size, so that a
 * plot of the same data draws the same pixels.
 *
 * @example
 * ```ts
 * const spec = acrossRunsSpec(["loss", "val_loss"], points); // points: { name, rootId, x, value, ... }
 * await embed(node, spec);
 * ```
 */
import type { IRunPoint, IStepPoint, ITimelinePoint } from "./series";

type Spec = Record<string, unknown>;

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

/** The name of the data the metrics chart draws (the view swaps in every point after first paint). */
export const METRIC_POINTS = "points";

/** A metric's point, named (the facet of its chart). */
export interface INamedRunPoint extends IRunPoint {
  readonly name: string;
}

/**
 * Every metric across runs in one view: a chart per metric (a facet by name, two columns, each its
 * own y scale), a line and points per label set. One view compiles and draws once, where a view
 * per metric paid Vega's compile and parse ten times over.
 */
export function acrossRunsSpec(names: readonly string[], points: readonly INamedRunPoint[]): Spec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    description: `${names.join(", ")} across runs`,
    data: { name: METRIC_POINTS, values: points.map((point) => ({ ...point })) },
    facet: {
      field: "name",
      type: "nominal",
      sort: [...names],
      title: null,
      header: { labelAnchor: "start", labelFontWeight: "bold", labelFontSize: 12 },
    },
    columns: 2,
    resolve: { scale: { y: "independent" } },
    spec: {
      width: WIDTH,
      height: HEIGHT,
      encoding: {
        x: { field: "x", type: "temporal", axis: TIME_AXIS },
        y: { field: "value", type: "quantitative", title: null, scale: { zero: false } },
        color: { field: "series", type: "nominal", title: null, legend: { orient: "bottom" } },
      },
      layer: [
        { mark: { type: "line", interpolate: "linear" } },
        {
          mark: { type: "point", filled: true, size: 60, cursor: "pointer" },
          encoding: {
            tooltip: [
              { field: "rootId", title: "run" },
              { field: "name", title: "metric" },
              { field: "series", title: "labels" },
              { field: "value", format: ".4~g" },
              { field: "state" },
              { field: "x", type: "temporal", title: "started", format: "%Y-%m-%d %H:%M:%S" },
            ],
          },
        },
      ],
    },
  };
}

export function curvesSpec(name: string, points: readonly IStepPoint[]): Spec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    description: `${name} by step`,
    width: WIDTH,
    height: HEIGHT,
    data: { values: points.map((point) => ({ ...point })) },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "step", type: "quantitative", title: "step" },
      y: { field: "value", type: "quantitative", title: name, scale: { zero: false } },
      color: { field: "series", type: "nominal", title: null, legend: { orient: "bottom" } },
      tooltip: [
        { field: "series", title: "labels" },
        { field: "step" },
        { field: "value", title: name, format: ".4~g" },
      ],
    },
  };
}

export function timelineSpec(points: readonly ITimelinePoint[]): Spec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    description: "runs over time",
    width: WIDTH,
    height: HEIGHT,
    data: {
      values: points.map((point) => ({
        ...point,
        seconds: point.durationMs === null ? 0 : point.durationMs / 1000,
      })),
    },
    mark: { type: "point", filled: true, size: 60, cursor: "pointer" },
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
      tooltip: [
        { field: "rootId", title: "run" },
        { field: "state" },
        { field: "seconds", title: "duration (s)", format: ".3~f" },
        { field: "x", type: "temporal", title: "started", format: "%Y-%m-%d %H:%M:%S" },
      ],
    },
  };
}
