/**
 * Run rows written at the end of a batch. A short step's whole life (created, scheduled, running,
 * resolved) often arrives in one batch: folding its state events into the row before writing it
 * makes that one INSERT instead of an INSERT and three UPDATEs. Edges, logs and tags are written
 * after the runs they refer to.
 */
import type { Flow, RunInfo, RunState } from "../model/events";
import type { Db } from "./db";

// The run a pending edge or log refers to is in the batch's run map: its seq is known by flush time.

/** What state events changed on a run, folded in arrival order. */
export interface RunPatch {
  state: RunState;
  attempt: number;
  cacheKey: string | null;
  originalRunId: string | null;
  /** undefined: unchanged; null: cleared. */
  errorJson: string | null | undefined;
  startedAt: number | null;
  endedAt: number | null;
}

export interface PendingRun {
  rootId: string;
  state: RunState;
  /** The run's integer key: known for stored runs, assigned when a created run is written. */
  seq?: number;
  /** Present when the run was created in this batch. */
  created?: RunInfo;
  patch?: RunPatch;
}

interface PendingEdge {
  run: PendingRun;
  direction: string;
  name: string;
  artifactSeq: number;
}

interface PendingFlow {
  /** The consumer. */
  run: PendingRun;
  flow: Flow;
}

/**
 * A fact about one attempt of a retried run: its start (attempt > 1; the first attempt's start is
 * the run's started_at) or its end.
 */
type PendingAttempt =
  | { run: PendingRun; attempt: number; kind: "start"; at: number }
  | {
      run: PendingRun;
      attempt: number;
      kind: "end";
      state: RunState;
      at: number;
      errorJson: string | null;
    };

interface PendingLog {
  run: PendingRun;
  stream: string;
  text: string;
  at: number;
}

export class RunWrites {
  private readonly insertRun;
  private readonly updateRun;
  private readonly insertTag;
  private readonly upsertEdge;
  private readonly insertLog;
  private readonly insertFlow;
  private readonly insertAttemptStart;
  private readonly insertAttemptEnd;

