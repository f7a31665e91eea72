/**
 * Applies batches of run events to the lineage store.
 *
 * A batch is one sqlite transaction: it is applied whole or not at all, and it is durable before the
 * API answers. Events already applied (same id) are skipped ({@link EventSequences}), so a retried
 * batch, or a retried part of one, changes nothing. Events must refer to runs and artifacts that
 * exist (earlier in the same batch or in an earlier one); a batch that does not is refused with the
 * offending event named. A run in a terminal state keeps it. The one exception: a flow's producer
 * (`from`) is stored by id and need not exist yet, nor belong to the same root run (a cache hit's
 * original run, a run ingested in a later batch).
 */
import { ApiError } from "../http/errors";
import type { RunEvent } from "../model/events";
import { TERMINAL_STATES } from "../model/events";
import type { Db } from "./db";
import { EventSequences } from "./event-sequences";
import { MetricWrites } from "./metrics";
import { createdAfterAbandonError } from "./roots";
import { type BatchRunWrites, type PendingRun, RunWrites } from "./run-writes";

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

/**
 * Event ids: `<rootId>:<writer>:<seq>`, the writer being `<runId>.<attempt>` (the process writing: a
 * kernel or driver resolving the root writes as the root run's attempt, a worker as its run's), seq
 * from 1 per writer. The older `<rootId>:<seq>` (clients from before writers) is still accepted, as
 * the one writer of its root.
 */
