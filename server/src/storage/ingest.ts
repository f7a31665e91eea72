/**
 * Applies batches of run events to the lineage store.
 *
 * A batch is one sqlite transaction: it is applied whole or not at all, and it is durable before the
 * API answers. Each event id is recorded in `processed_events`, so a retried batch (or a retried part
 * of one) changes nothing. Events must refer to runs and artifacts that exist (earlier in the same
 * batch or in an earlier batch); a batch that does not is refused with the offending event named.
 */
import { ApiError } from "../http/errors";
import type { RunEvent, RunState } from "../model/events";
import { TERMINAL_STATES } from "../model/events";
import type { Db } from "./db";

export interface EdgeKey {
  runId: string;
  direction: "input" | "output";
  name: string;
}

/** What a batch changed, per root run: what the live documents need to refresh. */
export interface RootChanges {
  runs: Set<string>;
  edges: EdgeKey[];
}

export interface IngestResult {
  received: number;
  ingested: number;
  duplicates: number;
  changes: Map<string, RootChanges>;
}

interface KnownRun {
  rootId: string;
  state: RunState;
}

export class Ingestor {
  private readonly markProcessed;
  private readonly findRun;
  private readonly insertRoot;
  private readonly insertRun;
  private readonly insertTag;
  private readonly updateState;
  private readonly finishRoot;
  private readonly insertArtifact;
  private readonly findArtifact;
  private readonly upsertEdge;
  private readonly insertLog;
  private readonly touchRoot;
  private readonly applyBatch;

  constructor(
    db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.markProcessed = db.prepare("INSERT OR IGNORE INTO processed_events (id) VALUES (?)");
    this.findRun = db.prepare<[string], { root_id: string; state: RunState }>(
      "SELECT root_id, state FROM runs WHERE id = ?",
    );
    this.insertRoot = db.prepare(
      `INSERT INTO roots (root_id, mode, status, node_version, platform, lockfile_hash, git_commit,
         notebook_path, hostname, created_at, last_heartbeat)
       VALUES (@rootId, @mode, 'active', @nodeVersion, @platform, @lockfileHash, @gitCommit,
         @notebookPath, @hostname, @createdAt, @now)`,
    );
    this.insertRun = db.prepare(
      `INSERT INTO runs (id, root_id, parent_id, step_name, source_hash, source_text, version,
         parameters_json, cache, state, attempt, created_at, resources_json, tags_json)
       VALUES (@id, @rootId, @parentId, @stepName, @sourceHash, @sourceText, @version,
         @parameters, @cache, 'created', 1, @createdAt, @resources, @tags)`,
    );
    this.insertTag = db.prepare("INSERT OR IGNORE INTO run_tags (tag, run_id) VALUES (?, ?)");
    this.updateState = db.prepare(
      `UPDATE runs SET
         state = @state,
         attempt = @attempt,
         cache_key = COALESCE(@cacheKey, cache_key),
         original_run_id = COALESCE(@originalRunId, original_run_id),
         error_json = CASE WHEN @error IS NOT NULL THEN @error
                           WHEN @state = 'resolved' THEN NULL ELSE error_json END,
         started_at = CASE WHEN @state = 'running' AND started_at IS NULL THEN @at ELSE started_at END,
         ended_at = CASE WHEN @terminal = 1 THEN @at ELSE ended_at END
       WHERE id = @runId`,
    );
    this.finishRoot = db.prepare(
      "UPDATE roots SET status = 'finished' WHERE root_id = ? AND status = 'active'",
    );
    this.insertArtifact = db.prepare(
      `INSERT OR IGNORE INTO artifacts (id, type_name, media_type, size, summary_json, created_at)
       VALUES (@id, @typeName, @mediaType, @size, @summary, @at)`,
    );
    this.findArtifact = db.prepare<[string], { id: string }>(
      "SELECT id FROM artifacts WHERE id = ?",
    );
    this.upsertEdge = db.prepare(
      `INSERT INTO edges (run_id, direction, name, artifact_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (run_id, direction, name) DO UPDATE SET artifact_id = excluded.artifact_id`,
    );
    this.insertLog = db.prepare("INSERT INTO logs (run_id, stream, text, at) VALUES (?, ?, ?, ?)");
    this.touchRoot = db.prepare(
      "UPDATE roots SET last_heartbeat = ? WHERE root_id = ? AND status = 'active'",
    );
    this.applyBatch = db.transaction((events: readonly RunEvent[]) => this.apply(events));
  }

  /** Applies a batch atomically. Throws {@link ApiError} (nothing written) when an event is inconsistent. */
  ingest(events: readonly RunEvent[]): IngestResult {
    return this.applyBatch(events);
  }

  private apply(events: readonly RunEvent[]): IngestResult {
    const result: IngestResult = {
      received: events.length,
      ingested: 0,
      duplicates: 0,
      changes: new Map(),
    };
    const runs = new Map<string, KnownRun>();
    const roots = new Set<string>();
    events.forEach((event, index) => {
      checkEventId(event, index);
      roots.add(event.rootId);
      if (this.markProcessed.run(event.id).changes === 0) {
        result.duplicates++;
        return;
      }
      result.ingested++;
      this.applyOne(event, index, runs, result.changes);
    });
    const now = this.now();
    for (const rootId of roots) this.touchRoot.run(now, rootId);
    return result;
  }

