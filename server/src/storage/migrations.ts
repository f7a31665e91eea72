/**
 * Numbered schema migrations. `PRAGMA user_version` records the last one applied; each runs in its own
 * transaction, so a crash mid-migration leaves the previous version intact. Append, never edit.
 */
import type { Db } from "./db";

interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "lineage model",
    sql: `
      CREATE TABLE roots (
        root_id TEXT PRIMARY KEY,
        mode TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'finished', 'abandoned')),
        node_version TEXT,
        platform TEXT,
        lockfile_hash TEXT,
        git_commit TEXT,
        notebook_path TEXT,
        hostname TEXT,
        created_at REAL NOT NULL,
        last_heartbeat INTEGER NOT NULL,
        cancel_requested_at INTEGER
      );
      CREATE INDEX roots_active ON roots (status, last_heartbeat);

      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        root_id TEXT NOT NULL REFERENCES roots (root_id),
        parent_id TEXT REFERENCES runs (id),
        step_name TEXT NOT NULL,
        source_hash TEXT NOT NULL,
        source_text TEXT NOT NULL,
        version TEXT,
        parameters_json TEXT NOT NULL,
        cache INTEGER NOT NULL,
        state TEXT NOT NULL,
        attempt INTEGER NOT NULL DEFAULT 1,
        created_at REAL NOT NULL,
        started_at REAL,
        ended_at REAL,
        cache_key TEXT,
        original_run_id TEXT,
        resources_json TEXT NOT NULL,
        tags_json TEXT NOT NULL,
        error_json TEXT
      );
      CREATE INDEX runs_root ON runs (root_id);
      CREATE INDEX runs_parent ON runs (parent_id);
      CREATE INDEX runs_created ON runs (created_at DESC, id DESC);
      CREATE INDEX runs_step_name ON runs (step_name, created_at DESC);
      CREATE INDEX runs_cache_key ON runs (cache_key) WHERE cache_key IS NOT NULL;

      CREATE TABLE run_tags (
        tag TEXT NOT NULL,
        run_id TEXT NOT NULL REFERENCES runs (id),
        PRIMARY KEY (tag, run_id)
      ) WITHOUT ROWID;

      CREATE TABLE artifacts (
        id TEXT PRIMARY KEY,
        type_name TEXT NOT NULL,
        media_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        summary_json TEXT NOT NULL,
        created_at REAL NOT NULL
      );

      -- The integer key keeps arrival order: inputs are listed in parameter order.
      CREATE TABLE edges (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        direction TEXT NOT NULL CHECK (direction IN ('input', 'output')),
        name TEXT NOT NULL,
        artifact_id TEXT NOT NULL REFERENCES artifacts (id),
        UNIQUE (run_id, direction, name)
      );
      CREATE INDEX edges_artifact ON edges (artifact_id, direction);

      CREATE TABLE logs (
        seq INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        stream TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr')),
        text TEXT NOT NULL,
        at REAL NOT NULL
      );
      CREATE INDEX logs_run ON logs (run_id, seq);

      CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        author TEXT NOT NULL,
        text TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX notes_run ON notes (run_id, id);

      -- Event ids already applied: what makes a retried batch change nothing.
      CREATE TABLE processed_events (id TEXT PRIMARY KEY) WITHOUT ROWID;
    `,
  },
];

export function migrate(db: Db): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
  if (current > latest) {
    throw new Error(
      `the database schema is version ${current}, newer than this server knows (${latest}): upgrade @tsematic/server`,
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