const EVENT_ID = /^([0-9a-f]{8,64}):(?:([^:]*):)?([1-9][0-9]{0,14})$/;
const WRITER = /^[0-9a-f]{8,64}\.[1-9][0-9]{0,8}$/;
/** The writer of events the server writes itself (never accepted from a client). */
export const SERVER_WRITER = "server";

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class Ingestor {
  private readonly sequences: EventSequences;
  private readonly writes: RunWrites;
  private readonly metrics: MetricWrites;
  private readonly findRun;
  private readonly insertRoot;
  private readonly finishRoot;
  private readonly insertArtifact;
  private readonly findArtifact;
  private readonly touchRoot;
  private readonly rootState;
  private readonly batchRoots = new Map<
    string,
    { status: string; cancel_requested_at: number | null } | undefined
  >();
  private readonly applyBatch;
  private readonly serverBatch;

  constructor(
    db: Db,
    private readonly now: () => number = Date.now,
  ) {
    this.sequences = new EventSequences(db);
    this.writes = new RunWrites(db);
    this.metrics = new MetricWrites(db);
    this.findRun = db.prepare<
      [string],
      { seq: number; root_id: string; state: PendingRun["state"] }
    >("SELECT seq, root_id, state FROM runs WHERE id = ?");
    this.insertRoot = db.prepare(
      `INSERT INTO roots (root_id, mode, status, node_version, platform, lockfile_hash, git_commit,
         notebook_path, hostname, created_at, last_heartbeat, package_id)
       VALUES (?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.finishRoot = db.prepare(
      "UPDATE roots SET status = 'finished' WHERE root_id = ? AND status = 'active'",
    );
    this.insertArtifact = db.prepare(
      `INSERT OR IGNORE INTO artifacts (id, type_name, media_type, size, summary_json, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.findArtifact = db.prepare<[string], { seq: number }>(
      "SELECT seq FROM artifacts WHERE id = ?",
    );
    this.touchRoot = db.prepare(
      "UPDATE roots SET last_heartbeat = ? WHERE root_id = ? AND status = 'active'",
    );
    this.rootState = db.prepare<[string], { status: string; cancel_requested_at: number | null }>(
      "SELECT status, cancel_requested_at FROM roots WHERE root_id = ?",
    );
    this.applyBatch = db.transaction((events: readonly RunEvent[], fromServer: boolean) =>
      this.apply(events, fromServer),
    );
    const lastServerSeq = db.prepare<[string], { applied: number }>(
      "SELECT applied FROM event_sequences WHERE root_id = ?",
    );
    this.serverBatch = db.transaction(
      (rootId: string, events: readonly DistributiveOmit<RunEvent, "id" | "rootId">[]) => {
        const key = `${rootId}:${SERVER_WRITER}`;
        let seq = lastServerSeq.get(key)?.applied ?? 0;
        const stamped = events.map((e) => ({ ...e, rootId, id: `${key}:${++seq}` }) as RunEvent);
        return this.apply(stamped, true);
      },
    );
  }

  /** Applies a batch atomically. Throws {@link ApiError} (nothing written) when an event is inconsistent. */
  ingest(events: readonly RunEvent[]): IngestResult {
    return this.applyBatch(events, false);
  }

  /**
   * Applies events the server itself writes about a root (a run failed because its job did, runs
   * canceled with their jobs), as writer `server`: ids `<rootId>:server:<seq>`, seq after the last
   * one this root's server writer used, so the live documents and the event log see them like any
   * client's.
   *
   * @example
   * ```ts
   * ingestor.ingestAsServer(rootId, [{ type: "run-state", runId, state: "canceled", attempt: 1, at: Date.now() }]);
   * ```
   */
  ingestAsServer(
    rootId: string,
    events: readonly DistributiveOmit<RunEvent, "id" | "rootId">[],
  ): IngestResult {
    return this.serverBatch(rootId, events);
  }

  private apply(events: readonly RunEvent[], fromServer: boolean): IngestResult {
    const result: IngestResult = {
      received: events.length,
      ingested: 0,
      duplicates: 0,
      changes: new Map(),
    };
    this.batchRoots.clear();
    const sequences = this.sequences.batch();
    const writes = this.writes.batch();
    const roots = new Set<string>();
    events.forEach((event, index) => {
      const match = EVENT_ID.exec(event.id);
      if (!match || match[1] !== event.rootId) {
        throw refused(
          "invalid_event_id",
          index,
          event,
          `has id ${event.id}: event ids are "<rootId>:<writer>:<seq>" with the event's own ` +
            "rootId, the writing run's id and attempt (<runId>.<attempt>) and seq from 1",
        );
      }
      const writer = match[2];
      if (
        writer !== undefined &&
        !WRITER.test(writer) &&
        !(fromServer && writer === SERVER_WRITER)
      ) {
        throw refused(
          "invalid_event_id",
          index,
          event,
          `has id ${event.id}: its <writer> is the writing run's id and attempt, ` +
            `"<runId>.<attempt>" with attempt from 1, not "${writer}"`,
        );
      }
      roots.add(event.rootId);
      const key = writer === undefined ? event.rootId : `${event.rootId}:${writer}`;
      if (!sequences.firstTime(key, Number(match[3]))) {
        result.duplicates++;
        return;
      }
      result.ingested++;
      this.applyOne(event, index, writes, result.changes);
    });
    writes.flush();
    sequences.save();
    const now = this.now();
    // The server's own events say nothing about whether the root's client is alive.
    if (!fromServer) for (const rootId of roots) this.touchRoot.run(now, rootId);
    return result;
  }

  private applyOne(
    event: RunEvent,
    index: number,
    writes: BatchRunWrites,
    changes: Map<string, RootChanges>,
  ): void {
    switch (event.type) {
      case "run-created":
        return this.createRun(event, index, writes, changes);
      case "run-state": {
        const run = this.knownRun(event.runId, event, index, writes);
        // Terminal states are final: a late event (or a client the server gave up on) changes nothing.
        if (TERMINAL_STATES.has(run.state)) return;
        const terminal = TERMINAL_STATES.has(event.state);
        writes.applyState(run, event, terminal);
        if (terminal && event.runId === event.rootId) this.finishRoot.run(event.rootId);
        changesOf(changes, event.rootId).runs.add(event.runId);
        return;
      }
      case "artifact": {
        const a = event.artifact;
        this.insertArtifact.run(
          a.id,
          a.typeName,
          a.mediaType,
          a.size,
          JSON.stringify(a.summary),
          event.at,
        );
        return;
      }
      case "edge": {
        const run = this.knownRun(event.runId, event, index, writes);
        const artifact = this.findArtifact.get(event.artifactId);
        if (!artifact) {
          throw refused(
            "unknown_artifact",
            index,
            event,
            `names artifact ${event.artifactId}, which no artifact event has announced: send the artifact event first`,
          );
        }
        writes.addEdge({
          run,
          direction: event.direction,
          name: event.name,
          artifactSeq: artifact.seq,
        });
        changesOf(changes, event.rootId).edges.push({
          runId: event.runId,
          direction: event.direction,
          name: event.name,
        });
        return;
      }
      case "log": {
        const run = this.knownRun(event.runId, event, index, writes);
        // A canceled run records nothing after it ended, though its code may still run and print
        // (a kernel's step that ignores its signal, a worker not yet stopped).
        if (run.state === "canceled") return;
        writes.addLog({ run, stream: event.stream, text: event.text, at: event.at });
        return;
      }
      case "metric": {
        // Bounds (name, labels, a finite value) are the schema's: checked before the batch got here.
        const run = this.knownRun(event.runId, event, index, writes);
        if (run.state === "canceled") return; // as for logs
        this.metrics.add(event);
        return;
      }
      case "flow": {
        const run = this.knownRun(event.runId, event, index, writes);
        event.flows.forEach((flow, i) => {
          if (flow.from === event.runId) {
            throw refused(
              "invalid_flow",
              index,
              event,
              `has flows[${i}] from run ${flow.from} into itself: a run cannot consume its own output`,
            );
          }
          if (
            flow.kind === "awaited" &&
            (flow.parameter !== undefined || flow.path !== undefined)
          ) {
            throw refused(
              "invalid_flow",
              index,
              event,
              `has flows[${i}] of kind awaited with a parameter or path: an awaited flow names only the child (from)`,
            );
          }
          writes.addFlow({ run, flow });
        });
        // The live document mirrors a run's flows when the run (the consumer) changes.
        changesOf(changes, event.rootId).runs.add(event.runId);
        return;
      }
      default: {
        // An event type added to openapi.yaml fails to compile here until it is ingested.
        const _unhandled: never = event;
      }
    }
  }

  private createRun(
    event: Extract<RunEvent, { type: "run-created" }>,
    index: number,
    writes: BatchRunWrites,
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
      this.knownRun(run.rootId, event, index, writes);
      if (run.parentId !== null) this.knownRun(run.parentId, event, index, writes);
    }
    const existingRoot = writes.runs.get(run.id)?.rootId ?? this.findRun.get(run.id)?.root_id;
    if (existingRoot !== undefined) {
      // A replay (a requeued worker's next attempt, a restarted driver with durable ids) creates
      // the runs its earlier attempt created: the run stands as it is.
      if (existingRoot === run.rootId) return;
      throw refused(
        "run_exists",
        index,
        event,
        `creates run ${run.id}, which already exists in another root run`,
        409,
      );
    }
    if (run.id === run.rootId) {
      const env = run.environment;
      this.insertRoot.run(
        run.id,
        run.mode ?? "local",
        env?.nodeVersion ?? null,
        env?.platform ?? null,
        env?.lockfileHash ?? null,
        env?.gitCommit ?? null,
        env?.notebookPath ?? null,
        env?.hostname ?? null,
        run.createdAt,
        this.now(),
        env?.packageId ?? null,
      );
    }
    const pending: PendingRun = { rootId: run.rootId, state: "created", created: run };
    writes.runs.set(run.id, pending);
    if (run.id !== run.rootId) {
      // The heartbeat monitor ended this root's runs already; a late client must not add open ones.
      const root = this.rootStateInBatch(run.rootId);
      if (root?.status === "abandoned") {
        const canceled = root.cancel_requested_at !== null;
        writes.applyState(
          pending,
          {
            state: canceled ? "canceled" : "failed",
            attempt: 1,
            at: this.now(),
            error: canceled ? undefined : createdAfterAbandonError(run.rootId, run),
          },
          true,
        );
      }
    }
    changesOf(changes, event.rootId).runs.add(run.id);
  }

  /** A root's status, read once per batch (a batch creates many runs of the same root). */
  private rootStateInBatch(
    rootId: string,
  ): { status: string; cancel_requested_at: number | null } | undefined {
    if (!this.batchRoots.has(rootId)) this.batchRoots.set(rootId, this.rootState.get(rootId));
    return this.batchRoots.get(rootId);
  }

  /** The run an event refers to, which must exist and belong to the event's root run. */
  private knownRun(
    runId: string,
    event: RunEvent,
    index: number,
    writes: BatchRunWrites,
  ): PendingRun {
    let run = writes.runs.get(runId);
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
      run = { rootId: row.root_id, state: row.state, seq: row.seq };
      writes.runs.set(runId, run);
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
