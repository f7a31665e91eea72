/**
 * The steps whose code still runs in the kernel after their run was canceled, as the run view
 * bundle names them (kernel-lib's `RunViewBundle.stillRunning`); read without the DOM.
 *
 * @example
 * ```ts
 * stillRunningSteps({ stillRunning: [{ runId: "a", stepName: "train" }] }); // ["train"]
 * ```
 */

/** The step names of the bundle's `stillRunning` runs (kernel-lib's `RunViewBundle`). */
export function stillRunningSteps(bundle: unknown): string[] {
  const runs = (bundle as { stillRunning?: unknown } | null)?.stillRunning;
  if (!Array.isArray(runs)) {
    return [];
  }
  const names = runs.flatMap((run: unknown) => {
    const name = (run as { stepName?: unknown } | null)?.stepName;
    return typeof name === "string" ? [name] : [];
  });
  return [...new Set(names)];
}
