/** Cache lookup for `cache: true` steps: a resolved run with the same cache key. */
import type { PortView, RunView } from "../model/api";
import type { Db } from "./db";
import { runPorts } from "./graph";
import { RUN_COLUMNS, type RunRow, runView } from "./rows";

export interface CacheHit {
  run: RunView;
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
  const candidates = db
    .prepare<[string], RunRow>(
      `SELECT ${RUN_COLUMNS} FROM runs r WHERE r.cache_key = ? AND r.state = 'resolved'
         AND r.original_run_id IS NULL ORDER BY r.ended_at DESC, r.id LIMIT 20`,
    )
    .all(cacheKey);
  for (const row of candidates) {
    const outputs = runPorts(db, row.id, "output");
    if (outputs.length > 0 && outputs.every((o) => isStored(o.artifact.id))) {
      return { run: runView(row), outputs };
    }
  }
  return undefined;
}
