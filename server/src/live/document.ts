/**
 * The Yjs mirror of a root run's graph. sqlite is the source of truth: these functions only copy rows
 * into the document, and only the server calls them.
 *
 * Document layout (all values plain JSON):
 * - `runs`: run id → { id, parentId, stepName, state, attempt, createdAt, startedAt, endedAt,
 *   cacheKey, originalRunId, error }
 * - `edges`: "runId|direction|name" → { runId, direction, name, artifactId }
 * - `artifacts`: artifact id → { id, typeName, mediaType, size, summary }
 * - `flows`: "to|from|kind|path" (path '' when absent) → { from, to, kind, parameter?, path? }: the
 *   recorded data flows into the root's runs (design.md, "Lineage edges"); none for runs stored
 *   before flows were recorded
 * - `root`: status, cancelRequested, mode, flowsRecorded (false for a root stored before flows were
 *   recorded: its producers are unknown)
 */
import type { Statement } from "better-sqlite3";
import * as Y from "yjs";
import type { RunView } from "../model/api";
import type { Db } from "../storage/db";
import { flowKey, flowsInto, flowsRecorded } from "../storage/flows";
import { getGraph } from "../storage/graph";
import type { EdgeKey } from "../storage/ingest";
import { getRoot } from "../storage/roots";
import {
  type ArtifactRow,
  artifactView,
  type EdgeRow,
  edgeView,
  RUN_COLUMNS,
  runError,
  type RunRow,
} from "../storage/rows";

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

/**
 * {@link liveRun} straight from a row: the JSON columns the document does not show (parameters,
 * tags, resources) are not parsed. Same fields in the same order, so setIfChanged compares alike.
 */
function liveRunOfRow(row: RunRow): Record<string, unknown> {
  return {
    id: row.id,
    parentId: row.parent_id,
    stepName: row.step_name,
    state: row.state,
    attempt: row.attempt,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    cacheKey: row.cache_key,
    originalRunId: row.original_run_id,
    error: runError(row),
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
    const flows = doc.getMap("flows");
    for (const flow of graph.flows) flows.set(flowKey(flow), { ...flow });
  });
  writeRoot(doc, db, rootId);
}

/**
 * Copies the current rows of some runs (with the flows into them) and edges into the document, in
 * one Yjs transaction and a few queries (a batch changes hundreds of runs). Values that did not
 * change are not rewritten, so clients receive only real changes.
 */
export function writeChanges(doc: Y.Doc, db: Db, runIds: Iterable<string>, edges: EdgeKey[]): void {
  const idList = [...runIds];
  const ids = JSON.stringify(idList);
  const flowViews = flowsInto(db, idList);
  const statements = statementsOf(db);
  const runRows = statements.runs.all(ids);
  const wanted = new Set(edges.map(edgeKey));
  const edgeRows =
    wanted.size === 0
      ? []
      : statements.edges.all(JSON.stringify([...new Set(edges.map((e) => e.runId))]));
  doc.transact(() => {
    const runs = doc.getMap("runs");
    for (const row of runRows) setIfChanged(runs, row.id, liveRunOfRow(row));
    const edgeMap = doc.getMap("edges");
    const artifacts = doc.getMap("artifacts");
    for (const row of edgeRows) {
      const edge = edgeView(row);
      const key = edgeKey(edge);
      if (!wanted.has(key)) continue;
      setIfChanged(edgeMap, key, edge);
      if (!artifacts.has(edge.artifactId)) artifacts.set(edge.artifactId, artifactView(row));
    }
    const flows = doc.getMap("flows");
    for (const flow of flowViews) setIfChanged(flows, flowKey(flow), flow);
  });
}

interface ChangeStatements {
  runs: Statement<[string], RunRow>;
  edges: Statement<[string], EdgeRow & ArtifactRow>;
}

/** Prepared once per database: a watched root is written after every window of ingest. */
const changeStatements = new WeakMap<Db, ChangeStatements>();

function statementsOf(db: Db): ChangeStatements {
  let statements = changeStatements.get(db);
  if (!statements) {
    statements = {
      runs: db.prepare<[string], RunRow>(
        `SELECT ${RUN_COLUMNS} FROM runs r WHERE r.id IN (SELECT value FROM json_each(?))`,
      ),
      edges: db.prepare<[string], EdgeRow & ArtifactRow>(
        `SELECT r.id AS run_id, e.direction, e.name, a.id AS artifact_id, a.id,
           a.type_name, a.media_type, a.size, a.summary_json
         FROM edges e JOIN runs r ON r.seq = e.run JOIN artifacts a ON a.seq = e.artifact
         WHERE r.id IN (SELECT value FROM json_each(?))`,
      ),
    };
    changeStatements.set(db, statements);
  }
  return statements;
}

function setIfChanged(map: Y.Map<unknown>, key: string, value: object): void {
  const current = map.get(key);
  if (current === undefined || JSON.stringify(current) !== JSON.stringify(value)) {
    map.set(key, value);
  }
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
    map.set("flowsRecorded", flowsRecorded(db, rootId));
  });
}
