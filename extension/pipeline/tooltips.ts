/**
 * The tooltips of the pipeline view's charts, described from the datum under the pointer when
 * one is shown (not formatted for every point when a chart is drawn: a thousand points' dates
 * formatted was a large part of a chart's drawing). Values written as the Vega-Lite tooltips
 * wrote them (d3's `.4~g` and `.3~f`, local time).
 *
 * @example
 * ```ts
 * const rows = acrossRunsTooltip("val_loss")({ rootId: "ab12", series: "lr=0.1", value: 0.25,
 *   state: "resolved", x: Date.UTC(2026, 0, 1) });
 * // { run: "ab12", labels: "lr=0.1", val_loss: "0.25", state: "resolved", started: "2026-01-01 00:00:00" }
 * ```
 */

/** A tooltip's rows (title → text) for the datum under the pointer. */
export type Tooltip = (datum: Readonly<Record<string, unknown>>) => Record<string, string>;

/** The tooltip of a point of a metric across runs. */
export function acrossRunsTooltip(name: string): Tooltip {
  return (datum) => ({
    run: String(datum.rootId),
    labels: String(datum.series),
    [name]: formatValue(datum.value),
    state: String(datum.state),
    started: formatTime(datum.x),
  });
}

/** The tooltip of a point of a run's curve. */
export function curvesTooltip(name: string): Tooltip {
  return (datum) => ({
    labels: String(datum.series),
    step: String(datum.step),
    [name]: formatValue(datum.value),
  });
}

/** The tooltip of a run over time. */
export const timelineTooltip: Tooltip = (datum) => ({
  run: String(datum.rootId),
  state: String(datum.state),
  "duration (s)": formatNumber(datum.seconds, 3),
  started: formatTime(datum.x),
});

/** A metric's value as d3's `.4~g` writes it: four significant digits, trailing zeros dropped. */
export function formatValue(value: unknown): string {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    return String(value);
  }
  const [mantissa, exponent] = value.toPrecision(4).split("e") as [string, string?];
  const trimmed = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
  // d3 writes a minus sign, not a hyphen.
  return `${trimmed}${exponent ? `e${exponent}` : ""}`.replace(/^-/, "\u2212");
}

/** A number with at most `digits` decimals, trailing zeros dropped (d3's `.3~f`). */
function formatNumber(value: unknown, digits: number): string {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    return String(value);
  }
  return String(Number(value.toFixed(digits)));
}

/** A time (ms since the epoch, or a Date) as `2026-01-02 03:04:05`, local time (as Vega shows it). */
export function formatTime(value: unknown): string {
  const date = value instanceof Date ? value : new Date(Number(value));
  if (Number.isNaN(date.getTime())) {
    return String(value);
  }
  const pad = (n: number): string => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/**
 * A tooltip's rows as vega-tooltip shows an object (a table of keys and values), each text
 * through its `escape`. Written here, not left to vega-tooltip: it takes a `title` or `image`
 * key for a heading or a picture, and a metric may be named so.
 */
export function tooltipHtml(
  rows: Readonly<Record<string, string>>,
  escape: (text: string) => string,
): string {
  const cells = Object.entries(rows).map(
    ([key, value]) =>
      `<tr><td class="key">${escape(key)}</td><td class="value">${escape(value)}</td></tr>`,
  );
  return `<table>${cells.join("")}</table>`;
}
