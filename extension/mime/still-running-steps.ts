/**
 * The steps whose code still runs in the kernel after their run was canceled, as the run view
 * bundle names them (kernel-lib's `RunViewBundle.stillRunning`); read without the DOM.
 *
 * @example
 * ```ts
 * stillRunningSteps({ stillRunning: [{ runId: "a", stepName: "train" }] }); // ["train"]
 * stillRunningRuns({ stillRunning: [{ runId: "a", stepName: "train" }] }); // [{ runId: "a", stepName: "train" }]
 * ```
 */

/** A step run whose code still runs, as the bundle names it. */
export interface IStillRunningRun {
  readonly runId: string;
  readonly stepName: string;
}

/** The bundle's `stillRunning` runs that name both their run and step; anything else reads none. */
export function stillRunningRuns(bundle: unknown): IStillRunningRun[] {
  const runs = (bundle as { stillRunning?: unknown } | null)?.stillRunning;
  if (!Array.isArray(runs)) {
    return [];
  }
  return runs.flatMap((run: unknown) => {
    const { runId, stepName } = (run ?? {}) as { runId?: unknown; stepName?: unknown };
    return typeof runId === "string" && typeof stepName === "string" ? [{ runId, stepName }] : [];
  });
}

/** The step names of the bundle's `stillRunning` runs (kernel-lib's `RunViewBundle`), each once. */
export function stillRunningSteps(bundle: unknown): string[] {
  return [...new Set(stillRunningRuns(bundle).map((run) => run.stepName))];
}
