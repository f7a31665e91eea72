/**
 * The run graph as the widget draws it: runs (nodes), nesting by `parentId`, and data edges (an
 * output artifact of run A used as an input of run B). Built from any of the three sources of a
 * graph: the live Yjs document, `GET /runs/{id}/graph`, or the snapshot in a notebook's MIME bundle.
 *
 * @example
 * ```ts
 * const graph = RunGraphData.fromPorts(rootId, runs, edges);
 * graph.runs.get(rootId)?.state; // "running"
 * ```
 */

/** One run of the graph, as drawn. */
export interface IGraphRun {
  readonly id: string;
  readonly parentId: string | null;
  readonly name: string;
  readonly state: string;
}

/** Data flow: an output of run `from` is an input of run `to`. */
export interface IDataEdge {
  readonly from: string;
  readonly to: string;
}

/** One input or output of a run, as the server stores it (`edges` of the live document). */
export interface IPortEdge {
  readonly runId: string;
  readonly direction: "input" | "output" | string;
  readonly artifactId: string;
}

/** An immutable run graph. */
export class RunGraphData {
  constructor(
    readonly rootId: string,
    readonly runs: ReadonlyMap<string, IGraphRun>,
    readonly edges: readonly IDataEdge[],
  ) {
    const children = new Map<string, string[]>();
    for (const run of runs.values()) {
      if (run.parentId !== null && runs.has(run.parentId) && run.id !== run.parentId) {
        let list = children.get(run.parentId);
        if (!list) children.set(run.parentId, (list = []));
        list.push(run.id);
      }
    }
    this.children = children;
  }

  /** Child run ids by parent id (only parents that have children). */
  readonly children: ReadonlyMap<string, readonly string[]>;

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
      const edges = this.edges.map((e) => `${e.from}>${e.to}`).sort();
      this._shapeKey = `${runs.join(",")}|${edges.join(",")}`;
    }
    return this._shapeKey;
  }

  /**
   * A graph from runs and their ports (the server's form). The same artifact is an output of a
   * step and of the steps that return it up the nesting; a consumer gets one edge from the
   * outermost producer that is not its own ancestor.
   */
  static fromPorts(
    rootId: string,
    runs: Iterable<IGraphRun>,
    ports: Iterable<IPortEdge>,
  ): RunGraphData {
    const byId = new Map<string, IGraphRun>();
    for (const run of runs) byId.set(run.id, run);
    const producers = new Map<string, string[]>();
    const consumers = new Map<string, string[]>();
    for (const port of ports) {
      const table = port.direction === "output" ? producers : consumers;
      let list = table.get(port.artifactId);
      if (!list) table.set(port.artifactId, (list = []));
      list.push(port.runId);
    }
    const isAncestor = (a: string, b: string): boolean => {
      let cursor = byId.get(b)?.parentId ?? null;
      for (let depth = 0; cursor !== null && depth < 10_000; depth++) {
        if (cursor === a) return true;
        cursor = byId.get(cursor)?.parentId ?? null;
      }
      return false;
    };
    const edges: IDataEdge[] = [];
    const seen = new Set<string>();
    for (const [artifactId, readers] of consumers) {
      const writers = producers.get(artifactId) ?? [];
      for (const to of readers) {
        const candidates = writers.filter(
          (from) => from !== to && byId.has(from) && byId.has(to) && !isAncestor(from, to),
        );
        const outermost = candidates.filter(
          (from) => !candidates.some((other) => other !== from && isAncestor(other, from)),
        );
        for (const from of outermost) {
          const key = `${from}>${to}`;
          if (!seen.has(key)) {
            seen.add(key);
            edges.push({ from, to });
          }
        }
      }
    }
    return new RunGraphData(rootId, byId, edges);
  }

  /** A graph from the snapshot of `application/vnd.tsematic.run.v1+json`. */
  static fromBundle(bundle: IRunViewBundle): RunGraphData {
    const runs = new Map<string, IGraphRun>();
    for (const run of bundle.runs ?? []) {
      runs.set(run.id, {
        id: run.id,
        parentId: run.parentId ?? null,
        name: run.name ?? "(unnamed)",
        state: run.state ?? "created",
      });
    }
    const edges = (bundle.edges ?? [])
      .filter((e) => runs.has(e.from) && runs.has(e.to))
      .map((e) => ({ from: e.from, to: e.to }));
    return new RunGraphData(bundle.rootId, runs, edges);
  }

  private _shapeKey: string | null = null;
}

/** The fields of the run view bundle (kernel-lib's `RunViewBundle`, version 1) the graph reads. */
export interface IRunViewBundle {
  readonly version: number;
  readonly rootId: string;
  readonly stepName?: string;
  readonly serverUrl?: string | null;
  readonly state?: string;
  readonly final?: boolean;
  readonly runs?: readonly {
    id: string;
    name?: string;
    state?: string;
    parentId?: string | null;
  }[];
  readonly edges?: readonly { from: string; to: string }[];
}

/** Reads a run from the server's JSON (`Run` of the OpenAPI file or the live document). */
export function graphRunFromJson(value: unknown): IGraphRun | null {
  if (typeof value !== "object" || value === null) return null;
  const run = value as Record<string, unknown>;
  if (typeof run.id !== "string") return null;
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
  };
}

/** Reads a port from the server's JSON (`Edge` of the OpenAPI file or the live document). */
export function portFromJson(value: unknown): IPortEdge | null {
  if (typeof value !== "object" || value === null) return null;
  const edge = value as Record<string, unknown>;
  if (typeof edge.runId !== "string" || typeof edge.artifactId !== "string") return null;
  return {
    runId: edge.runId,
    direction: typeof edge.direction === "string" ? edge.direction : "input",
    artifactId: edge.artifactId,
  };
}
