/**
 * The Yjs mirror of a root run's graph. sqlite is the source of truth: these functions only copy rows
 * into the document, and only the server calls them.
 *
 * Document layout (all values plain JSON):
 * - `runs`: run id → { id, parentId, stepName, state, attempt, createdAt, startedAt, endedAt,
 *   cacheKey, originalRunId, error }
 * - `edges`: "runId|direction|name" → { runId, direction, name, artifactId }
 * - `artifacts`: artifact id → { id, typeName, mediaType, size, summary }
 * - `root`: status, cancelRequested, mode
 */
import * as Y from "yjs";
import type { EdgeView, RunView } from "../model/api";
import type { Db } from "../storage/db";
import { getArtifact } from "../storage/artifacts";
import { getGraph } from "../storage/graph";
import type { EdgeKey } from "../storage/ingest";
import { getRoot } from "../storage/roots";
import { getRun } from "../storage/runs";

export function edgeKey(e: EdgeKey): string {
  return `${e.runId}|${e.direction}|${e.name}`;
}

function liveRun(run: RunView): Record<string, unknown> {
  return {
    id: run.id,
    parentId: run.parentId,
    stepName: run.stepName,
    state: run.state,
    attempt: run.attempt,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    cacheKey: run.cacheKey,
    originalRunId: run.originalRunId,
    error: run.error,
  };
}

/** Fills a fresh document with the whole graph. */
export function loadGraph(doc: Y.Doc, db: Db, rootId: string): void {
  const graph = getGraph(db, rootId);
  doc.transact(() => {
    const runs = doc.getMap("runs");
    for (const run of graph.runs) runs.set(run.id, liveRun(run));
    const edges = doc.getMap("edges");
    for (const edge of graph.edges) edges.set(edgeKey(edge), { ...edge });
    const artifacts = doc.getMap("artifacts");
    for (const a of graph.artifacts) artifacts.set(a.id, { ...a });
  });
  writeRoot(doc, db, rootId);
}

/** Copies the current rows of some runs and edges into the document, in one Yjs transaction. */
export function writeChanges(doc: Y.Doc, db: Db, runIds: Iterable<string>, edges: EdgeKey[]): void {
  doc.transact(() => {
    const runs = doc.getMap("runs");
    for (const id of runIds) {
      const run = getRun(db, id);
      if (run) runs.set(id, liveRun(run));
    }
    const edgeMap = doc.getMap("edges");
    const artifacts = doc.getMap("artifacts");
    const findEdge = db.prepare<[string, string, string], { artifact_id: string }>(
      "SELECT artifact_id FROM edges WHERE run_id = ? AND direction = ? AND name = ?",
    );
    for (const key of edges) {
      const edge = findEdge.get(key.runId, key.direction, key.name);
      if (!edge) continue;
      const view: EdgeView = { ...key, artifactId: edge.artifact_id };
      edgeMap.set(edgeKey(key), view);
      if (!artifacts.has(edge.artifact_id)) {
        const artifact = getArtifact(db, edge.artifact_id);
        if (artifact) artifacts.set(artifact.id, { ...artifact });
      }
    }
  });
}

export function writeRoot(doc: Y.Doc, db: Db, rootId: string): void {
  const root = getRoot(db, rootId);
  if (!root) return;
  const map = doc.getMap("root");
  doc.transact(() => {
    map.set("rootId", root.rootId);
    map.set("mode", root.mode);
    map.set("status", root.status);
    map.set("cancelRequested", root.cancelRequested);
  });
}
