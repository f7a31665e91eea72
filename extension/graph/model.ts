/**
 * The run graph as the widget draws it: runs (nodes), nesting by `parentId`, and the lineage
 * flows kernel-lib recorded where data flowed (design.md, "Lineage edges: recorded, never
 * guessed"). Built from any of the three sources of a graph: the `flows` map of the live Yjs
 * document, the `flows` of `GET /runs/{id}/graph`, or the `edges` of a notebook's MIME bundle.
 * Nothing here infers an edge from equal artifact ids: data without flows (written before flows
 * were recorded) draws no arrows.
 *
 * @example
 * ```ts
 * const graph = RunGraphData.fromFlows(rootId, runs, [{ from: "sq1", to: "sum", kind: "future" }]);
 * graph.runs.get(rootId)?.state; // "running"
 * graph.edges; // [{ from: "sq1", to: "sum", kind: "future" }]
 * ```
 */
import type * as wire from "../wire";

/** One run of the graph, as drawn. */
export interface IGraphRun {
  readonly id: string;
  readonly parentId: string | null;
  readonly name: string;
  readonly state: string;
  /**
   * A cache hit: the run whose outputs it reused (`originalRunId`), or `""` when only the fact is
   * known (a bundle's `cached`). Absent: the run computed its outputs (or has not ended).
   */
  readonly cachedFrom?: string;
  /** The attempt (from 1); above 1 the step was retried. Absent: 1. */
  readonly attempt?: number;
}

/**
 * How a value reached a run (openapi.yaml's `FlowKind`): `future` (an argument was the future of
 * `from`), `reference` (the very object `from` returned), `parent` (the parent awaited `from` and
 * passed its value on unchanged: drawn dashed), `awaited` (`to` is the parent whose body awaited
 * its child `from`).
 */
export type FlowKind = wire.FlowKind;

/** Every flow kind, drawn or not: one added to openapi.yaml fails to compile here until listed. */
const FLOW_KIND_LIST = {
  future: true,
  reference: true,
  parent: true,
  awaited: true,
} as const satisfies Record<FlowKind, true>;

/** The flow kinds, for validating what a server or a bundle sends. */
export const FLOW_KINDS: ReadonlySet<string> = new Set(Object.keys(FLOW_KIND_LIST));

/**
 * A recorded flow from run `from` to run `to` (openapi.yaml's `GraphFlow`): `parameter` the
 * consumer's parameter (data flows), `path` where inside the argument the value went (`xs[2]`).
 */
export type IGraphEdge = Readonly<wire.GraphFlow>;

/**
 * Runs added or changed, and flows added, since a graph: what a live document's update brings.
 * Flows whose ends are not (yet) runs of the graph wait until both are.
 */
export interface IGraphChanges {
  readonly runs?: Iterable<IGraphRun>;
  readonly flows?: Iterable<IGraphEdge>;
}

/**
 * How a graph was derived from the one before it by {@link RunGraphData.withChanges} when only
 * run states (and other fields that are not the shape) changed: the folds of the one before hold,
 * and their state counts are updated from the changed runs (fold.ts).
 */
export interface IStateChanges {
  /** The graph before; held weakly, so that a chain of live updates is not kept alive. */
  readonly base: WeakRef<RunGraphData>;
  /** The changed runs as they were in `base`. */
  readonly previous: ReadonlyMap<string, IGraphRun>;
}

/**
 * A fold counted by a bounded bundle (kernel-lib's `RunViewFold`): the calls of step `name` under
 * `parentId`, all of them, while the graph holds only the first few (issue 11).
 */
export interface IFoldCount {
  readonly parentId: string;
  readonly name: string;
  /** All calls, those not in the graph included. */
  readonly count: number;
  /** How many calls are in each state. */
  readonly states: ReadonlyMap<string, number>;
}

/** What a bounded bundle counted but left out of its runs (kernel-lib's notebook/bounds.ts). */
export interface IGraphBounds {
  /** Folds counted over all their calls. */
  readonly foldCounts?: readonly IFoldCount[];
  /** Runs left out that no fold counts. */
  readonly unlistedRuns?: number;
}

/** An immutable run graph. */
export class RunGraphData {
  constructor(
    readonly rootId: string,
    readonly runs: ReadonlyMap<string, IGraphRun>,
    readonly edges: readonly IGraphEdge[],
    derived?: Private.IDerived,
  ) {
    if (derived !== undefined) {
      this.children = derived.children;
      this.stateChanges = derived.stateChanges;
      this._flowKeys = derived.flowKeys;
      this._waitingFlows = derived.waitingFlows;
      this.foldCounts = derived.bounds?.foldCounts ?? [];
      this.unlistedRuns = derived.bounds?.unlistedRuns ?? 0;
      return;
    }
    this.stateChanges = null;
    this.children = Private.childrenOf(runs);
    this.foldCounts = [];
    this.unlistedRuns = 0;
  }

