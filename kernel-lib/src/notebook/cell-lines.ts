/**
 * From a line of the JavaScript tslab ran back to the line of the TypeScript cell the user wrote.
 *
 * tslab compiles a cell with its own TypeScript and re-emits the module as CommonJS, without a
 * source map: types and interfaces disappear, `export` bookkeeping lines appear (`exports.x = x;`),
 * so the compiled line numbers drift from the cell's. Statements keep their order and their words,
 * though, so the two texts are aligned line by line on the words (identifiers, literals) they share,
 * in order (a weighted longest common subsequence), and a compiled line maps to the cell line it is
 * aligned with.
 *
 * @example
 * ```ts
 * cellPosition(compiledJs, cellTs, { line: 9, column: 15 });
 * // { line: 6, column: 11 }: `throw new Error(...)` on the cell's line 6
 * ```
 */

/** A 1-based line and column, as stack frames give them. */
export interface LineColumn {
  readonly line: number;
  readonly column: number;
}

const WORD = /[A-Za-z_$][\w$]*|\d+(?:\.\d+)?|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`\n]*`/g;

/** Lines tslab's CommonJS emit adds, which stand for no line of the cell. */
const GENERATED = [
  /^Object\.defineProperty\(exports, "__esModule", \{ value: true \}\);$/,
  /^(exports\.[\w$]+ = )+void 0;$/,
  /^exports\.([\w$]+) = \1;$/,
];

interface Word {
  readonly text: string;
  readonly at: number;
}

function wordsOf(line: string): Word[] {
  return [...line.matchAll(WORD)].map((m) => ({ text: m[0], at: m.index }));
}

/** Words of a compiled line, without the `exports.` that tslab puts before top-level names. */
function compiledWordsOf(line: string): Word[] {
  const trimmed = line.trim();
  if (GENERATED.some((re) => re.test(trimmed))) return [];
  return wordsOf(line).filter((w) => !(w.text === "exports" && line[w.at + w.text.length] === "."));
}

/** How much of the compiled line's words the cell line has (0 to 1). */
function similarity(compiled: readonly Word[], cell: readonly Word[], same: boolean): number {
  if (compiled.length === 0) return same ? 0.1 : 0;
  const left = new Map<string, number>();
  for (const w of cell) left.set(w.text, (left.get(w.text) ?? 0) + 1);
  let shared = 0;
  for (const w of compiled) {
    const n = left.get(w.text) ?? 0;
    if (n > 0) {
      shared++;
      left.set(w.text, n - 1);
    }
  }
  return shared / compiled.length;
}

/**
 * For each compiled line (index from 0), the cell line (index from 0) it is aligned with, or -1 for
 * a line the compiler made up.
 */
export function alignLines(compiled: string, cell: string): number[] {
  const c = compiled.split("\n");
  const s = cell.split("\n");
  const cw = c.map(compiledWordsOf);
  const sw = s.map(wordsOf);
  const score = (i: number, j: number): number =>
    similarity(cw[i]!, sw[j]!, c[i]!.trim() === s[j]!.trim() && c[i]!.trim() !== "");
  // best[i][j]: the best total over compiled lines from i and cell lines from j. Several compiled
  // lines may stand for one cell line (`if (x) throw e;` is emitted on two lines); order is kept.
  const best = Array.from({ length: c.length + 1 }, () => new Float64Array(s.length + 1));
  for (let i = c.length - 1; i >= 0; i--) {
    for (let j = s.length - 1; j >= 0; j--) {
      const here = score(i, j);
      best[i]![j] = Math.max(best[i]![j + 1]!, here + best[i + 1]![j]!);
    }
  }
  const aligned = new Array<number>(c.length).fill(-1);
  let i = 0;
  let j = 0;
  while (i < c.length && j < s.length) {
    const here = score(i, j);
    if (here > 0 && best[i]![j] === here + best[i + 1]![j]!) {
      aligned[i++] = j;
    } else if (best[i]![j] === best[i]![j + 1]) {
      j++;
    } else {
      i++; // a line the compiler made up
    }
  }
  return aligned;
}

/**
 * The cell position of a position in tslab's compiled output, or undefined when the compiled line
 * stands for no line of the cell. The column follows the word under it (the `new` of `new Error`),
 * else keeps its place relative to the line's indentation.
 */
export function cellPosition(
  compiled: string,
  cell: string,
  at: LineColumn,
): LineColumn | undefined {
  const aligned = alignLines(compiled, cell);
  const index = aligned[at.line - 1];
  if (index === undefined || index < 0) return undefined;
  const compiledLine = compiled.split("\n")[at.line - 1]!;
  const cellLine = cell.split("\n")[index]!;
  return { line: index + 1, column: cellColumn(compiledLine, cellLine, at.column) };
}

function cellColumn(compiledLine: string, cellLine: string, column: number): number {
  const words = wordsOf(compiledLine);
  const under = words.findIndex((w) => w.at + w.text.length > column - 1);
  if (under >= 0) {
    const word = words[under]!;
    const nth = words.slice(0, under).filter((w) => w.text === word.text).length;
    const match = wordsOf(cellLine).filter((w) => w.text === word.text)[nth];
    if (match) return match.at + 1 + Math.max(0, column - 1 - word.at);
  }
  const indent = (line: string): number => line.length - line.trimStart().length;
  return Math.max(1, column - indent(compiledLine) + indent(cellLine));
}