  constructor(db: Db) {
    this.insertRun = db.prepare(
      `INSERT INTO runs (id, root_id, parent_id, step_name, source_hash, source_text, version,
         parameters_json, cache, state, attempt, created_at, resources_json, tags_json,
         cache_key, original_run_id, error_json, started_at, ended_at, source_typescript,
         source_cell)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.updateRun = db.prepare(
      `UPDATE runs SET state = ?, attempt = ?,
         cache_key = COALESCE(?, cache_key),
         original_run_id = COALESCE(?, original_run_id),
         error_json = CASE WHEN ? = 1 THEN ? ELSE error_json END,
         started_at = COALESCE(started_at, ?),
         ended_at = COALESCE(?, ended_at)
       WHERE id = ?`,
    );
    this.insertTag = db.prepare("INSERT OR IGNORE INTO run_tags (tag, run) VALUES (?, ?)");
    this.upsertEdge = db.prepare(
      `INSERT INTO edges (run, direction, name, artifact) VALUES (?, ?, ?, ?)
       ON CONFLICT (run, direction, name) DO UPDATE SET artifact = excluded.artifact`,
    );
    this.insertLog = db.prepare("INSERT INTO logs (run, stream, text, at) VALUES (?, ?, ?, ?)");
    // A flow is a fact about the past: recorded once, never changed (a repeat is ignored).
    this.insertFlow = db.prepare(
      `INSERT OR IGNORE INTO flows (run, from_run, kind, parameter, path) VALUES (?, ?, ?, ?, ?)`,
    );
    // Attempts are facts about the past too: the first record of each stands.
    this.insertAttemptStart = db.prepare(
      "INSERT OR IGNORE INTO attempt_starts (run, attempt, started_at) VALUES (?, ?, ?)",
    );
    this.insertAttemptEnd = db.prepare(
      `INSERT OR IGNORE INTO attempt_ends (run, attempt, state, ended_at, error_json)
       VALUES (?, ?, ?, ?, ?)`,
    );
  }

  batch(): BatchRunWrites {
    return new BatchRunWrites(this);
  }

  /**
   * @internal Writes one batch's runs (in creation order: parents first), then edges, logs, flows
   * and attempts.
   */
  flush(
    runs: Map<string, PendingRun>,
    edges: PendingEdge[],
    logs: PendingLog[],
    flows: PendingFlow[],
    attempts: PendingAttempt[],
  ): void {
    for (const [id, run] of runs) {
      const p = run.patch;
      if (run.created) {
        const r = run.created;
        const info = this.insertRun.run(
          id,
          r.rootId,
          r.parentId,
          r.stepName,
          r.sourceHash,
          r.sourceText,
          r.version ?? null,
          JSON.stringify(r.parameters),
          r.cache ? 1 : 0,
          p?.state ?? "created",
          p?.attempt ?? 1,
          r.createdAt,
          JSON.stringify(r.resources),
          JSON.stringify(r.tags),
          p?.cacheKey ?? null,
          p?.originalRunId ?? null,
          p?.errorJson ?? null,
          p?.startedAt ?? null,
          p?.endedAt ?? null,
          r.sourceTypeScript ?? null,
          r.sourceCell ?? null,
        );
        run.seq = Number(info.lastInsertRowid);
        for (const tag of r.tags) this.insertTag.run(tag, run.seq);
      } else if (p) {
        this.updateRun.run(
          p.state,
          p.attempt,
          p.cacheKey,
          p.originalRunId,
          p.errorJson === undefined ? 0 : 1,
          p.errorJson ?? null,
          p.startedAt,
          p.endedAt,
          id,
        );
      }
    }
    for (const e of edges) this.upsertEdge.run(e.run.seq, e.direction, e.name, e.artifactSeq);
    for (const l of logs) this.insertLog.run(l.run.seq, l.stream, l.text, l.at);
    for (const { run, flow } of flows) {
      this.insertFlow.run(run.seq, flow.from, flow.kind, flow.parameter ?? null, flow.path ?? "");
    }
    for (const a of attempts) {
      if (a.kind === "start") this.insertAttemptStart.run(a.run.seq, a.attempt, a.at);
      else this.insertAttemptEnd.run(a.run.seq, a.attempt, a.state, a.at, a.errorJson);
    }
  }
}

export class BatchRunWrites {
  readonly runs = new Map<string, PendingRun>();
  private readonly edges: PendingEdge[] = [];
  private readonly logs: PendingLog[] = [];
  private readonly flows: PendingFlow[] = [];
  private readonly attempts: PendingAttempt[] = [];

  constructor(private readonly writes: RunWrites) {}

  applyState(
    run: PendingRun,
    e: {
      state: RunState;
      attempt: number;
      at: number;
      cacheKey?: string;
      originalRunId?: string;
      error?: unknown;
    },
    terminal: boolean,
  ): void {
    const p: RunPatch = (run.patch ??= {
      state: e.state,
      attempt: e.attempt,
      cacheKey: null,
      originalRunId: null,
      errorJson: undefined,
      startedAt: null,
      endedAt: null,
    });
    p.state = e.state;
    p.attempt = e.attempt;
    if (e.cacheKey !== undefined) p.cacheKey = e.cacheKey;
    if (e.originalRunId !== undefined) p.originalRunId = e.originalRunId;
    if (e.error !== undefined) p.errorJson = JSON.stringify(e.error);
    else if (e.state === "resolved") p.errorJson = null;
    if (e.state === "running" && p.startedAt === null) p.startedAt = e.at;
    if (terminal) p.endedAt = e.at;
    run.state = e.state;
    this.noteAttempt(run, e, terminal);
  }

  /**
   * Records the attempts of a retried run. A run that never retried has one attempt, which its own
   * row describes: nothing extra is stored for it.
   */
  private noteAttempt(
    run: PendingRun,
    e: { state: RunState; attempt: number; at: number; error?: unknown },
    terminal: boolean,
  ): void {
    if (e.state === "running" && e.attempt > 1) {
      this.attempts.push({ run, attempt: e.attempt, kind: "start", at: e.at });
    } else if (e.state === "retrying" || (terminal && e.attempt > 1)) {
      this.attempts.push({
        run,
        attempt: e.attempt,
        kind: "end",
        state: e.state,
        at: e.at,
        errorJson: e.error === undefined ? null : JSON.stringify(e.error),
      });
    }
  }

  addEdge(edge: PendingEdge): void {
    this.edges.push(edge);
  }

  addLog(log: PendingLog): void {
    this.logs.push(log);
  }

  addFlow(flow: PendingFlow): void {
    this.flows.push(flow);
  }

  flush(): void {
    this.writes.flush(this.runs, this.edges, this.logs, this.flows, this.attempts);
  }
}
