/**
 * The TypeScript a step's function was written as, when it was written in a notebook cell. A step
 * records `Function.prototype.toString` of its function, which in a tslab kernel is tslab's compiled
 * JavaScript (types gone); people read the cell's text. The cell is the one whose compiled text holds
 * the function's (the cell `func()` is called from is tried first), and the function is found in the
 * cell's TypeScript by name, else by where it starts in the compiled text, mapped back to the cell.
 *
 * @example
 * ```ts
 * cellSourceOf(fn, Function.prototype.toString.call(fn), new Error().stack);
 * // { text: "function add(a: number, b: number) { return a + b; }", cell: 7 }
 * ```
 */
import type * as TS from "typescript";
import { cellPosition } from "./cell-lines";
import { compiledCell, compiledCells, type CompiledCell } from "./tslab-cells";

/** A function's TypeScript text and the execution count of the cell that holds it. */
export interface CellSource {
  readonly text: string;
  readonly cell: number;
}

const CELL_FILE = /(tslab-cell-\d+\.js):\d+:\d+/g;

/**
 * The TypeScript of `fn` (whose compiled text is `compiled`) in the notebook cell that defines it,
 * or undefined outside a tslab kernel or when it is not found. `stack` is the stack where `func()`
 * was called: its cells are tried first.
 */
export function cellSourceOf(
  fn: { readonly name: string },
  compiled: string,
  stack: string | undefined,
): CellSource | undefined {
  const all = compiledCells();
  if (all.length === 0) return undefined;
  const callers = [...(stack ?? "").matchAll(CELL_FILE)]
    .map((m) => compiledCell(m[1]!))
    .filter((c): c is CompiledCell => c !== undefined);
  const cell = [...callers, ...all].find((c) => c.compiled.includes(compiled));
  if (!cell) return undefined;
  const ts = typeScript();
  if (!ts) return undefined;
  const text = functionText(ts, cell, fn.name, compiled);
  return text === undefined ? undefined : { text, cell: cell.count };
}

type FunctionNode = TS.FunctionDeclaration | TS.FunctionExpression | TS.ArrowFunction;

function functionText(
  ts: typeof TS,
  cell: CompiledCell,
  name: string,
  compiled: string,
): string | undefined {
  const file = ts.createSourceFile("cell.ts", cell.source, ts.ScriptTarget.Latest, true);
  const functions: { node: FunctionNode; name: string | undefined }[] = [];
  const visit = (node: TS.Node): void => {
    if (
      ts.isFunctionDeclaration(node) ||
      ts.isFunctionExpression(node) ||
      ts.isArrowFunction(node)
    ) {
      functions.push({ node, name: functionName(ts, node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  // Where the function starts in the cell, mapped back from where it starts in the compiled text.
  const before = cell.compiled.slice(0, cell.compiled.indexOf(compiled)).split("\n");
  const at = cellPosition(cell.compiled, cell.source, {
    line: before.length,
    column: before[before.length - 1]!.length + 1,
  });
  const startLine = (f: { node: FunctionNode }): number =>
    file.getLineAndCharacterOfPosition(f.node.getStart(file)).line + 1;
  const named = name ? functions.filter((f) => f.name === name) : [];
  const atLine = at ? functions.filter((f) => startLine(f) === at.line) : [];
  const chosen =
    named.length === 1
      ? named[0]
      : (named.find((f) => atLine.includes(f)) ?? (named.length === 0 ? atLine[0] : undefined));
  return chosen?.node.getText(file);
}

/** The function's own name, or the name of the variable or property it is assigned to. */
function functionName(ts: typeof TS, node: FunctionNode): string | undefined {
  if (!ts.isArrowFunction(node) && node.name) return node.name.text;
  const parent = node.parent;
  if (
    (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) &&
    parent.initializer === node &&
    ts.isIdentifier(parent.name)
  ) {
    return parent.name.text;
  }
  return undefined;
}

/**
 * A TypeScript compiler, without loading one when it can be helped: tslab's own (already loaded in
 * its kernel), else the project's `typescript`, else none.
 */
function typeScript(): typeof TS | undefined {
  for (const [path, module] of Object.entries(require.cache)) {
    if (/[\\/]@tslab[\\/]typescript-for-tslab[\\/]lib[\\/]typescript\.js$/.test(path)) {
      return module?.exports as typeof TS;
    }
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("typescript") as typeof TS;
  } catch {
    return undefined;
  }
}
