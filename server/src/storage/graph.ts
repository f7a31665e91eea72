/** A root run's whole graph, and one run's inputs and outputs. */
import type {
  ArtifactView,
  EdgeView,
  FlowView,
  InputPortView,
  OutputPortView,
  PortView,
  RunView,
} from "../model/api";
import type { Db } from "./db";
import { consumersOf, flowsRecorded, producersOf, rootFlows } from "./flows";
import {
  type ArtifactRow,
  artifactView,
  type EdgeRow,
  edgeView,
  RUN_COLUMNS,
  type RunRow,
  runView,
} from "./rows";

export interface Graph {
  runs: RunView[];
  edges: EdgeView[];
  artifacts: ArtifactView[];
  /** The recorded data flows into the root's runs (producers may be runs of other roots). */
  flows: FlowView[];
  /** false for a root stored before flows were recorded: its producers are unknown. */
  flowsRecorded: boolean;
}

export function getGraph(db: Db, rootId: string): Graph {
  const runs = db
    .prepare<[string], RunRow>(
      `SELECT ${RUN_COLUMNS} FROM runs r WHERE r.root_id = ? ORDER BY r.created_at, r.id`,
    )
    .all(rootId)
    .map(runView);
  const edges = db
    .prepare<[string], EdgeRow>(
      `SELECT r.id AS run_id, e.direction, e.name, a.id AS artifact_id FROM edges e
       JOIN runs r ON r.seq = e.run JOIN artifacts a ON a.seq = e.artifact
       WHERE r.root_id = ? ORDER BY e.id`,
    )
    .all(rootId)
    .map(edgeView);
  const artifacts = db
    .prepare<[string], ArtifactRow>(
      `SELECT a.id, a.type_name, a.media_type, a.size, a.summary_json FROM artifacts a
       WHERE a.seq IN (SELECT e.artifact FROM edges e JOIN runs r ON r.seq = e.run
                       WHERE r.root_id = ?)
       ORDER BY a.id`,
    )
    .all(rootId)
    .map(artifactView);
  return {
    runs,
    edges,
    artifacts,
    flows: rootFlows(db, rootId),
    flowsRecorded: flowsRecorded(db, rootId),
  };
}

/** One run's edges in one direction, each with its artifact's summary. */
export function runPorts(db: Db, runId: string, direction: "input" | "output"): PortView[] {
  return db
    .prepare<[string, string], EdgeRow & ArtifactRow>(
      `SELECT e.name, a.id, a.type_name, a.media_type, a.size, a.summary_json FROM edges e
       JOIN artifacts a ON a.seq = e.artifact
       WHERE e.run = (SELECT seq FROM runs WHERE id = ?) AND e.direction = ? ORDER BY e.id`,
    )
    .all(runId, direction)
    .map((row) => ({ name: row.name, artifact: artifactView(row) }));
}

/** A run's inputs, each with its recorded producers (bounded; `more` when cut). */
export function runInputs(db: Db, runId: string): InputPortView[] {
  return runPorts(db, runId, "input").map((port) => {
    const producers = producersOf(db, runId, port.name);
    return producers.more
      ? { ...port, producers: producers.items, more: true }
      : { ...port, producers: producers.items };
  });
}

/**
 * A run's outputs, each with the runs recorded as having used it (bounded; `more` when cut). A run
 * has one output today: its consumers are the flows from the run.
 */
export function runOutputs(db: Db, runId: string): OutputPortView[] {
  const ports = runPorts(db, runId, "output");
  if (ports.length === 0) return [];
  const consumers = consumersOf(db, runId);
  return ports.map((port) =>
    consumers.more
      ? { ...port, consumers: consumers.items, more: true }
      : { ...port, consumers: consumers.items },
  );
}
