/** Cache lookup for `cache: true` steps: a resolved run with the same cache key. */
import type { PortView, RunView } from "../model/api";
import type { Statement } from "better-sqlite3";
import type { Db } from "./db";
import {
  type ArtifactRow,
  artifactView,
  type EdgeRow,
  RUN_COLUMNS,
  type RunRow,
  runView,
} from "./rows";

/** A run named by its id alone: what a resolver needs of a cache hit's original run. */
export interface RunRef {
  id: string;
}

export interface CacheHit<R extends RunRef = RunView> {
  run: R;
  /** Output names with their artifacts: fetch the bytes with GET /artifacts/{id}/value. */
  outputs: PortView[];
}

/**
 * The most recent resolved run with this key that computed its outputs itself (not a cache hit), and
 * whose output bytes are all stored, so that a client can reuse them.
 */
export function findCached(
  db: Db,
  cacheKey: string,
  isStored: (artifactId: string) => boolean,
): CacheHit | undefined {
  const statements = statementsOf(db);
  for (const row of statements.candidates.all(cacheKey)) {
    const outputs = statements.outputs
      .all(row.id)
      .map((port) => ({ name: port.name, artifact: artifactView(port) }));
    if (outputs.length > 0 && outputs.every((o) => isStored(o.artifact.id))) {
      return { run: runView(row), outputs };
    }
  }
  return undefined;
}

/**
 * {@link findCached} for many keys at once, in two queries whatever their number (a rerun of a wide
 * fan-out asks for thousands): the hits by key; a key without one is absent. `storedSizes` is asked
 * once, for every candidate output, which of them are stored (the ids it returns, with their sizes).
 * With `runs` `"id"`, each hit names its run by id only: the run rows are neither read whole nor
 * turned into views (most of the work for a thousand hits).
 *
 * @example
 * ```ts
 * const hits = findCachedMany(db, ["3f2a…", "9c41…"], (ids) => artifacts.sizesOf(ids));
 * hits.get("3f2a…")?.outputs[0]?.artifact.id;
 * findCachedMany(db, keys, sizesOf, "id").get("3f2a…")?.run; // { id: "…" }
 * ```
 */
export function findCachedMany(
  db: Db,
  cacheKeys: readonly string[],
  storedSizes: (artifactIds: readonly string[]) => Map<string, number>,
  runs?: "full",
): Map<string, CacheHit>;
export function findCachedMany(
  db: Db,
  cacheKeys: readonly string[],
  storedSizes: (artifactIds: readonly string[]) => Map<string, number>,
  runs: "id",
): Map<string, CacheHit<RunRef>>;
export function findCachedMany(
  db: Db,
  cacheKeys: readonly string[],
  storedSizes: (artifactIds: readonly string[]) => Map<string, number>,
  runs: "full" | "id" = "full",
): Map<string, CacheHit<RunView | RunRef>> {
  const statements = statementsOf(db);
  const candidates = new Map<string, CandidateRow[]>();
  const rows =
    runs === "id"
      ? statements.candidateIdsOfMany.all(JSON.stringify(cacheKeys))
      : statements.candidatesOfMany.all(JSON.stringify(cacheKeys));
  for (const row of rows) {
    const list = candidates.get(row.cache_key!) ?? [];
    // As findCached: the 20 most recent of a key.
    if (list.length < 20) list.push(row);
    candidates.set(row.cache_key!, list);
  }
  const runIds = [...candidates.values()].flatMap((rows) => rows.map((row) => row.id));
  const outputs = new Map<string, PortView[]>();
  for (const port of statements.outputsOfMany.all(JSON.stringify(runIds))) {
    const list = outputs.get(port.run_id) ?? [];
    list.push({ name: port.name, artifact: artifactView(port) });
    outputs.set(port.run_id, list);
  }
  const stored = storedSizes([
    ...new Set([...outputs.values()].flatMap((ports) => ports.map((o) => o.artifact.id))),
  ]);
  const hits = new Map<string, CacheHit<RunView | RunRef>>();
  for (const [key, rows] of candidates) {
    for (const row of rows) {
      const ports = outputs.get(row.id) ?? [];
      if (ports.length > 0 && ports.every((o) => stored.has(o.artifact.id))) {
        hits.set(key, {
          run: runs === "id" ? { id: row.id } : runView(row as RunRow),
          outputs: ports,
        });
        break;
      }
    }
  }
  return hits;
}

/** A candidate run: its whole row, or only what choosing among candidates needs. */
type CandidateRow = Pick<RunRow, "id" | "cache_key">;

interface CacheStatements {
  candidates: Statement<[string], RunRow>;
  outputs: Statement<[string], EdgeRow & ArtifactRow>;
  candidatesOfMany: Statement<[string], RunRow>;
  candidateIdsOfMany: Statement<[string], CandidateRow>;
  outputsOfMany: Statement<[string], EdgeRow & ArtifactRow>;
}

/** Prepared once per database: a rerun of a wide fan-out looks up thousands of keys at once. */
const cacheStatements = new WeakMap<Db, CacheStatements>();

function statementsOf(db: Db): CacheStatements {
  let statements = cacheStatements.get(db);
  if (!statements) {
    statements = {
      candidates: db.prepare<[string], RunRow>(
        `SELECT ${RUN_COLUMNS} FROM runs r WHERE r.cache_key = ? AND r.state = 'resolved'
           AND r.original_run_id IS NULL ORDER BY r.ended_at DESC, r.id LIMIT 20`,
      ),
      // As runPorts(db, runId, "output").
      outputs: db.prepare<[string], EdgeRow & ArtifactRow>(
        `SELECT e.name, a.id, a.type_name, a.media_type, a.size, a.summary_json FROM edges e
         JOIN artifacts a ON a.seq = e.artifact
         WHERE e.run = (SELECT seq FROM runs WHERE id = ?) AND e.direction = 'output' ORDER BY e.id`,
      ),
      candidatesOfMany: db.prepare<[string], RunRow>(
        `SELECT ${RUN_COLUMNS} FROM runs r
         WHERE r.cache_key IN (SELECT value FROM json_each(?)) AND r.state = 'resolved'
           AND r.original_run_id IS NULL ORDER BY r.ended_at DESC, r.id`,
      ),
      // As candidatesOfMany, in the same order, without the columns of the run's view.
      candidateIdsOfMany: db.prepare<[string], CandidateRow>(
        `SELECT r.id, r.cache_key FROM runs r
         WHERE r.cache_key IN (SELECT value FROM json_each(?)) AND r.state = 'resolved'
           AND r.original_run_id IS NULL ORDER BY r.ended_at DESC, r.id`,
      ),
      outputsOfMany: db.prepare<[string], EdgeRow & ArtifactRow>(
        `SELECT r.id AS run_id, e.name, a.id, a.type_name, a.media_type, a.size, a.summary_json
         FROM edges e JOIN runs r ON r.seq = e.run JOIN artifacts a ON a.seq = e.artifact
         WHERE r.id IN (SELECT value FROM json_each(?)) AND e.direction = 'output' ORDER BY e.id`,
      ),
    };
    cacheStatements.set(db, statements);
  }
  return statements;
}