  private applyOne(
    event: RunEvent,
    index: number,
    runs: Map<string, KnownRun>,
    changes: Map<string, RootChanges>,
  ): void {
    switch (event.type) {
      case "run-created":
        return this.createRun(event, index, runs, changes);
      case "run-state": {
        const run = this.knownRun(event.runId, event, index, runs);
        // Terminal states are final: a late event (or a client the server gave up on) changes nothing.
        if (TERMINAL_STATES.has(run.state)) return;
        const terminal = TERMINAL_STATES.has(event.state);
        this.updateState.run({
          runId: event.runId,
          state: event.state,
          attempt: event.attempt,
          cacheKey: event.cacheKey ?? null,
          originalRunId: event.originalRunId ?? null,
          error: event.error ? JSON.stringify(event.error) : null,
          at: event.at,
          terminal: terminal ? 1 : 0,
        });
        run.state = event.state;
        if (terminal && event.runId === event.rootId) this.finishRoot.run(event.rootId);
        changesOf(changes, event.rootId).runs.add(event.runId);
        return;
      }
      case "artifact": {
        const a = event.artifact;
        this.insertArtifact.run({
          id: a.id,
          typeName: a.typeName,
          mediaType: a.mediaType,
          size: a.size,
          summary: JSON.stringify(a.summary),
          at: event.at,
        });
        return;
      }
      case "edge": {
        this.knownRun(event.runId, event, index, runs);
        if (!this.findArtifact.get(event.artifactId)) {
          throw refused(
            "unknown_artifact",
            index,
            event,
            `names artifact ${event.artifactId}, which no artifact event has announced: send the artifact event first`,
          );
        }
        this.upsertEdge.run(event.runId, event.direction, event.name, event.artifactId);
        changesOf(changes, event.rootId).edges.push({
          runId: event.runId,
          direction: event.direction,
          name: event.name,
        });
        return;
      }
      case "log":
        this.knownRun(event.runId, event, index, runs);
        this.insertLog.run(event.runId, event.stream, event.text, event.at);
        return;
    }
  }

  private createRun(
    event: Extract<RunEvent, { type: "run-created" }>,
    index: number,
    runs: Map<string, KnownRun>,
    changes: Map<string, RootChanges>,
  ): void {
    const run = event.run;
    if (run.rootId !== event.rootId) {
      throw refused(
        "root_mismatch",
        index,
        event,
        `has run.rootId ${run.rootId}: it must equal the event's rootId`,
      );
    }
    if (run.id === run.rootId) {
      if (run.parentId !== null) {
        throw refused(
          "root_mismatch",
          index,
          event,
          `gives the root run ${run.id} a parent: a root run has parentId null`,
        );
      }
    } else {
      // Besides the root, runs without a parent are the root's top-level inputs (futures passed to it).
      this.knownRun(run.rootId, event, index, runs);
      if (run.parentId !== null) this.knownRun(run.parentId, event, index, runs);
    }
    if (runs.has(run.id) || this.findRun.get(run.id)) {
      throw refused(
        "run_exists",
        index,
        event,
        `creates run ${run.id}, which already exists under another event id`,
        409,
      );
    }
    if (run.id === run.rootId) {
      const env = run.environment;
      this.insertRoot.run({
        rootId: run.id,
        mode: run.mode ?? "local",
        nodeVersion: env?.nodeVersion ?? null,
        platform: env?.platform ?? null,
        lockfileHash: env?.lockfileHash ?? null,
        gitCommit: env?.gitCommit ?? null,
        notebookPath: env?.notebookPath ?? null,
        hostname: env?.hostname ?? null,
        createdAt: run.createdAt,
        now: this.now(),
      });
    }
    this.insertRun.run({
      id: run.id,
      rootId: run.rootId,
      parentId: run.parentId,
      stepName: run.stepName,
      sourceHash: run.sourceHash,
      sourceText: run.sourceText,
      version: run.version ?? null,
      parameters: JSON.stringify(run.parameters),
      cache: run.cache ? 1 : 0,
      createdAt: run.createdAt,
      resources: JSON.stringify(run.resources),
      tags: JSON.stringify(run.tags),
    });
    for (const tag of run.tags) this.insertTag.run(tag, run.id);
    runs.set(run.id, { rootId: run.rootId, state: "created" });
    changesOf(changes, event.rootId).runs.add(run.id);
  }

  /** The run an event refers to, which must exist and belong to the event's root run. */
  private knownRun(
    runId: string,
    event: RunEvent,
    index: number,
    runs: Map<string, KnownRun>,
  ): KnownRun {
    let run = runs.get(runId);
    if (!run) {
      const row = this.findRun.get(runId);
      if (!row) {
        throw refused(
          "unknown_run",
          index,
          event,
          `refers to run ${runId}, which has no run-created event: send it first`,
        );
      }
      run = { rootId: row.root_id, state: row.state };
      runs.set(runId, run);
    }
    if (run.rootId !== event.rootId) {
      throw refused(
        "root_mismatch",
        index,
        event,
        `refers to run ${runId} of root ${run.rootId}, not of its own root ${event.rootId}`,
      );
    }
    return run;
  }
}

function checkEventId(event: RunEvent, index: number): void {
  const prefix = `${event.rootId}:`;
  if (!event.id.startsWith(prefix) || !/^\d+$/.test(event.id.slice(prefix.length))) {
    throw refused(
      "invalid_event_id",
      index,
      event,
      `has id ${event.id}: event ids are "<rootId>:<seq>" with the event's own rootId`,
    );
  }
}

function refused(
  code: string,
  index: number,
  event: RunEvent,
  problem: string,
  status = 422,
): ApiError {
  return new ApiError(
    status,
    code,
    `event ${index} (${event.type} ${event.id}) ${problem}; nothing in this batch was stored`,
  );
}

function changesOf(changes: Map<string, RootChanges>, rootId: string): RootChanges {
  let c = changes.get(rootId);
  if (!c) {
    c = { runs: new Set(), edges: [] };
    changes.set(rootId, c);
  }
  return c;
}