  /**
   * The folds a bounded bundle counted over calls it left out (empty for the server's graphs,
   * which hold every run). Not carried by {@link withChanges}: a changed graph's counts would be
   * stale.
   */
  readonly foldCounts: readonly IFoldCount[];

  /**
   * Runs a bounded bundle left out that no fold counts (a graph of more than 500 differently
   * named steps): the view says the server holds them. 0 for the server's graphs.
   */
  readonly unlistedRuns: number;

  /**
   * Child run ids by parent id (only parents that have children). The same object in a graph
   * derived by {@link withChanges} when no run was added, moved or renamed.
   */
  readonly children: ReadonlyMap<string, readonly string[]>;

  /** Set when this graph was derived from another by state changes only. */
  readonly stateChanges: IStateChanges | null;

  /**
   * This graph with runs added or changed and flows added, as {@link fromFlows} would build it
   * from all of them (edges in another order: flows that waited for a run come last). Costs the
   * changes plus a copy of the run map; a change of shape (a run added, moved to another parent
   * or renamed) also recomputes the nesting, in linear time. Unchanged parts are shared: when
   * only states changed, `children` and `edges` are the same objects, and folds keep their counts
   * up to date from the changed runs alone.
   *
   * @example
   * ```ts
   * const next = graph.withChanges({ runs: [{ ...graph.runs.get("s7")!, state: "resolved" }] });
   * next.children === graph.children; // true: only a state changed
   * ```
   */
  withChanges(changes: IGraphChanges): RunGraphData {
    const runs = new Map(this.runs);
    const previous = new Map<string, IGraphRun>();
    let reshaped = false;
    for (const run of changes.runs ?? []) {
      const old = runs.get(run.id);
      if (old !== undefined && !previous.has(run.id)) {
        previous.set(run.id, old);
      }
      if (old === undefined || old.parentId !== run.parentId || old.name !== run.name) {
        reshaped = true;
      }
      runs.set(run.id, run);
    }
    // The dedupe keys pass to the new graph (an older graph rebuilds its own if ever asked again).
    const keys = this._flowKeys ?? Private.flowKeys(this.edges);
    this._flowKeys = null;
    const added: IGraphEdge[] = [];
    const waiting: IGraphEdge[] = [];
    const consider = (flow: IGraphEdge): void => {
      if (flow.from === flow.to) {
        return;
      }
      if (!runs.has(flow.from) || !runs.has(flow.to)) {
        waiting.push(flow);
        return;
      }
      const key = Private.flowKey(flow);
      if (!keys.has(key)) {
        keys.add(key);
        added.push(flow);
      }
    };
    for (const flow of reshaped ? this._waitingFlows : []) {
      consider(flow);
    }
    for (const flow of changes.flows ?? []) {
      consider(flow);
    }
    const edges = added.length === 0 ? this.edges : [...this.edges, ...added];
    const derived: Private.IDerived = {
      children: reshaped ? Private.childrenOf(runs) : this.children,
      stateChanges: reshaped || added.length > 0 ? null : { base: new WeakRef(this), previous },
      flowKeys: keys,
      waitingFlows: reshaped ? waiting : [...this._waitingFlows, ...waiting],
    };
    return new RunGraphData(this.rootId, runs, edges, derived);
  }

  /** The runs without a parent in this graph (normally only the root). */
  get tops(): string[] {
    return [...this.runs.values()]
      .filter((run) => run.parentId === null || !this.runs.has(run.parentId))
      .map((run) => run.id);
  }

