/** Human output: aligned tables, times, durations and sizes. */

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

export function time(ms: number | null): string {
  if (ms === null) return "-";
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function duration(start: number | null, end: number | null): string {
  if (start === null) return "-";
  const ms = (end ?? Date.now()) - start;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let v = n;
  let unit = "";
  for (const u of units) {
    v /= 1024;
    unit = u;
    if (v < 1024) break;
  }
  return `${v.toFixed(1)} ${unit}`;
}

/** A run as people read it: its step name and the first 8 characters of its id. */
export function runLabel(stepName: string | null, runId: string): string {
  return `${stepName ?? "(a run not on this server)"} ${runId.slice(0, 8)}`;
}
