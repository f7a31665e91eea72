/**
 * Awaited flows ("the parent consumed this child", design.md "Lineage edges") recorded as one flow
 * event per parent and microtask instead of one event per child: `await Promise.all(xs.map(f))`
 * awaits 10,000 children in one tick, and each of their events cost a JSON encoding and a place
 * in a batch. Every flow is still recorded, with its parent and child; only the envelope is shared.
 *
 * @example
 * ```ts
 * const awaited = new AwaitedFlows((parent, flows) => emit({ type: "flow", runId: parent.id, flows }));
 * awaited.add(parent, child.id); // emitted at the end of this microtask, with its siblings
 * awaited.flush(parent);         // or now: before the parent's last state
 * ```
 */
import type { Flow } from "../events";
import type { RunNode } from "./run-node";

/** Most flows in one event: far below the protocol's 10,000, so one event stays a few dozen KiB. */
export const AWAITED_FLOWS_PER_EVENT = 1000;

export class AwaitedFlows {
  private readonly pending = new Map<RunNode, Flow[]>();
  private queued = false;

  constructor(private readonly emitFlows: (parent: RunNode, flows: Flow[]) => void) {}

  /** Records that `parent`'s body awaited the run `childId`; emitted with its siblings. */
  add(parent: RunNode, childId: string): void {
    let flows = this.pending.get(parent);
    if (!flows) {
      flows = [];
      this.pending.set(parent, flows);
    }
    flows.push({ from: childId, kind: "awaited" });
    if (flows.length >= AWAITED_FLOWS_PER_EVENT) this.flush(parent);
    if (!this.queued) {
      this.queued = true;
      queueMicrotask(this.flushAll);
    }
  }

  /** Emits `parent`'s awaited flows now: before its terminal state, they belong to the run. */
  flush(parent: RunNode): void {
    const flows = this.pending.get(parent);
    if (!flows) return;
    this.pending.delete(parent);
    this.emitFlows(parent, flows);
  }

  private readonly flushAll = (): void => {
    this.queued = false;
    for (const [parent, flows] of this.pending) this.emitFlows(parent, flows);
    this.pending.clear();
  };
}
