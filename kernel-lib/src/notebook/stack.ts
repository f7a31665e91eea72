/**
 * Stacks trimmed to the user's code: what a notebook user needs to see of a failing step.
 *
 * A step's error stack mixes the user's frames (notebook cells, or the user's own modules) with frames
 * of Tsematic's runner, of Node's internals and of the tslab kernel. Only the first kind helps; the
 * rest hides it. A notebook cell's frame points into the JavaScript tslab compiled from it: it is
 * mapped back to the cell and the line the user wrote (`cell [7]:6:11`, tslab-cells.ts).
 *
 * @example
 * ```ts
 * trimStack(error.stack);
 * // "Error: diverged\n    at train (cell [7]:6:11)"
 * ```
 */
import * as path from "node:path";
import { cellPosition } from "./cell-lines";
import { compiledCell } from "./tslab-cells";

/** This library's compiled folder (`lib/`), whatever copy of it is running. */
const LIBRARY_DIR = path.resolve(__dirname, "..") + path.sep;

function isFrame(line: string): boolean {
  return /^\s+at /.test(line);
}

/** Whether a stack frame points into code the user did not write. */
export function isInternalFrame(frame: string): boolean {
  return (
    frame.includes(LIBRARY_DIR) ||
    /\(node:|at node:|\(internal\/|at internal\//.test(frame) ||
    frame.includes(`${path.sep}node_modules${path.sep}`) ||
    // Frames without a location: `at new Promise (<anonymous>)`, `at async Promise.all (index 0)`.
    /\((<anonymous>|index \d+)\)\s*$/.test(frame)
  );
}

/**
 * What Node puts before the stack of an error thrown out of `vm.runInThisContext` (a cell): the
 * compiled line and a caret (`evalmachine.<anonymous>:9\n    throw new Error("x");\n    ^\n\n`).
 */
const VM_DECORATION = /^[^\n]*:\d+\n[^\n]*\n[ \t]*\^+[ \t]*\n\n/;

const CELL_LOCATION = /(tslab-cell-\d+\.js):(\d+):(\d+)/;

/**
 * A frame of a notebook cell pointed at the cell and its line (`at train (cell [7]:6:11)`); other
 * frames as they are.
 */
export function cellFrame(frame: string): string {
  const match = CELL_LOCATION.exec(frame);
  const cell = match && compiledCell(match[1]!);
  if (!match || !cell) return frame;
  const line = Number(match[2]);
  const column = Number(match[3]) - (line === 1 ? cell.firstLineOffset : 0);
  const at = cellPosition(cell.compiled, cell.source, { line, column });
  const location = at
    ? `cell [${cell.count}]:${at.line}:${at.column}`
    : `cell [${cell.count}] (line ${line} of its compiled JavaScript)`;
  return frame.replace(match[0], location);
}

/**
 * The stack's message lines and its user frames (a notebook cell's pointed at the cell's line). When no user frame is left (the error came from a
 * library), the first frame is kept so the origin stays visible.
 */
export function trimStack(stack: string | undefined): string {
  if (!stack) return "";
  const lines = stack.replace(VM_DECORATION, "").split("\n");
  const firstFrame = lines.findIndex(isFrame);
  if (firstFrame < 0) return stack;
  const message = lines.slice(0, firstFrame);
  const frames = lines.slice(firstFrame).filter(isFrame);
  const user = frames.filter((f) => !isInternalFrame(f));
  const kept = user.length > 0 ? user.map(cellFrame) : frames.slice(0, 1);
  return [...message, ...kept].join("\n");
}
