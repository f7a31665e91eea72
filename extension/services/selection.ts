/**
 * {@link IRunSelection}: the root run (and step run) the user has selected. The runs panel, the
 * commands and the step panels share one, instead of reading each other's DOM.
 *
 * @example
 * ```ts
 * const selection = new RunSelection();
 * selection.changed.connect(() => view.setRoot(selection.rootId));
 * selection.select("r-1f3a", { stepId: "r-77c0" });
 * ```
 */
import { type ISignal, Signal } from "@lumino/signaling";

import type { IRunSummary } from "../client";
import type { IRunSelection } from "../tokens";

export class RunSelection implements IRunSelection {
  get rootId(): string | null {
    return this._rootId;
  }

  get stepId(): string | null {
    return this._stepId;
  }

  get run(): IRunSummary | null {
    return this._run;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  select(rootId: string | null, options: IRunSelection.ISelectOptions = {}): void {
    const sameRoot = rootId === this._rootId;
    // Another root: the step and what was known of the previous root no longer apply.
    const stepId = rootId === null ? null : (options.stepId ?? (sameRoot ? this._stepId : null));
    const given = options.run ?? (sameRoot ? this._run : null);
    const run = given !== null && given.id === rootId ? given : null;
    if (sameRoot && stepId === this._stepId && Private.sameRun(run, this._run)) {
      return;
    }
    this._rootId = rootId;
    this._stepId = stepId;
    this._run = run;
    this._changed.emit();
  }

  private _rootId: string | null = null;
  private _stepId: string | null = null;
  private _run: IRunSummary | null = null;
  private readonly _changed = new Signal<this, void>(this);
}

namespace Private {
  /** Whether two summaries say the same about a run (the list re-reads runs every few seconds). */
  export function sameRun(a: IRunSummary | null, b: IRunSummary | null): boolean {
    if (a === null || b === null) {
      return a === b;
    }
    return (
      a.id === b.id && a.state === b.state && a.name === b.name && a.tags.join() === b.tags.join()
    );
  }
}
