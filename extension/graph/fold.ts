/**
 * Folding of uniform fan-outs: many calls of one step under one parent (a sweep, a per-file map)
 * are drawn as ONE group box that says the step's name, how many calls there are and in which
 * states, instead of thousands of identical boxes. A fold can be expanded to show its members, a
 * page at a time, and folded again. Folds follow from the graph's shape only (parent and step
 * name); the state breakdown is read from the current states.
 *
 * @example
 * ```ts
 * const folds = foldsOf(graph);
 * const fold = folds.byId.get(foldId(rootId, "leaf"));
 * stateBreakdown(graph, fold).get("resolved"); // 9_874
 * breakdownText(stateBreakdown(graph, fold)); // "9,874 resolved · 120 running · 6 failed"
 * ```
 */
import type { IFoldCount, RunGraphData } from "./model";

/** Calls of one step under one parent beyond this many are folded. */
export const FOLD_ABOVE = 20;

/** How many members an expanded fold shows at first, and how many more each "show more" adds. */
export const FOLD_PAGE = 100;

/** A uniform fan-out: the calls of step `name` directly under run `parentId`. */
export interface IFold {
  readonly id: string;
  readonly parentId: string;
  readonly name: string;
  /** The member runs in the graph, in the graph's order. */
  readonly members: readonly string[];
  /**
   * All calls: more than `members` when a bounded bundle left some out (they are on the lineage
   * server, which the live view follows).
   */
  readonly count: number;
  /** The bundle's state counts over all calls, when it left some out. */
  readonly counted?: ReadonlyMap<string, number>;
}

/** The folds of a graph, by fold id and by member run. */
export interface IFoldIndex {
  readonly byId: ReadonlyMap<string, IFold>;
  readonly ofMember: ReadonlyMap<string, IFold>;
}

/**
 * The id of the fold of step `name` under `parentId`. Not a run id (those are hex); printable, as
 * it goes through a DOM attribute (`data-fold-id`) and back.
 */
export function foldId(parentId: string, name: string): string {
  return `fold:${parentId}/${name}`;
}

/**
 * The folds of `graph`: for every parent, each step name with more than `above` calls. Computed
 * once per graph object (graphs are immutable).
 */
export function foldsOf(graph: RunGraphData, above = FOLD_ABOVE): IFoldIndex {
  const known = Private.cache.get(graph);
  if (known !== undefined && known.above === above) {
    return known.index;
  }
  // Only states changed since the graph before: its folds hold (the same fold objects, so the
  // drawn folds and their counts carry over).
  const before = graph.stateChanges?.base.deref();
  const carried = before === undefined ? undefined : Private.cache.get(before);
  if (carried !== undefined && carried.above === above) {
    Private.cache.set(graph, carried);
    return carried.index;
  }
  const byId = new Map<string, IFold>();
  const ofMember = new Map<string, IFold>();
  // A bounded bundle's folds: counted over all calls, only the first few of which are runs here.
  const counted = new Map<string, IFoldCount>();
  for (const fold of graph.foldCounts) {
    if (fold.count > above) {
      counted.set(foldId(fold.parentId, fold.name), fold);
    }
  }
  const countedParents = new Set([...counted.values()].map((fold) => fold.parentId));
  for (const [parentId, kids] of graph.children) {
    if (kids.length <= above && !countedParents.has(parentId)) {
      continue;
    }
    const byName = new Map<string, string[]>();
    for (const id of kids) {
      const name = graph.runs.get(id)?.name ?? "";
      let list = byName.get(name);
      if (!list) {
        byName.set(name, (list = []));
      }
      list.push(id);
    }
    for (const [name, members] of byName) {
      const id = foldId(parentId, name);
      const count = counted.get(id);
      if (members.length <= above && count === undefined) {
        continue;
      }
      const fold: IFold =
        count !== undefined && count.count > members.length
          ? { id, parentId, name, members, count: count.count, counted: count.states }
          : { id, parentId, name, members, count: members.length };
      byId.set(fold.id, fold);
      for (const member of members) {
        ofMember.set(member, fold);
      }
    }
  }
  const index: IFoldIndex = { byId, ofMember };
  Private.cache.set(graph, { above, index });
  return index;
}

/**
 * How many members of `fold` are in each state, in `graph`'s current states. Kept per graph; a
 * graph derived by state changes only (RunGraphData.withChanges) updates the counts of the graph
 * before from its changed runs, so a live fold of 100,000 calls does not count them all again.
 * The map returned is the kept one: read it, do not change it.
 */
export function stateBreakdown(graph: RunGraphData, fold: IFold): ReadonlyMap<string, number> {
  let kept = Private.counts.get(graph);
  if (kept === undefined) {
    Private.counts.set(graph, (kept = new Map()));
  }
  const known = kept.get(fold);
  if (known !== undefined) {
    return known;
  }
  if (fold.counted !== undefined) {
    // Counted by the bundle over calls the graph does not hold.
    return fold.counted;
  }
  const changes = graph.stateChanges;
  const before = changes?.base.deref();
  const counted = before === undefined ? undefined : Private.counts.get(before)?.get(fold);
  let counts: Map<string, number>;
  if (changes !== null && counted !== undefined) {
    counts = new Map(counted);
    const members = Private.memberSet(fold);
    for (const [id, old] of changes.previous) {
      const state = graph.runs.get(id)?.state ?? "created";
      if (state === old.state || !members.has(id)) {
        continue;
      }
      const left = (counts.get(old.state) ?? 0) - 1;
      if (left > 0) {
        counts.set(old.state, left);
      } else {
        counts.delete(old.state);
      }
      counts.set(state, (counts.get(state) ?? 0) + 1);
    }
  } else {
    counts = new Map<string, number>();
    for (const id of fold.members) {
      const state = graph.runs.get(id)?.state ?? "created";
      counts.set(state, (counts.get(state) ?? 0) + 1);
    }
  }
  kept.set(fold, counts);
  return counts;
}

/**
 * The breakdown as a fold's box says it: most frequent state first, failed ones always named
 * ("9,874 resolved · 120 running · 6 failed").
 */
export function breakdownText(counts: ReadonlyMap<string, number>): string {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([state, count]) => `${count.toLocaleString("en-US")} ${state}`)
    .join(" · ");
}

/**
 * The state a fold's box is colored with: failed if any member failed, else running while any
 * runs (or retries), else resolved once all are, else created (members still waiting).
 */
export function foldState(counts: ReadonlyMap<string, number>): string {
  const count = (state: string): number => counts.get(state) ?? 0;
  if (count("failed") > 0) {
    return "failed";
  }
  if (count("running") + count("retrying") > 0) {
    return "running";
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return count("resolved") === total ? "resolved" : "created";
}

namespace Private {
  export const cache = new WeakMap<RunGraphData, { above: number; index: IFoldIndex }>();

  /** State counts by graph and fold. */
  export const counts = new WeakMap<RunGraphData, Map<IFold, Map<string, number>>>();

  const members = new WeakMap<IFold, ReadonlySet<string>>();

  /** A fold's members as a set, made once per fold. */
  export function memberSet(fold: IFold): ReadonlySet<string> {
    let set = members.get(fold);
    if (set === undefined) {
      members.set(fold, (set = new Set(fold.members)));
    }
    return set;
  }
}
