/**
 * What differs between two root runs of one pipeline, from their recorded graphs and metrics:
 * the root's inputs (by parameter name), the outputs of the runs that match (a step of one run
 * matches the step of the same name and the same rank among its namesakes, by creation time, in
 * the other), the code (matched steps whose source hash changed, steps only in one run), and the
 * metrics (each name and label set's last value). Artifacts are compared by their content address
 * only; the values themselves are diffed by the view for the outputs shown.
 *
 * @example
 * ```ts
 * const diff = compareRuns({ rootId: a, graph: graphA, metrics: ma }, { rootId: b, graph: graphB, metrics: mb });
 * diff.inputs.filter((port) => port.changed); // the parameters given different values
 * diff.code; // [{ stepName: "train", before: {...}, after: {...} }]
 * ```
 */
import type { IArtifact } from "../step/api";
import type { IGraphRunRecord, IMetric, IRootGraph } from "./api";
import { seriesName } from "./series";

export interface IRunSide {
  readonly rootId: string;
  readonly graph: IRootGraph;
  readonly metrics: readonly IMetric[];
}

/** One named port in both runs (an artifact absent on a side is null). */
export interface IPortPair {
  /** The step's name (for the root's ports: the pipeline's). */
  readonly stepName: string;
  readonly runIds: readonly [string | null, string | null];
  readonly name: string;
  readonly before: IArtifact | null;
  readonly after: IArtifact | null;
  /** Whether the artifacts differ (content addresses). */
  readonly changed: boolean;
}

/** A step whose code differs, or that ran in one of the runs only. */
export interface ICodeChange {
  readonly stepName: string;
  readonly before: IGraphRunRecord | null;
  readonly after: IGraphRunRecord | null;
}

export interface IMetricPair {
  readonly name: string;
  readonly series: string;
  readonly before: number | null;
  readonly after: number | null;
}

export interface IRunComparison {
  readonly before: string;
  readonly after: string;
  /** The root's inputs, every one (changed or not), by name. */
  readonly inputs: readonly IPortPair[];
  /** Outputs of matched runs (the root first) that differ. */
  readonly outputs: readonly IPortPair[];
  readonly code: readonly ICodeChange[];
  readonly metrics: readonly IMetricPair[];
}

export function compareRuns(before: IRunSide, after: IRunSide): IRunComparison {
  const pairs = matchRuns(before.graph.runs, after.graph.runs, before.rootId, after.rootId);
  const portsOf = ports(before.graph);
  const portsOfAfter = ports(after.graph);
  const rootPair = pairs.find(([a]) => a?.id === before.rootId);
  const inputs = rootPair ? portPairs(rootPair, "input", portsOf, portsOfAfter) : [];
  const outputs = pairs.flatMap((pair) =>
    portPairs(pair, "output", portsOf, portsOfAfter).filter((port) => port.changed),
  );
  const code: ICodeChange[] = pairs
    .filter(([a, b]) => a === null || b === null || a.sourceHash !== b.sourceHash)
    .map(([a, b]) => ({ stepName: (a ?? b)!.stepName, before: a, after: b }));
  return {
    before: before.rootId,
    after: after.rootId,
    inputs,
    outputs,
    code,
    metrics: metricPairs(before.metrics, after.metrics),
  };
}

type RunPair = readonly [IGraphRunRecord | null, IGraphRunRecord | null];

/**
 * Pairs the runs of two graphs: the roots together, then each step name's runs by rank (creation
 * time, then id) among the runs of that name. The roots first, the rest in the first run's order.
 */
export function matchRuns(
  a: readonly IGraphRunRecord[],
  b: readonly IGraphRunRecord[],
  rootA: string,
  rootB: string,
): RunPair[] {
  const ranked = (
    runs: readonly IGraphRunRecord[],
    rootId: string,
  ): Map<string, IGraphRunRecord> => {
    const byKey = new Map<string, IGraphRunRecord>();
    const seen = new Map<string, number>();
    const sorted = [...runs].sort((x, y) => x.createdAt - y.createdAt || x.id.localeCompare(y.id));
    for (const run of sorted) {
      if (run.id === rootId) {
        byKey.set("\u0000root", run);
        continue;
      }
      const rank = seen.get(run.stepName) ?? 0;
      seen.set(run.stepName, rank + 1);
      byKey.set(`${run.stepName}\u0000${rank}`, run);
    }
    return byKey;
  };
  const left = ranked(a, rootA);
  const right = ranked(b, rootB);
  const keys = [...new Set([...left.keys(), ...right.keys()])];
  keys.sort((x, y) => (x === "\u0000root" ? -1 : y === "\u0000root" ? 1 : 0));
  return keys.map((key) => [left.get(key) ?? null, right.get(key) ?? null] as const);
}

