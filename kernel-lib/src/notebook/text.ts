/**
 * The run view as plain text: a progress line for front-ends without the Tsematic extension (and for
 * the saved notebook), the failing step with its trimmed stack, and a short form of the output.
 *
 * @example
 * ```text
 * tsematic ▸ pipeline: running · 3/7 steps done · 2 running · 0 failed · silent run (not tracked)
 * tsematic ✔ pipeline: resolved in 1.24 s · 7/7 steps done (2 cached) · 0 failed · run 1f3a… · server http://127.0.0.1:8470
 * output: arrow.table · 1000 rows × 3 columns (x: Float64, y: Float64, label: Int32)
 * ```
 */
import type { JsonValue } from "../types/artifact";
import type { RunViewBundle, RunViewError, RunViewOutput } from "./bundle";

const MAX_LINE = 160;

function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${(ms / 1000).toFixed(1)} s`;
}

function clip(text: string, max = MAX_LINE): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One line: state of the root run, steps done / total, running, failures, where to see it. */
export function progressLine(bundle: RunViewBundle): string {
  const p = bundle.progress;
  const root = bundle.runs.find((r) => r.id === bundle.rootId);
  const icon = bundle.state === "resolved" ? "✔" : bundle.final ? "✖" : "▸";
  let state: string = bundle.state;
  if (bundle.final && root?.startedAt !== undefined) {
    state += ` in ${seconds((root.endedAt ?? bundle.updatedAt) - root.startedAt)}`;
  }
  const parts = [
    `tsematic ${icon} ${bundle.stepName}: ${state}`,
    `${p.done}/${p.total} steps done${p.cached > 0 ? ` (${p.cached} cached)` : ""}`,
  ];
  if (!bundle.final) parts.push(`${p.running} running`);
  parts.push(`${p.failed} failed`);
  parts.push(bundle.mode === "silent" ? "silent run (not tracked)" : `run ${bundle.rootId}`);
  if (bundle.serverUrl) parts.push(`server ${bundle.serverUrl}`);
  return parts.join(" · ");
}

/** The failing step: its name and path, the error's message and the user's frames. */
export function errorText(error: RunViewError): string {
  const where = error.path.length > 1 ? ` (${error.path.join(" > ")})` : "";
  const head = `step "${error.stepName}" failed${where}: ${error.name}: ${error.message}`;
  const frames = error.stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .join("\n");
  return frames ? `${head}\n${frames}` : head;
}

function isRecord(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function num(summary: { [key: string]: JsonValue }, ...keys: string[]): number | undefined {
  for (const key of keys) if (typeof summary[key] === "number") return summary[key] as number;
  return undefined;
}

/** Column names (and types when known) from the usual shapes of a table summary. */
function columns(summary: { [key: string]: JsonValue }): string[] | undefined {
  const raw = summary.columns ?? summary.schema ?? summary.fields;
  const list = isRecord(raw) && Array.isArray(raw.fields) ? raw.fields : raw;
  if (!Array.isArray(list)) return undefined;
  return list.map((c) => {
    if (typeof c === "string") return c;
    if (isRecord(c) && typeof c.name === "string") {
      return typeof c.type === "string" ? `${c.name}: ${c.type}` : c.name;
    }
    return JSON.stringify(c);
  });
}

/** The first rows of a table summary (`rows`: arrays in column order), aligned under the names. */
function previewRows(summary: { [key: string]: JsonValue }, names: string[]): string[] {
  const rows = Array.isArray(summary.rows) ? summary.rows.filter(Array.isArray).slice(0, 5) : [];
  if (rows.length === 0) return [];
  const cell = (v: JsonValue | undefined) => {
    if (typeof v === "string") return clip(v, 24);
    if (typeof v === "number" && !Number.isInteger(v)) return String(Number(v.toPrecision(4)));
    return clip(JSON.stringify(v) ?? "", 24);
  };
  const cells = rows.map((row) => names.map((_, c) => cell(row[c])));
  const widths = names.map((name, c) => Math.max(name.length, ...cells.map((r) => r[c]!.length)));
  const line = (texts: string[]) => "  " + texts.map((t, c) => t.padEnd(widths[c]!)).join("  ");
  return [line(names), ...cells.map(line)].map((l) => l.trimEnd());
}

/**
 * A short form of an artifact from its summary: a table's shape, columns and first rows, a plot's
 * title, mark and data size, else the summary as compact JSON.
 */
export function outputText(output: RunViewOutput): string {
  const s = output.summary;
  const rows = num(s, "numRows", "rowCount", "rows", "length");
  const cols = columns(s);
  if (rows !== undefined && cols) {
    const shape = `${rows} rows × ${cols.length} columns`;
    const head = clip(`output: ${output.typeName} · ${shape} (${cols.join(", ")})`);
    const names = cols.map((c) => c.split(": ")[0]!);
    return [head, ...previewRows(s, names)].join("\n");
  }
  const mark = isRecord(s.mark) ? s.mark.type : s.mark;
  if (typeof mark === "string" || typeof s.title === "string") {
    const bits = [
      typeof s.title === "string" ? `"${s.title}"` : "",
      typeof mark === "string" ? `mark ${mark}` : "",
      typeof s.dataRows === "number" ? `${s.dataRows} data rows` : "",
    ];
    return clip(`output: ${output.typeName} · ${bits.filter(Boolean).join(" · ")}`);
  }
  if (typeof s.preview === "string") return clip(`output: ${output.typeName} · ${s.preview}`);
  return clip(`output: ${output.typeName} · ${JSON.stringify(s)}`);
}

/** The whole text/plain form of a bundle. */
export function bundleText(bundle: RunViewBundle): string {
  const lines = [progressLine(bundle)];
  if (bundle.error) lines.push(errorText(bundle.error));
  if (bundle.output && bundle.state === "resolved") lines.push(outputText(bundle.output));
  if (bundle.stillRunning?.length) lines.push(stillRunningText(bundle.stillRunning));
  return lines.join("\n");
}

/** Why the kernel may still print after a canceled run, and what stops it. */
export function stillRunningText(runs: readonly { stepName: string }[]): string {
  const names = [...new Set(runs.map((r) => `"${r.stepName}"`))].join(", ");
  const subject =
    runs.length === 1 ? `The code of step ${names} is` : `The code of steps ${names} is`;
  return (
    `⚠ ${subject} still running in the kernel: it stops when it checks runContext().signal ` +
    "(nothing it prints is recorded). Restart the kernel to stop it now (an interrupt only stops " +
    "the cell that is executing, and its cell has ended)."
  );
}
