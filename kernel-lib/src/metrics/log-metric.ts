/**
 * Metrics from steps: `logMetric(name, value, { step, labels })` records a number with the run whose
 * body calls it, as a `metric` event sent in the same batches as the run's other events. A silent run
 * keeps them in its run graph (`future.run({ tracking: false })`: `graph.runs.get(id).metrics`).
 *
 * Every point is checked here, when the step logs it, against the bounds the lineage server stores
 * (MetricEvent in server/openapi.yaml): a bad point throws a TypeError in the step that logged it,
 * and is never sent, so no batch (with the run's other events) is ever refused for it.
 */
import { currentScope } from "../context";
import { TsematicError } from "../errors";

/** Longest metric name, label key and label value (characters). */
export const MAX_METRIC_TEXT = 200;
/** Most labels on one point. */
export const MAX_METRIC_LABELS = 16;

/** Options of {@link logMetric}. */
export interface MetricOptions {
  /**
   * An index within the run (a training step, an epoch): the points of one name form a curve.
   * A non-negative integer.
   */
  step?: number;
  /** Tells series of one name apart (`{ split: "validation" }`): at most 16, strings. */
  labels?: Record<string, string>;
}

/**
 * Records a number with the current step's run: a loss, an accuracy, a row count. Read them back
 * per run or across a pipeline's runs (`tsematic metrics <pipeline>`, the pipeline view, or
 * `GET /api/v1/pipelines/{stepName}/metrics`).
 *
 * Throws a `TypeError` naming what is wrong for a value that is not a finite number, a name that is
 * empty or longer than 200 characters, a step that is not a non-negative integer, more than 16
 * labels or a label key or value that is not a string of up to 200 characters; nothing is recorded
 * for that call, and the step may catch it and go on. Throws outside a step.
 *
 * @example
 * ```ts
 * import { func, logMetric } from "tsematic";
 *
 * const train = func(async function train(lr: number): Promise<number> {
 *   let loss = 1;
 *   for (let epoch = 0; epoch < 10; epoch++) {
 *     loss *= 1 - lr;
 *     logMetric("loss", loss, { step: epoch, labels: { split: "train" } });
 *   }
 *   logMetric("final_loss", loss);
 *   return loss;
 * });
 * ```
 */
export function logMetric(name: string, value: number, options: MetricOptions = {}): void {
  const scope = currentScope();
  if (!scope) {
    throw new TsematicError(
      `logMetric("${preview(name)}") was called outside a step: call it inside a function ` +
        "wrapped with func(), where it is recorded with that step's run",
    );
  }
  const point = checkedPoint(name, value, options);
  scope.node.resolution.metric(scope.node, point);
}

/** The point to record, or a TypeError that names what is wrong. */
export function checkedPoint(
  name: unknown,
  value: unknown,
  options: unknown,
): { name: string; value: number; step?: number; labels?: Record<string, string> } {
  if (typeof name !== "string" || name.length === 0 || name.length > MAX_METRIC_TEXT) {
    throw new TypeError(
      `logMetric: the metric name must be a string of 1 to ${MAX_METRIC_TEXT} characters, ` +
        `got ${describe(name)}`,
    );
  }
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(
      `logMetric("${name}"): the value must be a finite number, got ${describe(value)}` +
        (typeof value === "number" ? ": check the computation that produced it" : ""),
    );
  }
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `logMetric("${name}"): the options must be an object { step?, labels? }, got ${describe(options)}`,
    );
  }
  const { step, labels } = options as { step?: unknown; labels?: unknown };
  const point: { name: string; value: number; step?: number; labels?: Record<string, string> } = {
    name,
    value,
  };
  if (step !== undefined) {
    if (typeof step !== "number" || !Number.isSafeInteger(step) || step < 0) {
      throw new TypeError(
        `logMetric("${name}"): step must be a non-negative integer (an index such as the epoch), ` +
          `got ${describe(step)}`,
      );
    }
    point.step = step;
  }
  if (labels !== undefined) point.labels = checkedLabels(name, labels);
  return point;
}

function checkedLabels(name: string, labels: unknown): Record<string, string> {
  if (labels === null || typeof labels !== "object" || Array.isArray(labels)) {
    throw new TypeError(
      `logMetric("${name}"): labels must be an object of strings ({ split: "validation" }), ` +
        `got ${describe(labels)}`,
    );
  }
  const entries = Object.entries(labels as Record<string, unknown>);
  if (entries.length > MAX_METRIC_LABELS) {
    throw new TypeError(
      `logMetric("${name}"): ${entries.length} labels given, at most ${MAX_METRIC_LABELS} are ` +
        "allowed: keep the labels that tell series apart",
    );
  }
  const copy: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > MAX_METRIC_TEXT) {
      throw new TypeError(
        `logMetric("${name}"): label keys must be 1 to ${MAX_METRIC_TEXT} characters, got ` +
          `${describe(key)}`,
      );
    }
    if (typeof value !== "string" || value.length > MAX_METRIC_TEXT) {
      throw new TypeError(
        `logMetric("${name}"): label "${preview(key)}" must be a string of up to ` +
          `${MAX_METRIC_TEXT} characters, got ${describe(value)}`,
      );
    }
    copy[key] = value;
  }
  return copy;
}

/** A short description of a value for an error message (never the whole of a huge string). */
function describe(value: unknown): string {
  if (typeof value === "string") {
    return value.length > 40
      ? `a string of ${value.length} characters ("${value.slice(0, 20)}...")`
      : JSON.stringify(value);
  }
  if (typeof value === "number") return String(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function preview(text: unknown): string {
  const s = String(text);
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}
