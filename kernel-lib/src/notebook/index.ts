/**
 * Tsematic in notebooks (tslab kernel).
 *
 * Importing `tsematic` in a notebook cell turns this on by itself: every root run (`await pipeline()`,
 * `future.resolve(...)`) shows a live run view in the cell's output, a MIME bundle with
 * {@link RUN_VIEW_MIME_TYPE} (rendered by the JupyterLab extension) and a `text/plain` progress line
 * (for every other front-end), updated in place until the run settles. Arrow tables print as their
 * shape and first rows, and a failed step prints as its name, message and the user's frames.
 *
 * Outside a tslab kernel nothing happens and tslab is never loaded.
 *
 * @example
 * ```ts
 * import { func } from "tsematic";
 * const double = func(function double(x: number) { return 2 * x; });
 * await double(21); // the cell shows: tsematic ✔ double: resolved in 0.01 s · 1/1 steps done · …
 * ```
 */
import { observeResolutions } from "../runner/backend";
import { RUN_VIEW_MIME_TYPE } from "./bundle";
import { installNotebookInspect } from "./inspect";
import { RunView } from "./run-view";
import { inTslabKernel, newBundleDisplay, tslabJupyterExports } from "./tslab";
import { installCellTracking } from "./tslab-cells";

export { RUN_VIEW_MIME_TYPE } from "./bundle";
export type * from "./bundle";
export { RunView, type RunViewTarget, type RunViewOptions } from "./run-view";
export { trimStack } from "./stack";
export { boundRunView, type RunViewBounds } from "./bounds";
export { bundleText, progressLine } from "./text";
export { tableText } from "./inspect";
export { inTslabKernel } from "./tslab";

/** Kept on `globalThis` so a second copy of the library replaces the first's run view, not doubles it. */
const INSTALLED = Symbol.for("tsematic.notebookView.v1");

type Uninstall = () => void;

/**
 * Shows a run view for every root run of this kernel. Returns a function that turns it off, or
 * undefined when this process is not a tslab kernel. Called when the library is imported.
 */
export function installNotebookView(): Uninstall | undefined {
  if (!inTslabKernel()) return undefined;
  const g = globalThis as unknown as Record<symbol, Uninstall | undefined>;
  g[INSTALLED]?.();
  const stop = observeResolutions((info) => {
    const display = newBundleDisplay();
    if (!display) return undefined;
    return new RunView(info, {
      show: (bundle, text) => display.show({ [RUN_VIEW_MIME_TYPE]: bundle, "text/plain": text }),
    });
  });
  installNotebookInspect();
  // Stacks point at the cell and line the user wrote (stack.ts): the cells run from now on are named.
  const untrack = installCellTracking(tslabJupyterExports());
  const uninstall = () => {
    stop();
    untrack();
    if (g[INSTALLED] === uninstall) g[INSTALLED] = undefined;
  };
  g[INSTALLED] = uninstall;
  return uninstall;
}
