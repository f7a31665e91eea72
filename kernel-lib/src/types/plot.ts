/**
 * Vega-Lite plots as artifacts. A step returns `plot(spec)`; the extension renders the stored
 * spec with vega-embed (Vega itself cannot run in the kernel, see the environment notes).
 *
 * The bytes are the spec as canonical plain JSON (sorted keys), so the same plot always has the
 * same id and the file is an ordinary Vega-Lite document.
 */
import type { ArtifactSummary, ArtifactType, JsonValue } from "./artifact";
import { brand, hasBrand } from "./brand";
import { encodeCanonicalPlain } from "./json";
import { UnserializableValueError, describeValueType } from "./unserializable";

const PLOT_BRAND = "tsematic.plot";
const WHAT = "a Vega-Lite spec";
/** Keys that make a spec a view (`mark`) or a composition of views. */
const VIEW_KEYS = ["mark", "layer", "concat", "hconcat", "vconcat", "facet", "repeat"] as const;

/** A Vega-Lite specification (https://vega.github.io/vega-lite/docs/spec.html), as plain JSON. */
export type VegaLiteSpec = { [key: string]: unknown };

/** A plot made with {@link plot}: the step output the UI renders as a chart. */
export interface Plot {
  readonly spec: VegaLiteSpec;
}

/**
 * Wraps a Vega-Lite spec so that a step's output is stored and shown as a plot.
 *
 * Throws a TypeError when `spec` does not look like Vega-Lite (no `mark` and no composition such
 * as `layer` or `hconcat`, or a `$schema` of another grammar) or is not plain JSON (a Date in
 * the data, for instance), naming the offending path.
 *
 * @example
 * ```ts
 * import { func, plot } from "tsematic";
 * const chart = func(function chart(losses: number[]) {
 *   return plot({
 *     title: "Training loss",
 *     data: { values: losses.map((loss, epoch) => ({ epoch, loss })) },
 *     mark: "line",
 *     encoding: {
 *       x: { field: "epoch", type: "quantitative" },
 *       y: { field: "loss", type: "quantitative" },
 *     },
 *   });
 * });
 * ```
 */
export function plot(spec: VegaLiteSpec): Plot {
  checkVegaLite(spec);
  return brand({ spec }, PLOT_BRAND);
}

/**
 * Whether `value` was made by {@link plot} (by this or another copy of the library).
 *
 * @example
 * ```ts
 * isPlot(plot({ mark: "point" })); // true
 * isPlot({ spec: { mark: "point" } }); // false
 * ```
 */
export function isPlot(value: unknown): value is Plot {
  return hasBrand(value, PLOT_BRAND);
}

function checkVegaLite(spec: unknown): asserts spec is VegaLiteSpec {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw new TypeError(`plot() needs a Vega-Lite spec object, got ${describeValueType(spec)}`);
  }
  const s = spec as VegaLiteSpec;
  const schema = s.$schema;
  if (schema !== undefined && (typeof schema !== "string" || !schema.includes("vega-lite"))) {
    throw new TypeError(
      `plot() renders Vega-Lite, but this spec's $schema is ${JSON.stringify(schema)}; ` +
        'use a Vega-Lite spec ("https://vega.github.io/schema/vega-lite/v5.json")',
    );
  }
  if (!VIEW_KEYS.some((key) => key in s)) {
    const keys = Object.keys(s);
    throw new TypeError(
      'plot() needs a Vega-Lite spec: an object with a "mark" (e.g. { mark: "bar", encoding: { ... } }) ' +
        `or a composition (${VIEW_KEYS.slice(1).join(", ")}); this one has ` +
        (keys.length ? `only the keys ${keys.join(", ")}` : "no keys"),
    );
  }
  const mark = s.mark;
  if (
    mark !== undefined &&
    typeof mark !== "string" &&
    typeof (mark as { type?: unknown } | null)?.type !== "string"
  ) {
    throw new TypeError('plot(): "mark" must be a string such as "bar" or an object with a "type"');
  }
  for (const key of ["layer", "concat", "hconcat", "vconcat"] as const) {
    if (key in s && !Array.isArray(s[key])) {
      throw new TypeError(`plot(): "${key}" must be an array of views`);
    }
  }
  try {
    encodeCanonicalPlain(s, WHAT);
  } catch (err) {
    if (err instanceof UnserializableValueError) throw new TypeError(`plot(): ${err.reason}`);
    throw err;
  }
}

