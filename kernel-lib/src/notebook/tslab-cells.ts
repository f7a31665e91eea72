/**
 * Which notebook cell a stack frame is in. tslab runs every cell's compiled JavaScript with
 * `vm.runInThisContext` under one name, `evalmachine.<anonymous>`, so a frame of a step defined in
 * cell [3] and one of cell [7] look alike. Once the library is imported, each cell tslab runs gets a
 * name of its own, {@link cellFileName}, and its TypeScript and compiled text are kept, so a frame
 * can be mapped back to the cell and its line (stack.ts, cell-lines.ts).
 *
 * Two hooks, both on tslab 1.0.22 (the version Tsematic pins as a peer dependency) and both left
 * alone when their target looks different: `JupyterHandlerImpl.prototype.handleExecuteImpl` (of
 * `tslab/dist/jupyter`) tells the cell's execution count and TypeScript, and `vm.runInThisContext`,
 * called by tslab's executor with its `(function(exports, require) { ... })` wrapper and
 * `{ breakOnSigint: true }`, gets the cell's file name. The cell that imports the library is already
 * running when they are installed: its frames stay `evalmachine.<anonymous>`.
 *
 * @example
 * ```ts
 * installCellTracking(tslabJupyterExports());
 * compiledCell("tslab-cell-7.js"); // { count: 7, source: "const x = ...", compiled: "..." }
 * ```
 */
import { processGlobal } from "../process-global";

/** A cell tslab ran: its execution count, the TypeScript the user wrote and what tslab ran. */
export interface CompiledCell {
  readonly count: number;
  readonly source: string;
  /** The compiled JavaScript without tslab's wrapper: its line 1 is the frame's line 1. */
  readonly compiled: string;
  /** Characters tslab's wrapper adds before the compiled line 1. */
  readonly firstLineOffset: number;
}

interface CellRegistry {
  /** The cell tslab is executing, until its compiled text is run. */
  current: { count: number; source: string } | null;
  readonly byFile: Map<string, CompiledCell>;
  uninstall: (() => void) | null;
}

const registry = processGlobal<CellRegistry>("tsematic.tslabCells.v1", () => ({
  current: null,
  byFile: new Map(),
  uninstall: null,
}));

/** tslab's executor wraps a cell's compiled text in one of these (tslab/dist/executor.js). */
const WRAPPER_PREFIXES = ["(function(exports, require) { ", "(async function(exports, require) { "];
const WRAPPER_SUFFIX = "\n})(__tslab__.exports, __tslab__.require)";

/** The file name the frames of cell [count] carry. */
export function cellFileName(count: number): string {
  return `tslab-cell-${count}.js`;
}

/** The cell a frame's file name names, if this kernel ran it. */
export function compiledCell(fileName: string): CompiledCell | undefined {
  return registry.byFile.get(fileName);
}

type RunInThisContext = (code: string, options?: unknown) => unknown;
type HandleExecuteImpl = (
  this: { execCount?: unknown },
  req: unknown,
  ...rest: unknown[]
) => unknown;

/**
 * Names each cell tslab runs from now on and keeps its text. `jupyter` is the exports of tslab's
 * loaded `dist/jupyter` module. Installed once per process; returns the function that removes it.
 */
export function installCellTracking(jupyter: Record<string, unknown> | undefined): () => void {
  if (registry.uninstall) return registry.uninstall;
  const handler = jupyter?.JupyterHandlerImpl as
    { prototype?: Record<string, unknown> } | undefined;
  const proto = handler?.prototype;
  const execute = proto?.handleExecuteImpl;
  if (!proto || typeof execute !== "function") return () => undefined;
  // The very module tslab calls `runInThisContext` on (an `import * as` would be a copy).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vm = require("node:vm") as { runInThisContext: RunInThisContext };
  const run = vm.runInThisContext;

  const tracked: HandleExecuteImpl = function (this, req, ...rest) {
    const code = (req as { code?: unknown } | null)?.code;
    const count = this.execCount;
    // tslab counts the execution when it starts it: this one is the next count.
    registry.current =
      typeof code === "string" && typeof count === "number"
        ? { count: count + 1, source: code }
        : null;
    return (execute as HandleExecuteImpl).call(this, req, ...rest);
  };
  const named: RunInThisContext = function (this: unknown, code, options) {
    const cell = registry.current;
    const prefix = WRAPPER_PREFIXES.find((p) => typeof code === "string" && code.startsWith(p));
    if (!cell || prefix === undefined || !isTslabOptions(options)) {
      return run.call(this, code, options);
    }
    registry.current = null;
    const fileName = cellFileName(cell.count);
    const end = code.endsWith(WRAPPER_SUFFIX) ? code.length - WRAPPER_SUFFIX.length : code.length;
    registry.byFile.set(fileName, {
      count: cell.count,
      source: cell.source,
      compiled: code.slice(prefix.length, end),
      firstLineOffset: prefix.length,
    });
    return run.call(this, code, { ...options, filename: fileName });
  };
  proto.handleExecuteImpl = tracked;
  vm.runInThisContext = named;
  const uninstall = (): void => {
    if (proto.handleExecuteImpl === tracked) proto.handleExecuteImpl = execute;
    if (vm.runInThisContext === named) vm.runInThisContext = run;
    registry.current = null;
    if (registry.uninstall === uninstall) registry.uninstall = null;
  };
  registry.uninstall = uninstall;
  return uninstall;
}

/** tslab runs cells with `{ breakOnSigint: true }` and no file name. */
function isTslabOptions(options: unknown): options is Record<string, unknown> {
  if (typeof options !== "object" || options === null) return false;
  const o = options as Record<string, unknown>;
  return o.breakOnSigint === true && o.filename === undefined;
}

/** The cells this kernel ran since the library was imported, the newest first. */
export function compiledCells(): CompiledCell[] {
  return [...registry.byFile.values()].sort((a, b) => b.count - a.count);
}
