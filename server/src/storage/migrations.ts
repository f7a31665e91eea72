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

const RUN_COLUMNS = `id, root_id, parent_id, step_name, source_hash, source_text, version, parameters_json,
  cache, state, attempt, created_at, started_at, ended_at, cache_key, original_run_id,
  resources_json, tags_json, error_json`;

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
  {
    version: 2,
    name: "small artifact bytes in the database",
    sql: `
      -- Bytes of small artifacts uploaded in batches: one transaction (one fsync) stores thousands,
      -- where one file each would cost a create, an fsync and a rename apiece.
      CREATE TABLE artifact_blobs (
        id TEXT PRIMARY KEY,
        bytes BLOB NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: "event sequence watermarks",
    sql: `
      -- Per root run, the highest seq up to which every event is applied. Events arrive in order from
      -- a client, so this one number answers "seen before?" for almost all of them; only events that
      -- arrive ahead of a gap are recorded one by one in processed_events.
      CREATE TABLE event_sequences (
        root_id TEXT PRIMARY KEY,
        applied INTEGER NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO event_sequences (root_id, applied) SELECT root_id, 0 FROM roots;
    `,
  },
  {
    version: 4,
    name: "integer keys for runs and artifacts in edges, logs and tags",
    // Run and artifact ids are random: indexes keyed by them take a random page per row, which is
    // what bounded ingest. Edges, logs and tags now refer to runs and artifacts by an increasing
    // integer key, so the rows of new runs land on the same few pages.
    sql: `
      CREATE TABLE runs_v4 (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
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
      INSERT INTO runs_v4 (${RUN_COLUMNS}) SELECT ${RUN_COLUMNS} FROM runs ORDER BY rowid;

      CREATE TABLE artifacts_v4 (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        type_name TEXT NOT NULL,
        media_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        summary_json TEXT NOT NULL,
        created_at REAL NOT NULL
      );
      INSERT INTO artifacts_v4 (id, type_name, media_type, size, summary_json, created_at)
        SELECT id, type_name, media_type, size, summary_json, created_at FROM artifacts ORDER BY rowid;

      CREATE TABLE edges_v4 (
        id INTEGER PRIMARY KEY,
        run INTEGER NOT NULL REFERENCES runs (seq),
        direction TEXT NOT NULL CHECK (direction IN ('input', 'output')),
        name TEXT NOT NULL,
        artifact INTEGER NOT NULL REFERENCES artifacts (seq),
        UNIQUE (run, direction, name)
      );
      INSERT INTO edges_v4 (id, run, direction, name, artifact)
        SELECT e.id, r.seq, e.direction, e.name, a.seq FROM edges e
        JOIN runs_v4 r ON r.id = e.run_id JOIN artifacts_v4 a ON a.id = e.artifact_id;

      CREATE TABLE logs_v4 (
        seq INTEGER PRIMARY KEY,
        run INTEGER NOT NULL REFERENCES runs (seq),
        stream TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr')),
        text TEXT NOT NULL,
        at REAL NOT NULL
      );
      INSERT INTO logs_v4 (seq, run, stream, text, at)
        SELECT l.seq, r.seq, l.stream, l.text, l.at FROM logs l JOIN runs_v4 r ON r.id = l.run_id;

      CREATE TABLE run_tags_v4 (
        tag TEXT NOT NULL,
        run INTEGER NOT NULL REFERENCES runs (seq),
        PRIMARY KEY (tag, run)
      ) WITHOUT ROWID;
      INSERT INTO run_tags_v4 (tag, run)
        SELECT t.tag, r.seq FROM run_tags t JOIN runs_v4 r ON r.id = t.run_id;

      DROP TABLE run_tags;
      DROP TABLE logs;
      DROP TABLE edges;
      DROP TABLE runs;
      DROP TABLE artifacts;
      ALTER TABLE runs_v4 RENAME TO runs;
      ALTER TABLE artifacts_v4 RENAME TO artifacts;
      ALTER TABLE edges_v4 RENAME TO edges;
      ALTER TABLE logs_v4 RENAME TO logs;
      ALTER TABLE run_tags_v4 RENAME TO run_tags;

      CREATE INDEX runs_root ON runs (root_id);
      CREATE INDEX runs_parent ON runs (parent_id);
      CREATE INDEX runs_created ON runs (created_at DESC, id DESC);
      CREATE INDEX runs_step_name ON runs (step_name, created_at DESC);
      CREATE INDEX runs_cache_key ON runs (cache_key) WHERE cache_key IS NOT NULL;
      CREATE INDEX edges_artifact ON edges (artifact, direction);
      CREATE INDEX logs_run ON logs (run, seq);
    `,
  },
  {
    version: 5,
    name: "an index of root runs, newest first",
    // The runs panel lists root runs (filtered by name, state or tag) newest first. Without this
    // index sqlite walks every run, steps included, newest first until the page is full: with
    // thousands of steps per pipeline that is thousands of rows per root shown. The partial index
    // holds the roots alone, in the list's order.
    sql: `
      CREATE INDEX runs_roots_created ON runs (created_at DESC, id DESC) WHERE id = root_id;
    `,
  },
  {
    version: 6,
    name: "recorded data flows between runs",
    // Lineage edges are recorded where the data flowed (design.md), never inferred from equal
    // artifact ids. One row per flow into a consumer. The producer is kept by run id, not by
    // integer key: it may be ingested later (another batch) or belong to another root run (a
    // cache hit's original). Runs stored before this migration have no rows: "producer unknown".
    sql: `
      CREATE TABLE flows (
        id INTEGER PRIMARY KEY,
        run INTEGER NOT NULL REFERENCES runs (seq),
        from_run TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('future', 'reference', 'parent', 'awaited')),
        parameter TEXT,
        -- '' when absent (awaited flows), so that the key below identifies a flow.
        path TEXT NOT NULL DEFAULT '',
        UNIQUE (run, from_run, kind, path)
      );
      CREATE INDEX flows_from ON flows (from_run);
      -- Downstream lineage follows cache hits to the runs that reused an output.
      CREATE INDEX runs_original ON runs (original_run_id) WHERE original_run_id IS NOT NULL;
      -- Children are listed in creation order, paged by (created_at, id).
      CREATE INDEX runs_parent_created ON runs (parent_id, created_at, id);
      DROP INDEX runs_parent;
      -- Runs from this key on were stored by a server that records flows: for older runs an input
      -- without a flow means "producer unknown", not "no producer".
      CREATE TABLE flow_recording (first_run_seq INTEGER NOT NULL);
      INSERT INTO flow_recording (first_run_seq) SELECT coalesce(max(seq), 0) + 1 FROM runs;
    `,
  },
  {
    version: 7,
    name: "run leases",
    // A dispatched run (a worker executing one step) proves it is alive with heartbeats that
    // name the run and its attempt; a lease not renewed within the heartbeat timeout ends the run
    // as lost. Runs resolved inside their root's process have no lease: their root's heartbeat
    // speaks for them.
    sql: `
      CREATE TABLE run_leases (
        run_id TEXT PRIMARY KEY REFERENCES runs (id),
        attempt INTEGER NOT NULL CHECK (attempt >= 1),
        last_heartbeat INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX run_leases_heartbeat ON run_leases (last_heartbeat);
    `,
  },
  {
    version: 8,
    name: "jobs and worker tokens",
    // A job is one attempt of executing a dispatched run (or a submitted root) in a worker process.
    // Its spec is immutable; its state, handle and failure are the scheduler's record. A worker's
    // token is stored as its SHA-256 only, scoped to the job's root, and revoked when the job ends.
    sql: `
      CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('step', 'root', 'program')),
        root_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        executor TEXT NOT NULL,
        state TEXT NOT NULL
          CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'canceled', 'lost')),
        spec_json TEXT NOT NULL,
        handle_json TEXT,
        failure_json TEXT,
        output_artifact_id TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        ended_at INTEGER,
        UNIQUE (run_id, attempt)
      );
      CREATE INDEX jobs_root ON jobs (root_id);
      CREATE INDEX jobs_open ON jobs (state) WHERE state IN ('queued', 'running');
      CREATE TABLE job_tokens (
        token_sha256 TEXT PRIMARY KEY,
        job_id TEXT NOT NULL,
        root_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      CREATE INDEX job_tokens_job ON job_tokens (job_id);
      -- The code package a cloud root ran (its driver's environment.packageId): named in lineage.
      ALTER TABLE roots ADD COLUMN package_id TEXT;
    `,
  },
  {
    version: 9,
    name: "warm workers: the executor job that carries a job",
    // A warm worker (one process of the executor) serves several step jobs one after the other. The
    // executor knows the process by the job it was launched for; `carrier_id` names that job for a
    // job handed to it (NULL: the job carries itself), so an exit, a loss or an out-of-memory kill
    // is classified against the job the process is running now.
    sql: `
      ALTER TABLE jobs ADD COLUMN carrier_id TEXT;
    `,
  },
  {
    version: 10,
    name: "reruns: a root run names the run it was made from",
    // Its own table, not columns of roots: the rerun is accepted (and its driver job made) before
    // the driver's first event creates the root's row, and a stored value never changes.
    sql: `
      CREATE TABLE reruns (
        root_id TEXT PRIMARY KEY,
        rerun_of TEXT NOT NULL,
        from_run_id TEXT,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX reruns_of ON reruns (rerun_of);
    `,
  },
  {
    version: 11,
    name: "metrics of runs, and the live notes pane of root runs",
    // Metrics are append-only points a step logged; `seq` orders
    // points logged in the same millisecond. The notes pane is one shared text per root (beside the
    // list of posted notes): its Yjs state is kept too, so a browser that still holds the document
    // after a server restart merges with it instead of doubling the text.
    sql: `
      CREATE TABLE metrics (
        seq INTEGER PRIMARY KEY,
        root_id TEXT NOT NULL,
        run_id TEXT NOT NULL,
        name TEXT NOT NULL,
        value REAL NOT NULL,
        step INTEGER,
        labels_json TEXT NOT NULL,
        at REAL NOT NULL
      );
      CREATE INDEX metrics_root ON metrics (root_id, at, seq);
      CREATE INDEX metrics_run ON metrics (run_id, at, seq);
      CREATE TABLE notes_panes (
        root_id TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        ydoc BLOB NOT NULL,
        author TEXT,
        updated_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 12,
    name: "attempts of retried runs: when each started, how and when it ended, its error",
    // The run's row keeps only its last attempt. Each fact is its own row, written once when its
    // event arrives (a start when attempt n > 1 starts running; an end when an attempt ends in
    // `retrying`, or in a final state after a retry), so a stored value never changes. The first
    // attempt's start is the run's started_at.
    sql: `
      CREATE TABLE attempt_starts (
        run INTEGER NOT NULL REFERENCES runs (seq),
        attempt INTEGER NOT NULL,
        started_at REAL NOT NULL,
        PRIMARY KEY (run, attempt)
      );
      CREATE TABLE attempt_ends (
        run INTEGER NOT NULL REFERENCES runs (seq),
        attempt INTEGER NOT NULL,
        state TEXT NOT NULL,
        ended_at REAL NOT NULL,
        error_json TEXT,
        PRIMARY KEY (run, attempt)
      );
    `,
  },
  {
    version: 13,
    name: "the TypeScript a step was written as, and its notebook cell",
    // Null for runs stored before, and for steps not written in a notebook cell (scripts, workers):
    // their source_text is all there is.
    sql: `
      ALTER TABLE runs ADD COLUMN source_typescript TEXT;
      ALTER TABLE runs ADD COLUMN source_cell INTEGER;
    `,
  },
];

/**
 * Applies the migrations this database lacks. Each runs in its own `BEGIN IMMEDIATE` transaction that
 * reads `user_version` again inside: a second process migrating the same file at the same time waits
 * for the write lock, then sees the migration done and skips it (instead of failing with "table
 * already exists" or applying the next one to a half-migrated schema).
 */
export function migrate(db: Db): void {
  const latest = MIGRATIONS[MIGRATIONS.length - 1]!.version;
  const versionNow = (): number => db.pragma("user_version", { simple: true }) as number;
  const tooNew = (current: number): Error =>
    new Error(
      `the database schema is version ${current}, newer than this server knows (${latest}): upgrade @tsematic/server`,
    );
  const before = versionNow();
  if (before > latest) throw tooNew(before);
  if (before === latest) return;
  // Tables are rebuilt by some migrations: the documented way is with foreign keys off, checked after.
  // (The pragma cannot change inside a transaction, so it is set around them.)
  const foreignKeys = db.pragma("foreign_keys", { simple: true }) as number;
  db.pragma("foreign_keys = OFF");
  try {
    for (const m of MIGRATIONS) {
      db.transaction(() => {
        const current = versionNow();
        if (current > latest) throw tooNew(current);
        if (m.version <= current) return;
        db.exec(m.sql);
        const broken = db.pragma("foreign_key_check") as unknown[];
        if (broken.length > 0) {
          throw new Error(
            `migration ${m.version} (${m.name}) left ${broken.length} broken references`,
          );
        }
        db.pragma(`user_version = ${m.version}`);
      }).immediate();
    }
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys ? "ON" : "OFF"}`);
  }
}
