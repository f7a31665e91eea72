/**
 * Vega specs compiled from Vega-Lite once per chart shape, not once per chart. Compiling is a
 * large part of a chart's first paint (tens of milliseconds each), and the pipeline view draws many
 * charts that differ only in their data and their metric's name: a chart's shape is its Vega-Lite
 * spec without the values of its data, with its name written as a hole ({@link hole}). A compiled
 * shape is kept; a chart of the same shape is its compiled spec with the holes filled and the
 * values put back, which is what compiling it would have given.
 *
 * @example
 * ```ts
 * const name = hole("metric");
 * const chart = { spec: acrossRunsSpec(name, points), data: "points", holes: { [name]: "val_loss" } };
 * const key = shapeKey(chart, "light");
 * const vega = shapes.get(key) ?? shapes.keep(key, compile(chart.spec)); // compiled once
 * const drawn = fillShape(vega, chart); // the holes filled, the points put back
 * ```
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A spec (Vega-Lite or Vega): a JSON object. */
export type Spec = Record<string, unknown>;

/** A Vega-Lite spec with its data named, and the text of its holes. */
export interface IChartSpec {
  /** A Vega-Lite spec whose top-level `data` is `{ name, values }`; its strings may hold holes. */
  readonly spec: Spec;
  /** What each hole of the spec stands for (the hole's marker → its text). */
  readonly holes?: Readonly<Record<string, string>>;
}

/**
 * A marker for text filled in after compiling (a metric's name in an axis title). Made of
 * characters no title has, so that it is found again in the compiled spec, and none that JSON or
 * Vega's expressions escape, so that it is found there as it was written.
 */
export function hole(name: string): string {
  if (!/^[a-z]+$/.test(name)) {
    throw new Error(`a hole's name is lowercase letters, not ${JSON.stringify(name)}`);
  }
  return `~hole:${name}~`;
}

/** The name and values of a chart spec's data (top level, inline). */
export function chartData(spec: Spec): { name: string; values: readonly unknown[] } {
  const data = spec.data as { name?: unknown; values?: unknown } | undefined;
  if (typeof data?.name !== "string" || !Array.isArray(data.values)) {
    throw new Error("a chart's spec needs its data at the top, named, with its values inline");
  }
  return { name: data.name, values: data.values };
}

/** The key of a chart's shape in a theme: its spec without its data's values. */
export function shapeKey(chart: IChartSpec, theme: string): string {
  const { name } = chartData(chart.spec);
  return JSON.stringify([theme, { ...chart.spec, data: { name, values: [] } }]);
}

/** Vega's expression keys: a hole in their text is filled as the inside of a string literal. */
const EXPRESSION_KEYS = new Set(["signal", "expr", "test", "update", "init"]);

/**
 * The compiled Vega spec of `chart`, from the compiled spec of a chart of its shape (holes in its
 * text, any values in its data): a copy with `chart`'s holes filled and `chart`'s values as its data.
 */
export function fillShape(compiled: Spec, chart: IChartSpec): Spec {
  const { name, values } = chartData(chart.spec);
  const holes = Object.entries(chart.holes ?? {});
  const fillText = (text: string, key: string | null): string => {
    let filled = text;
    for (const [marker, value] of holes) {
      // Vega-Lite writes a title into an expression's string literal with its quotes escaped
      // (only those: the tests compare with its own compile).
      const inside =
        key !== null && EXPRESSION_KEYS.has(key) ? value.replaceAll('"', '\\"') : value;
      filled = filled.split(marker).join(inside);
    }
    return filled;
  };
  const copy = (value: Json, key: string | null): Json => {
    if (typeof value === "string") {
      return holes.length > 0 ? fillText(value, key) : value;
    }
    if (Array.isArray(value)) {
      return value.map((item) => copy(item, key));
    }
    if (value !== null && typeof value === "object") {
      const out: { [key: string]: Json } = {};
      for (const [k, v] of Object.entries(value)) {
        out[k] = copy(v, k);
      }
      return out;
    }
    return value;
  };
  const dataSets = (compiled.data as Spec[] | undefined) ?? [];
  const filled = copy({ ...compiled, data: [] } as Json, null) as Spec;
  // The data sets are copied apart: values are not walked (a thousand points), only replaced.
  filled.data = dataSets.map((set) =>
    set.name === name
      ? { ...(copy({ ...set, values: [] } as Json, null) as Spec), values }
      : (copy(set as Json, null) as Spec),
  );
  return filled;
}

/** The most shapes kept: a view draws three or four shapes in each theme and renderer. */
export const MAX_SHAPES = 32;

/** Compiled shapes by key, the oldest dropped past {@link MAX_SHAPES}. */
export class ChartShapes {
  /** The compiled spec of a chart of this shape, if one was kept. */
  get(key: string): Spec | undefined {
    return this._byKey.get(key);
  }

  /** Keeps `compiled` (its data's values dropped) as the compiled spec of the shape `key`. */
  keep(key: string, compiled: Spec): Spec {
    const kept = {
      ...compiled,
      data: ((compiled.data as Spec[] | undefined) ?? []).map((set) =>
        Array.isArray(set.values) ? { ...set, values: [] } : set,
      ),
    };
    this._byKey.delete(key);
    this._byKey.set(key, kept);
    while (this._byKey.size > MAX_SHAPES) {
      this._byKey.delete(this._byKey.keys().next().value!);
    }
    return kept;
  }

  get size(): number {
    return this._byKey.size;
  }

  private readonly _byKey = new Map<string, Spec>();
}
