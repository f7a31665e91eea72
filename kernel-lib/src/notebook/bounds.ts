/**
 * Bounds a run view bundle's size whatever the run's size (issue 11): JupyterLab copies a cell's
 * output through JSON several times per render and saves it in the notebook, so a 100,000-step
 * fan-out must not write one entry per call. Uniform fan-outs (more than
 * {@link RUN_VIEW_FOLD_ABOVE} calls of one step under one parent, as the extension folds them) are
 * counted in `folds`; `runs` keeps the root, the runs outside folds, and the first
 * {@link RUN_VIEW_FOLD_SAMPLE} members of each fold, {@link RUN_VIEW_RUN_LIMIT} runs in all (plus
 * the ancestors of those it keeps); `edges` keeps the flows among the kept runs.
 *
 * @example
 * ```ts
 * const small = boundRunView(bundle); // a fan-out of 100,000 calls of `leaf`
 * small.runs.length; // ≤ 500 (+ ancestors)
 * small.folds; // [{ parentId: root, name: "leaf", count: 100_000, states: { resolved: 99_000, ... } }]
 * ```
 */
import {
  RUN_VIEW_EDGE_LIMIT,
  RUN_VIEW_FOLD_ABOVE,
  RUN_VIEW_FOLD_SAMPLE,
  RUN_VIEW_RUN_LIMIT,
  type RunViewBundle,
  type RunViewFold,
  type RunViewRun,
} from "./bundle";

/** How far a bundle is bounded; the defaults are the exported limits (tests use smaller ones). */
export interface RunViewBounds {
  runs?: number;
  foldSample?: number;
  edges?: number;
  foldAbove?: number;
}

/** `bundle` with at most the bounded runs and edges, and its folds counted. */
export function boundRunView(bundle: RunViewBundle, bounds: RunViewBounds = {}): RunViewBundle {
  const runLimit = bounds.runs ?? RUN_VIEW_RUN_LIMIT;
  const sample = bounds.foldSample ?? RUN_VIEW_FOLD_SAMPLE;
  const edgeLimit = bounds.edges ?? RUN_VIEW_EDGE_LIMIT;
  const above = bounds.foldAbove ?? RUN_VIEW_FOLD_ABOVE;
  const byId = new Map<string, RunViewRun>(bundle.runs.map((run) => [run.id, run]));
  const groups = new Map<string, RunViewRun[]>();
  for (const run of bundle.runs) {
    if (run.parentId === null) continue;
    const key = `${run.parentId}\u0000${run.name}`;
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = []));
    group.push(run);
  }
  const folded = [...groups.values()].filter((group) => group.length > above);
  const foldOf = new Set<RunViewRun>(folded.flat());
  const kept = new Set<string>();
  const keep = (run: RunViewRun): void => {
    if (kept.has(run.id) || kept.size >= runLimit) return;
    // Ancestors first, so that a kept run is drawn inside its parent (they may pass the limit).
    const parent = run.parentId === null ? undefined : byId.get(run.parentId);
    if (parent !== undefined && !kept.has(parent.id)) keep(parent);
    kept.add(run.id);
  };
  const root = byId.get(bundle.rootId);
  if (root !== undefined) keep(root);
  for (const run of bundle.runs) if (!foldOf.has(run)) keep(run);
  for (const group of folded) for (const run of group.slice(0, sample)) keep(run);
  const bounded: RunViewBundle = { ...bundle };
  if (kept.size < bundle.runs.length) {
    bounded.runs = bundle.runs.filter((run) => kept.has(run.id));
    bounded.omittedRuns = bundle.runs.length - bounded.runs.length;
  }
  const edges = bundle.edges.filter((edge) => kept.has(edge.from) && kept.has(edge.to));
  if (edges.length > edgeLimit) edges.length = edgeLimit;
  if (edges.length < bundle.edges.length) {
    bounded.edges = edges;
    bounded.omittedEdges = bundle.edges.length - edges.length;
  }
  if (folded.length > 0) bounded.folds = folded.map(foldCount);
  return bounded;
}

/** The counts of one fold's calls. */
function foldCount(group: readonly RunViewRun[]): RunViewFold {
  const first = group[0] as RunViewRun;
  const fold: RunViewFold = {
    parentId: first.parentId as string,
    name: first.name,
    count: group.length,
    states: {},
    cached: 0,
    retried: 0,
  };
  for (const run of group) {
    fold.states[run.state] = (fold.states[run.state] ?? 0) + 1;
    if (run.cached) fold.cached++;
    if (run.attempt > 1) fold.retried++;
  }
  return fold;
}
