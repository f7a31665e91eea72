/**
 * {@link IStillRunningSteps}: which canceled steps still run in which notebook kernel. One entry per
 * root run, from the newest run view bundle seen for it (by its `updatedAt`): the cell's output
 * when it renders, and the kernel's own later update when such code returns at last (the cell has
 * ended by then, so that update reaches no output; the notebook's kernel watcher hands it over).
 *
 * @example
 * ```ts
 * const steps = new StillRunningSteps();
 * steps.report(bundle, kernel); // bundle.stillRunning: [{ runId: "s-1", stepName: "train" }]
 * steps.find("s-1")?.kernel === kernel; // true
 * steps.forget(kernel); // restarted: its code stopped
 * steps.find("s-1"); // null
 * ```
 */
import { type ISignal, Signal } from "@lumino/signaling";

import { stillRunningRuns } from "../mime/still-running-steps";
import type { IStillRunningSteps } from "../tokens";

export class StillRunningSteps implements IStillRunningSteps {
  constructor(options: StillRunningSteps.IOptions = {}) {
    this._kernelOf = options.kernelOf ?? (() => null);
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  find(runId: string): IStillRunningSteps.IStep | null {
    for (const root of this._roots.values()) {
      const step = root.steps.find((candidate) => candidate.runId === runId);
      if (step) {
        return step;
      }
    }
    return null;
  }

  ofRoot(rootId: string): readonly IStillRunningSteps.IStep[] {
    return this._roots.get(rootId)?.steps ?? [];
  }

  report(bundle: unknown, kernel: IStillRunningSteps.IKernel): void {
    const { rootId, updatedAt } = (bundle ?? {}) as { rootId?: unknown; updatedAt?: unknown };
    if (typeof rootId !== "string" || rootId === "") {
      return;
    }
    // A bundle without a time (an old kernel-lib) is as new as any: it is all there is.
    const at = typeof updatedAt === "number" ? updatedAt : Number.NEGATIVE_INFINITY;
    const known = this._roots.get(rootId);
    // The same output renders again (a notebook reopened, a cell scrolled back into view): what the
    // kernel said since then stays.
    if (known && at < known.updatedAt) {
      return;
    }
    const steps = stillRunningRuns(bundle).map((run): IStillRunningSteps.IStep => ({
      ...run,
      rootId,
      kernel,
    }));
    const changed = !Private.sameSteps(known?.steps ?? [], steps);
    if (steps.length === 0) {
      this._roots.delete(rootId);
      // A root whose steps stopped keeps its time, so that an older bundle does not bring them back.
      this._stopped.set(rootId, at);
    } else if (!this._stopped.has(rootId) || at > this._stopped.get(rootId)!) {
      this._roots.set(rootId, { updatedAt: at, steps });
    } else {
      return;
    }
    if (changed) {
      this._changed.emit();
    }
  }

  forget(kernel: IStillRunningSteps.IKernel): void {
    let changed = false;
    for (const [rootId, root] of this._roots) {
      if (root.steps.some((step) => step.kernel === kernel)) {
        this._roots.delete(rootId);
        this._stopped.set(rootId, root.updatedAt);
        changed = true;
      }
    }
    if (changed) {
      this._changed.emit();
    }
  }

  kernelOf(node: HTMLElement): IStillRunningSteps.IKernel | null {
    return this._kernelOf(node);
  }

  private readonly _kernelOf: (node: HTMLElement) => IStillRunningSteps.IKernel | null;
  private readonly _roots = new Map<string, Private.IRoot>();
  /** The time of the last bundle of a root whose steps stopped: only a newer one names steps again. */
  private readonly _stopped = new Map<string, number>();
  private readonly _changed = new Signal<this, void>(this);
}

export namespace StillRunningSteps {
  export interface IOptions {
    /** The kernel of the notebook that shows `node` (the plugin looks it up in the notebooks). */
    kernelOf?: (node: HTMLElement) => IStillRunningSteps.IKernel | null;
  }
}

namespace Private {
  export interface IRoot {
    readonly updatedAt: number;
    readonly steps: readonly IStillRunningSteps.IStep[];
  }

  export function sameSteps(
    a: readonly IStillRunningSteps.IStep[],
    b: readonly IStillRunningSteps.IStep[],
  ): boolean {
    return (
      a.length === b.length &&
      a.every((step, i) => step.runId === b[i]!.runId && step.kernel === b[i]!.kernel)
    );
  }
}