const MAX_LISTED = 20;

function markName(mark: unknown): string | undefined {
  if (typeof mark === "string") return mark;
  const type = (mark as { type?: unknown } | null | undefined)?.type;
  return typeof type === "string" ? type : undefined;
}

/** Marks, encodings and inline data of a view and of the views it composes. */
function collectViews(
  spec: VegaLiteSpec,
  found: { marks: string[]; encodings: JsonValue[]; dataRows: number | null },
  depth: number,
): void {
  if (depth > 5) return;
  const mark = markName(spec.mark);
  if (mark && !found.marks.includes(mark)) found.marks.push(mark);
  const encoding = spec.encoding;
  if (encoding && typeof encoding === "object") {
    for (const [channel, definition] of Object.entries(encoding as Record<string, unknown>)) {
      if (found.encodings.length >= MAX_LISTED) break;
      const d = (definition ?? {}) as Record<string, unknown>;
      const entry: { [key: string]: JsonValue } = { channel };
      for (const key of ["field", "type", "aggregate", "timeUnit", "bin"] as const) {
        const v = d[key];
        if (typeof v === "string" || typeof v === "boolean") entry[key] = v;
      }
      if (!found.encodings.some((e) => JSON.stringify(e) === JSON.stringify(entry))) {
        found.encodings.push(entry);
      }
    }
  }
  const values = (spec.data as { values?: unknown } | undefined)?.values;
  if (Array.isArray(values) && found.dataRows === null) found.dataRows = values.length;
  for (const key of ["layer", "concat", "hconcat", "vconcat"] as const) {
    const views = spec[key];
    if (Array.isArray(views)) {
      for (const v of views) collectViews(v as VegaLiteSpec, found, depth + 1);
    }
  }
  const inner = spec.spec;
  if (inner && typeof inner === "object") collectViews(inner as VegaLiteSpec, found, depth + 1);
}

function titleText(title: unknown): string | null {
  if (typeof title === "string") return title;
  if (Array.isArray(title)) return title.join(" ");
  const text = (title as { text?: unknown } | null | undefined)?.text;
  if (typeof text === "string") return text;
  if (Array.isArray(text)) return text.join(" ");
  return null;
}

/**
 * What the UI lists for a plot: `mark` (or the marks of a composition), `composition`, the
 * encoding channels with their fields, the inline data's row count and the title.
 *
 * @example
 * ```ts
 * summarizePlot(plot({ mark: "bar", data: { values: [{ a: 1 }] },
 *   encoding: { x: { field: "a", type: "ordinal" } } }));
 * // { mark: "bar", marks: ["bar"], composition: "single",
 * //   encoding: [{ channel: "x", field: "a", type: "ordinal" }], dataRows: 1, title: null }
 * ```
 */
export function summarizePlot(value: Plot): ArtifactSummary {
  const found = {
    marks: [] as string[],
    encodings: [] as JsonValue[],
    dataRows: null as number | null,
  };
  collectViews(value.spec, found, 0);
  const composition = VIEW_KEYS.slice(1).find((key) => key in value.spec) ?? "single";
  const summary: ArtifactSummary = {
    mark: markName(value.spec.mark) ?? null,
    marks: found.marks,
    composition,
    encoding: found.encodings,
    dataRows: found.dataRows,
    title: titleText(value.spec.title),
  };
  const dataUrl = (value.spec.data as { url?: unknown } | undefined)?.url;
  if (typeof dataUrl === "string") summary.dataUrl = dataUrl;
  return summary;
}

/** The built-in type of {@link plot} values. */
export const plotType: ArtifactType<Plot> = {
  name: "plot.vega-lite",
  mediaType: "application/vnd.vegalite.v5+json",
  matches: isPlot,
  serialize: (value) => new TextEncoder().encode(encodeCanonicalPlain(value.spec, WHAT)),
  deserialize: (bytes) => plot(JSON.parse(new TextDecoder().decode(bytes)) as VegaLiteSpec),
  summarize: (value) => summarizePlot(value),
};
