/**
 * The run view bundles shown in open notebook outputs, by root run id: what a click on a step of
 * a snapshot-only view (a silent run, a run of another server) opens, since no server can be
 * asked about it. Kept while the output that shows it is open.
 *
 * @example
 * ```ts
 * const registration = runSnapshots.set(bundle);
 * runSnapshots.get(bundle.rootId); // the latest bundle of that root
 * registration.dispose(); // the output was closed
 * ```
 */
import type { IDisposable } from "@lumino/disposable";

import type { IRunViewBundle } from "../graph/model";

export class RunSnapshots {
  /** The latest bundle of a root run shown by an open output, if any. */
  get(rootId: string): IRunViewBundle | undefined {
    return this._owners.get(rootId)?.at(-1)?.bundle;
  }

  /** Shows `bundle` as its root's snapshot until the returned handle is disposed. */
  set(bundle: IRunViewBundle): RunSnapshots.IRegistration {
    const entry = { bundle };
    let owners = this._owners.get(bundle.rootId);
    if (!owners) {
      this._owners.set(bundle.rootId, (owners = []));
    }
    owners.push(entry);
    let disposed = false;
    return {
      get isDisposed() {
        return disposed;
      },
      update: (next: IRunViewBundle) => {
        entry.bundle = next;
      },
      dispose: () => {
        if (disposed) {
          return;
        }
        disposed = true;
        const list = this._owners.get(bundle.rootId) ?? [];
        const index = list.indexOf(entry);
        if (index >= 0) {
          list.splice(index, 1);
        }
        if (list.length === 0) {
          this._owners.delete(bundle.rootId);
        }
      },
    };
  }

  private readonly _owners = new Map<string, Array<{ bundle: IRunViewBundle }>>();
}

export namespace RunSnapshots {
  /** An output's hold on its snapshot. */
  export interface IRegistration extends IDisposable {
    /** The output was updated (a running pipeline's display). */
    update(bundle: IRunViewBundle): void;
  }
}

/** The snapshots of this page (the run view renderer writes them, the step panel reads them). */
export const runSnapshots = new RunSnapshots();