  /** How many runs are nested (at any depth) under `id`. */
  descendantCount(id: string): number {
    let count = 0;
    const stack = [...(this.children.get(id) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      count += 1;
      stack.push(...(this.children.get(next) ?? []));
    }
    return count;
  }

  /** A key that changes when the shape (runs, nesting, edges) changes, not when states do. */
  get shapeKey(): string {
    if (this._shapeKey === null) {
      const runs = [...this.runs.values()].map((r) => `${r.id}<${r.parentId ?? ""}`).sort();
      const edges = this.edges.map((e) => `${e.from}>${e.to}:${e.kind}`).sort();
      this._shapeKey = `${runs.join(",")}|${edges.join(",")}`;
    }
    return this._shapeKey;
  }

  /**
   * A graph from runs and recorded flows (the server's form: the graph API's `flows`, the live
   * document's `flows` map). Flows whose ends are not both in the graph, and repeats (same ends,
   * kind and path), are dropped.
   */
  static fromFlows(
    rootId: string,
    runs: Iterable<IGraphRun>,
    flows: Iterable<IGraphEdge>,
    bounds: IGraphBounds = {},
  ): RunGraphData {
    const byId = new Map<string, IGraphRun>();
    for (const run of runs) {
      byId.set(run.id, run);
    }
    const edges: IGraphEdge[] = [];
    const seen = new Set<string>();
    const waitingFlows: IGraphEdge[] = [];
    for (const flow of flows) {
      if (flow.from === flow.to) {
        continue;
      }
      if (!byId.has(flow.from) || !byId.has(flow.to)) {
        // Kept for withChanges: a live flow may arrive before one of its runs.
        waitingFlows.push(flow);
        continue;
      }
      const key = Private.flowKey(flow);
      if (seen.has(key)) {
        continue;
      }
      seen.add(key);
      edges.push(flow);
    }
    return new RunGraphData(rootId, byId, edges, {
      children: Private.childrenOf(byId),
      stateChanges: null,
      flowKeys: seen,
      waitingFlows,
      bounds,
    });
  }

  /**
   * A graph from the snapshot of `application/vnd.tsematic.run.v1+json`. Its `edges` are the
   * recorded flows; edges without a `kind` come from bundles saved before flows were recorded
   * (guessed from equal artifact ids) and are not drawn. A bounded bundle's `folds` count the
   * calls its `runs` leave out ({@link foldCounts}).
   */
  static fromBundle(bundle: IRunViewBundle): RunGraphData {
    const runs: IGraphRun[] = [];
    for (const run of bundle.runs ?? []) {
      runs.push({
        id: run.id,
        parentId: run.parentId ?? null,
        name: run.name ?? "(unnamed)",
        state: run.state ?? "created",
        ...(run.cached === true ? { cachedFrom: "" } : {}),
        ...(typeof run.attempt === "number" && run.attempt > 1 ? { attempt: run.attempt } : {}),
      });
    }
    const flows = (bundle.edges ?? [])
      .map(flowFromJson)
      .filter((flow): flow is IGraphEdge => flow !== null);
    const folds = (bundle.folds ?? [])
      .map(foldCountFromJson)
      .filter((fold): fold is IFoldCount => fold !== null);
    // Runs left out and not counted in a fold: the omitted ones less the folds' calls not held.
    const held = new Map<string, number>();
    for (const run of runs) {
      const key = `${run.parentId ?? ""}\u0000${run.name}`;
      held.set(key, (held.get(key) ?? 0) + 1);
    }
    const inFolds = folds.reduce(
      (sum, fold) => sum + fold.count - (held.get(`${fold.parentId}\u0000${fold.name}`) ?? 0),
      0,
    );
    const omitted = typeof bundle.omittedRuns === "number" ? bundle.omittedRuns : 0;
    const unlistedRuns = Math.max(0, omitted - inFolds);
    return RunGraphData.fromFlows(bundle.rootId, runs, flows, { foldCounts: folds, unlistedRuns });
  }

  private _shapeKey: string | null = null;
  /** The dedupe keys of `edges`, until handed to a graph derived from this one. */
  private _flowKeys: Set<string> | null = null;
  /** Flows with an end not (yet) in the graph. */
  private _waitingFlows: readonly IGraphEdge[] = [];
}

/** An artifact's summary as a silent run's bundle keeps it (`artifacts` of the bundle). */
export interface IBundleArtifact {
  readonly typeName: string;
  readonly size: number;
  readonly summary: Record<string, unknown>;
}

/** A failure as the bundle keeps it (kernel-lib's `RunViewError`). */
export interface IBundleError {
  readonly name?: string;
  readonly message?: string;
  readonly stack?: string;
  readonly stepName?: string;
  readonly runId?: string;
}

/** One run of the bundle (kernel-lib's `RunViewRun`). */
export interface IBundleRun {
  readonly id: string;
  readonly name?: string;
  readonly state?: string;
  readonly parentId?: string | null;
  readonly attempt?: number;
  readonly createdAt?: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly cached?: boolean;
  /** Input artifact ids by parameter name. */
  readonly inputs?: Readonly<Record<string, string>>;
  /** The output artifact id. */
  readonly output?: string;
  readonly error?: IBundleError;
}

/** The fields of the run view bundle (kernel-lib's `RunViewBundle`, version 1) the views read. */
export interface IRunViewBundle {
  readonly version: number;
  readonly rootId: string;
  readonly stepName?: string;
  /** `silent`: run without tracking; no server knows it (`serverUrl` is null). */
  readonly mode?: string;
  readonly serverUrl?: string | null;
  readonly state?: string;
  readonly final?: boolean;
  readonly runs?: readonly IBundleRun[];
  /** The recorded flows (kernel-lib's `RunViewEdge`). */
  readonly edges?: readonly unknown[];
  /** Summaries of the runs' artifacts, by id (silent runs). */
  readonly artifacts?: Readonly<Record<string, IBundleArtifact>>;
  /** The folds counted over all their calls (kernel-lib's `RunViewFold`; since issue 11). */
  readonly folds?: readonly unknown[];
  /** How many runs `runs` leaves out (counted in `folds`). */
  readonly omittedRuns?: number;
}

/** Reads a bundle's fold count; null when it is not one. */
export function foldCountFromJson(value: unknown): IFoldCount | null {
  if (typeof value !== "object" || value === null) {
    return null;
  }
  const fold = value as Record<string, unknown>;
  if (
    typeof fold.parentId !== "string" ||
    typeof fold.name !== "string" ||
    typeof fold.count !== "number" ||
    typeof fold.states !== "object" ||
    fold.states === null
  ) {
    return null;
  }
  const states = new Map<string, number>();
  for (const [state, count] of Object.entries(fold.states)) {
    if (typeof count === "number" && count > 0) {
      states.set(state, count);
    }
  }
  return { parentId: fold.parentId, name: fold.name, count: fold.count, states };
}

/** Reads a run from the server's JSON (`Run` of the OpenAPI file or the live document). */
export function graphRunFromJson(value: unknown): IGraphRun | null {
  if (typeof value !== "object" || value === null) {
    return null;
  }
  const run = value as Record<string, unknown>;
  if (typeof run.id !== "string") {
    return null;
  }
  return {
    id: run.id,
    parentId: typeof run.parentId === "string" ? run.parentId : null,
    name:
      typeof run.stepName === "string"
        ? run.stepName
        : typeof run.name === "string"
          ? run.name
          : "(unnamed)",
    state: typeof run.state === "string" ? run.state : "created",
    ...(typeof run.originalRunId === "string" && run.originalRunId !== ""
      ? { cachedFrom: run.originalRunId }
      : {}),
    ...(typeof run.attempt === "number" && run.attempt > 1 ? { attempt: run.attempt } : {}),
  };
}

/** What a box's tooltip says of a run: its name, state, id, and the run a cache hit reused. */
export function runTooltip(run: IGraphRun): string {
  const lines = [`${run.name} · ${run.state} · ${run.id}`];
  if (run.cachedFrom !== undefined) {
    lines.push(run.cachedFrom ? `cache hit: reused run ${run.cachedFrom}` : "cache hit");
  }
  if ((run.attempt ?? 1) > 1) {
    lines.push(`retried: attempt ${run.attempt} (the step panel lists the attempts)`);
  }
  return lines.join("\n");
}

/**
 * Reads a recorded flow (`{ from, to, kind, parameter?, path? }`: the graph API's `flows`, the
 * live document's `flows` map, the bundle's `edges`); null when it is not one, for example an
 * edge of a bundle saved before flows were recorded (no `kind`).
 */
export function flowFromJson(value: unknown): IGraphEdge | null {
  if (typeof value !== "object" || value === null) {
    return null;
  }
  const flow = value as Record<string, unknown>;
  if (typeof flow.from !== "string" || typeof flow.to !== "string") {
    return null;
  }
  if (typeof flow.kind !== "string" || !FLOW_KINDS.has(flow.kind)) {
    return null;
  }
  return {
    from: flow.from,
    to: flow.to,
    kind: flow.kind as FlowKind,
    ...(typeof flow.parameter === "string" ? { parameter: flow.parameter } : {}),
    ...(typeof flow.path === "string" ? { path: flow.path } : {}),
  };
}

namespace Private {
  /** What {@link RunGraphData.withChanges} hands to the graph it derives. */
  export interface IDerived {
    readonly children: ReadonlyMap<string, readonly string[]>;
    readonly stateChanges: IStateChanges | null;
    readonly flowKeys: Set<string>;
    readonly waitingFlows: readonly IGraphEdge[];
    readonly bounds?: IGraphBounds;
  }

  /** Flows with these keys are repeats (same ends, kind and path). */
  export function flowKey(flow: IGraphEdge): string {
    return `${flow.to}|${flow.from}|${flow.kind}|${flow.path ?? ""}`;
  }

  export function flowKeys(edges: readonly IGraphEdge[]): Set<string> {
    return new Set(edges.map(flowKey));
  }

  /** Child run ids by parent id, in the order of the runs. */
  export function childrenOf(runs: ReadonlyMap<string, IGraphRun>): Map<string, string[]> {
    const children = new Map<string, string[]>();
    for (const run of runs.values()) {
      if (run.parentId !== null && runs.has(run.parentId) && run.id !== run.parentId) {
        let list = children.get(run.parentId);
        if (!list) {
          children.set(run.parentId, (list = []));
        }
        list.push(run.id);
      }
    }
    return children;
  }
}
