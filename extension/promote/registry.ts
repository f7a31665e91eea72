/**
 * {@link IPromotedRuns}: which notebook cell each promoted (cloud) run came from, and whether it has
 * ended, so that the commands that act on a cell's run (cancel, open) find a cloud run whose graph
 * is not in the cell's outputs, and cancel turns disabled when the run ends, as for a local run.
 * Keyed by the cell model's id; kept for the page's life (after a reload the runs panel and the
 * run's own panel act on it by id). Each run's state is followed (a live source of its root) until
 * it ends.
 *
 * @example
 * ```ts
 * const runs = new PromotedRuns({ follow: (run, onState) => watchRootState(run, onState) });
 * runs.set(cell.model.id, { rootId, serverUrl, stepName, executor });
 * runs.get(cell.model.id)?.ended; // false, until the root run's state is final
 * ```
 */
import type { IDisposable } from "@lumino/disposable";
import { type ISignal, Signal } from "@lumino/signaling";

import { ENDED_STATES } from "../client";
import type { IPromotedRuns } from "../tokens";
import type { IPromotedRun } from "./run";

export class PromotedRuns implements IPromotedRuns {
  constructor(options: PromotedRuns.IOptions = {}) {
    this._follow = options.follow ?? null;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get(cellId: string): IPromotedRuns.IEntry | null {
    const run = this._byCell.get(cellId);
    return run ? this._entry(run) : null;
  }

  set(cellId: string, run: IPromotedRun): void {
    this._byCell.set(cellId, run);
    this._watch(run);
    this._changed.emit();
  }

  byRoot(rootId: string): IPromotedRuns.IEntry | null {
    const run = this._byRoot.get(rootId);
    return run ? this._entry(run) : null;
  }

  follow(run: IPromotedRun): void {
    if (this._byRoot.has(run.rootId)) {
      return;
    }
    this._watch(run);
    this._changed.emit();
  }

  setState(rootId: string, state: string): void {
    if (this._states.get(rootId) === state) {
      return;
    }
    this._states.set(rootId, state);
    if (ENDED_STATES.has(state)) {
      // Ended for good: nothing more to follow.
      const watch = this._watches.get(rootId);
      this._watches.delete(rootId);
      watch?.dispose();
    }
    this._changed.emit();
  }

  /** Stops following every run (the page is closing). */
  dispose(): void {
    for (const watch of this._watches.values()) {
      watch?.dispose();
    }
    this._watches.clear();
  }

  /** Knows `run` by its root id and follows its state until it ends (once per root). */
  private _watch(run: IPromotedRun): void {
    this._byRoot.set(run.rootId, run);
    if (this._follow !== null && !this._watches.has(run.rootId) && !this._ended(run)) {
      const rootId = run.rootId;
      // Set before following: a watch may report a state at once.
      this._watches.set(rootId, null);
      const watch = this._follow(run, (state) => this.setState(rootId, state));
      if (this._watches.has(rootId)) {
        this._watches.set(rootId, watch);
      } else {
        watch.dispose(); // It reported the end already.
      }
    }
  }

  private _entry(run: IPromotedRun): IPromotedRuns.IEntry {
    return { ...run, state: this._states.get(run.rootId) ?? null, ended: this._ended(run) };
  }

  private _ended(run: IPromotedRun): boolean {
    return ENDED_STATES.has(this._states.get(run.rootId) ?? "");
  }

  private readonly _follow: PromotedRuns.Follow | null;
  private readonly _byCell = new Map<string, IPromotedRun>();
  private readonly _byRoot = new Map<string, IPromotedRun>();
  private readonly _states = new Map<string, string>();
  private readonly _watches = new Map<string, IDisposable | null>();
  private readonly _changed = new Signal<this, void>(this);
}

export namespace PromotedRuns {
  /** Follows `run`'s root state, calling `onState` with each new one, until disposed. */
  export type Follow = (run: IPromotedRun, onState: (state: string) => void) => IDisposable;

  export interface IOptions {
    /** How a run's state is followed (the plugin: the root's live graph); none: only setState. */
    follow?: Follow;
  }
}
