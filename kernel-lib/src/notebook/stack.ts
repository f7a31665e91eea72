/**
 * Stacks trimmed to the user's code: what a notebook user needs to see of a failing step.
 *
 * A step's error stack mixes the user's frames (notebook cells run as `evalmachine.<anonymous>`, or
 * the user's own modules) with frames of Tsematic's runner, of Node's internals and of the tslab
 * kernel. Only the first kind helps; the rest hides it.
 *
 * @example
 * ```ts
 * trimStack(error.stack);
 * // "Error: diverged\n    at train (evalmachine.<anonymous>:12:11)"
 * ```
 */
import * as path from "node:path";

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
 * The stack's message lines and its user frames. When no user frame is left (the error came from a
 * library), the first frame is kept so the origin stays visible.
 */
export function trimStack(stack: string | undefined): string {
  if (!stack) return "";
  const lines = stack.split("\n");
  const firstFrame = lines.findIndex(isFrame);
  if (firstFrame < 0) return stack;
  const message = lines.slice(0, firstFrame);
  const frames = lines.slice(firstFrame).filter(isFrame);
  const user = frames.filter((f) => !isInternalFrame(f));
  const kept = user.length > 0 ? user : frames.slice(0, 1);
  return [...message, ...kept].join("\n");
}
