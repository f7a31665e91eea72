/**
 * A source map from a notebook's module to its code cells, so that the bundle's own source map (and
 * so a stack trace of a packaged step) names the cell and the line the user wrote.
 *
 * Statements are copied into the module verbatim, so each module line maps to one cell line, column
 * for column; a mapping is written at every token start (esbuild composes maps without offsets).
 */

/** Where a module line came from: a cell (1-based position in the notebook), its line and column. */
export interface CellLine {
  cell: number;
  /** 1-based line within the cell. */
  line: number;
  /** 0-based column in the cell where the module line's text starts. */
  column: number;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function vlq(value: number): string {
  let v = value < 0 ? (-value << 1) | 1 : value << 1;
  let out = "";
  do {
    let digit = v & 31;
    v >>>= 5;
    if (v > 0) digit |= 32;
    out += BASE64[digit];
  } while (v > 0);
  return out;
}

/** The name a cell has in source maps and stack traces: `<notebook>.cell-<N>.ts`. */
export function cellSourceName(notebookFile: string, cell: number): string {
  return `${notebookFile}.cell-${cell}.ts`;
}

/**
 * A source map (JSON) of `moduleLines` (the module's text split on `\n`) whose sources are the
 * cells, named by {@link cellSourceName}, with their text.
 */
export function cellSourceMap(
  moduleLines: readonly string[],
  origins: readonly (CellLine | undefined)[],
  cells: readonly { cell: number; source: string }[],
  notebookFile: string,
): string {
  const used = [...new Set(origins.flatMap((o) => (o ? [o.cell] : [])))].sort((a, b) => a - b);
  const index = new Map(used.map((cell, i) => [cell, i]));
  let source = 0;
  let line = 0;
  let column = 0;
  const mappings = moduleLines.map((text, i) => {
    const origin = origins[i];
    if (!origin) return "";
    const segments: string[] = [];
    let generated = 0;
    for (const start of tokenStarts(text)) {
      const s = index.get(origin.cell)!;
      const l = origin.line - 1;
      const c = origin.column + start;
      segments.push(vlq(start - generated) + vlq(s - source) + vlq(l - line) + vlq(c - column));
      generated = start;
      source = s;
      line = l;
      column = c;
    }
    return segments.join(",");
  });
  return JSON.stringify({
    version: 3,
    sources: used.map((cell) => cellSourceName(notebookFile, cell)),
    sourcesContent: used.map((cell) => cells.find((c) => c.cell === cell)?.source ?? ""),
    names: [],
    mappings: mappings.join(";"),
  });
}

/** Columns where a token starts: a non-space after a space, or a change between word and symbol. */
function tokenStarts(text: string): number[] {
  const starts: number[] = [];
  let previous = " ";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const kind = /\s/.test(ch) ? 0 : /\w/.test(ch) ? 1 : 2;
    const before = /\s/.test(previous) ? 0 : /\w/.test(previous) ? 1 : 2;
    if (kind !== 0 && (kind !== before || kind === 2)) starts.push(i);
    previous = ch;
  }
  if (starts.length === 0 || starts[0] !== 0) starts.unshift(0);
  return starts;
}