type PortIndex = Map<string, Map<string, IArtifact>>;

/** `runId + direction` → port name → artifact. */
function ports(graph: IRootGraph): PortIndex {
  const artifacts = new Map(graph.artifacts.map((artifact) => [artifact.id, artifact]));
  const index: PortIndex = new Map();
  for (const edge of graph.edges) {
    const key = `${edge.runId}\u0000${edge.direction}`;
    let byName = index.get(key);
    if (!byName) {
      index.set(key, (byName = new Map()));
    }
    byName.set(
      edge.name,
      artifacts.get(edge.artifactId) ?? {
        id: edge.artifactId,
        typeName: "unknown",
        mediaType: "application/octet-stream",
        size: 0,
        summary: {},
      },
    );
  }
  return index;
}

function portPairs(
  [a, b]: RunPair,
  direction: "input" | "output",
  left: PortIndex,
  right: PortIndex,
): IPortPair[] {
  const x = a
    ? (left.get(`${a.id}\u0000${direction}`) ?? new Map<string, IArtifact>())
    : new Map<string, IArtifact>();
  const y = b
    ? (right.get(`${b.id}\u0000${direction}`) ?? new Map<string, IArtifact>())
    : new Map<string, IArtifact>();
  const names = [...new Set([...x.keys(), ...y.keys()])].sort();
  return names.map((name) => {
    const before = x.get(name) ?? null;
    const after = y.get(name) ?? null;
    return {
      stepName: (a ?? b)!.stepName,
      runIds: [a?.id ?? null, b?.id ?? null] as const,
      name,
      before,
      after,
      changed: before?.id !== after?.id,
    };
  });
}

function metricPairs(a: readonly IMetric[], b: readonly IMetric[]): IMetricPair[] {
  const last = (metrics: readonly IMetric[]): Map<string, IMetric> => {
    const byKey = new Map<string, IMetric>();
    // In the order logged: the last one wins (a curve's final value).
    for (const metric of metrics) {
      byKey.set(`${metric.name}\u0000${seriesName(metric.labels)}`, metric);
    }
    return byKey;
  };
  const x = last(a);
  const y = last(b);
  const keys = [...new Set([...x.keys(), ...y.keys()])].sort();
  return keys.map((key) => {
    const metric = (x.get(key) ?? y.get(key))!;
    return {
      name: metric.name,
      series: seriesName(metric.labels),
      before: x.get(key)?.value ?? null,
      after: y.get(key)?.value ?? null,
    };
  });
}

/** A table artifact's schema and row count from its summary (kernel-lib's `summarizeTable`). */
export interface ITableShape {
  readonly columns: readonly { name: string; type: string }[];
  readonly rows: number | null;
}

export function tableShape(artifact: IArtifact): ITableShape {
  const schema: unknown = artifact.summary.schema;
  const columns = Array.isArray(schema)
    ? schema
        .filter(
          (field): field is Record<string, unknown> => typeof field === "object" && field !== null,
        )
        .map((field) => ({ name: String(field.name), type: String(field.type) }))
    : [];
  const rows = artifact.summary.numRows;
  return { columns, rows: typeof rows === "number" ? rows : null };
}

/** The columns added, removed and retyped between two table shapes. */
export function schemaChanges(
  before: ITableShape,
  after: ITableShape,
): { name: string; before: string | null; after: string | null }[] {
  const x = new Map(before.columns.map((column) => [column.name, column.type]));
  const y = new Map(after.columns.map((column) => [column.name, column.type]));
  const names = [...new Set([...x.keys(), ...y.keys()])];
  return names
    .filter((name) => x.get(name) !== y.get(name))
    .map((name) => ({ name, before: x.get(name) ?? null, after: y.get(name) ?? null }));
}
