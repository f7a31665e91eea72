/**
 * What a rerun from a step reuses (design.md "Reruns", "Lineage edges: recorded, never guessed").
 * Downstream of step run `from` is: `from` itself, the runs nested inside a downstream run (its
 * body runs again, and with it its children), and every run that consumed an output of a
 * downstream run by a recorded flow (`future`, `reference` or `parent`: the data reached it).
 * Their ancestors execute again too (their control flow makes the downstream runs). Every other run
 * of the original root may be reused: the driver looks it up under the id it had there, and takes
 * it only when it resolved with the same inputs.
 *
 * An `awaited` flow (a parent consumed its child's value in its body) does not make the parent
 * downstream: the parent is an ancestor, which executes again anyway, and its other children stay
 * reusable.
 */
import type { ReusePlan } from "../model/jobs";
import type { Db } from "../storage/db";
import { rootFlows } from "../storage/flows";

interface RunLink {
  id: string;
  parent_id: string | null;
}

/**
 * The reuse plan of a rerun of root `rootId` from its run `from`: the runs of the original root
 * that are neither downstream of `from` nor ancestors of a downstream run.
 *
 * @example
 * ```ts
 * // pipeline → makeData → train(makeData's output) → evaluate(train's output)
 * reusePlan(db, rootId, trainRunId); // { priorRootId: rootId, runIds: [makeDataRunId] }
 * ```
 */
export function reusePlan(db: Db, rootId: string, from: string): ReusePlan {
  const runs = db
    .prepare<[string], RunLink>("SELECT id, parent_id FROM runs WHERE root_id = ?")
    .all(rootId);
  const parentOf = new Map(runs.map((r) => [r.id, r.parent_id]));
  const childrenOf = new Map<string, string[]>();
  for (const r of runs) {
    if (r.parent_id === null) continue;
    const list = childrenOf.get(r.parent_id) ?? [];
    list.push(r.id);
    childrenOf.set(r.parent_id, list);
  }
  const consumersOf = new Map<string, string[]>();
  for (const flow of rootFlows(db, rootId)) {
    if (flow.kind === "awaited") continue;
    const list = consumersOf.get(flow.from) ?? [];
    list.push(flow.to);
    consumersOf.set(flow.from, list);
  }
  const downstream = new Set<string>([from]);
  const queue = [from];
  while (queue.length > 0) {
    const id = queue.pop()!;
    for (const next of [...(childrenOf.get(id) ?? []), ...(consumersOf.get(id) ?? [])]) {
      if (!parentOf.has(next) || downstream.has(next)) continue;
      downstream.add(next);
      queue.push(next);
    }
  }
  const executes = new Set(downstream);
  for (const id of downstream) {
    for (let p = parentOf.get(id); p; p = parentOf.get(p)) {
      if (executes.has(p)) break;
      executes.add(p);
    }
  }
  executes.add(rootId);
  return { priorRootId: rootId, runIds: runs.map((r) => r.id).filter((id) => !executes.has(id)) };
}
