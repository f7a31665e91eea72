/**
 * Root runs and their clients: heartbeats, cancel requests, and ending the open runs of a client
 * that stopped responding (so that they do not stay "running" forever).
 */
import type { RootView } from "../model/api";
import type { ErrorInfo, RunState } from "../model/events";
import { TERMINAL_STATES } from "../model/events";
import type { Db } from "./db";
import { type RootRow, rootView } from "./rows";

export function getRoot(db: Db, rootId: string): RootView | undefined {
  const row = db
    .prepare<[string], RootRow>(
      `SELECT roots.*, reruns.rerun_of, reruns.from_run_id FROM roots
       LEFT JOIN reruns ON reruns.root_id = roots.root_id WHERE roots.root_id = ?`,
    )
    .get(rootId);
  return row && rootView(row);
}

/** Which of `rootIds` are reruns, and of what (for the run listing). */
export function rerunsOf(
  db: Db,
  rootIds: string[],
): Map<string, { runId: string; from: string | null }> {
  const out = new Map<string, { runId: string; from: string | null }>();
  if (rootIds.length === 0) return out;
  const rows = db
    .prepare<string[], { root_id: string; rerun_of: string; from_run_id: string | null }>(
      `SELECT root_id, rerun_of, from_run_id FROM reruns
       WHERE root_id IN (${rootIds.map(() => "?").join(", ")})`,
    )
    .all(...rootIds);
  for (const r of rows) out.set(r.root_id, { runId: r.rerun_of, from: r.from_run_id });
  return out;
}

/**
 * How each root of `rootIds` ran, for a list of runs: its mode (`silent`, `local`, `cloud`) and the
 * executor of its first job (null: no step ran as a job). One query each, over indexed columns.
 */
export function placesOf(
  db: Db,
  rootIds: string[],
): Map<string, { mode: string; executor: string | null }> {
  const out = new Map<string, { mode: string; executor: string | null }>();
  if (rootIds.length === 0) return out;
  const marks = rootIds.map(() => "?").join(", ");
  const modes = db
    .prepare<string[], { root_id: string; mode: string }>(
      `SELECT root_id, mode FROM roots WHERE root_id IN (${marks})`,
    )
    .all(...rootIds);
  for (const r of modes) out.set(r.root_id, { mode: r.mode, executor: null });
  const executors = db
    // sqlite's bare columns with MIN(): the executor of each root's first job.
    .prepare<string[], { root_id: string; executor: string }>(
      `SELECT root_id, executor, MIN(rowid) FROM jobs WHERE root_id IN (${marks}) GROUP BY root_id`,
    )
    .all(...rootIds);
  for (const r of executors) {
    const place = out.get(r.root_id);
    if (place) place.executor = r.executor;
  }
  return out;
}

/**
 * Records that root `rootId` is a rerun of root run `rerunOf` (from step run `from`, null: all of
 * it). Written when the rerun is accepted, before its driver creates the root run.
 */
export function recordRerun(
  db: Db,
  rootId: string,
  rerunOf: string,
  from: string | null,
  now: number,
): void {
  db.prepare(
    "INSERT INTO reruns (root_id, rerun_of, from_run_id, created_at) VALUES (?, ?, ?, ?)",
  ).run(rootId, rerunOf, from, now);
}

/** Records that the client of an active root is alive. */
export function recordHeartbeat(db: Db, rootId: string, now: number): RootView | undefined {
  db.prepare("UPDATE roots SET last_heartbeat = ? WHERE root_id = ? AND status = 'active'").run(
    now,
    rootId,
  );
  return getRoot(db, rootId);
}

export function requestCancel(db: Db, rootId: string, now: number): RootView | undefined {
  db.prepare(
    "UPDATE roots SET cancel_requested_at = ? WHERE root_id = ? AND cancel_requested_at IS NULL",
  ).run(now, rootId);
  return getRoot(db, rootId);
}

/** Active roots whose client has sent neither a heartbeat nor an event since `deadline`. */
export function silentRoots(db: Db, deadline: number): { rootId: string; lastHeartbeat: number }[] {
  return db
    .prepare<[number], { rootId: string; lastHeartbeat: number }>(
      `SELECT root_id AS rootId, last_heartbeat AS lastHeartbeat FROM roots
       WHERE status = 'active' AND last_heartbeat < ?`,
    )
    .all(deadline);
}

/** After a restart the server cannot know who is alive: give every client a full timeout again. */
export function restartHeartbeatClocks(db: Db, now: number): void {
  db.prepare("UPDATE roots SET last_heartbeat = ? WHERE status = 'active'").run(now);
}

interface OpenRun {
  id: string;
  parent_id: string | null;
  step_name: string;
  state: RunState;
}

/**
 * Ends every non-terminal run of a root whose client is gone: `canceled` when a cancel was requested,
 * else `failed` with an error that says the client stopped responding. Marks the root abandoned.
 * Returns the ids of the runs it changed.
 */
export function abandonRoot(db: Db, rootId: string, now: number, silentForMs: number): string[] {
  return db.transaction(() => {
    const root = db
      .prepare<[string], RootRow>("SELECT * FROM roots WHERE root_id = ? AND status = 'active'")
      .get(rootId);
    if (!root) return [];
    const runs = db
      .prepare<[string], OpenRun>(
        "SELECT id, parent_id, step_name, state FROM runs WHERE root_id = ?",
      )
      .all(rootId);
    const byId = new Map(runs.map((r) => [r.id, r]));
    const canceled = root.cancel_requested_at !== null;
    const end = db.prepare(
      "UPDATE runs SET state = ?, ended_at = ?, error_json = COALESCE(?, error_json) WHERE id = ?",
    );
    const changed: string[] = [];
    for (const run of runs) {
      if (TERMINAL_STATES.has(run.state)) continue;
      const error = canceled ? null : clientLostError(run, byId, rootId, silentForMs);
      end.run(canceled ? "canceled" : "failed", now, error && JSON.stringify(error), run.id);
      changed.push(run.id);
    }
    db.prepare("UPDATE roots SET status = 'abandoned' WHERE root_id = ?").run(rootId);
    return changed;
  })();
}

function clientLostError(
  run: OpenRun,
  byId: Map<string, OpenRun>,
  rootId: string,
  silentForMs: number,
): ErrorInfo {
  const path: string[] = [];
  for (let r: OpenRun | undefined = run; r; r = r.parent_id ? byId.get(r.parent_id) : undefined) {
    path.unshift(r.step_name);
  }
  const seconds = Math.round(silentForMs / 100) / 10;
  return {
    name: "ClientLostError",
    message:
      `the client running root run ${rootId} stopped responding (no heartbeat or event for ${seconds} s): ` +
      "its process exited or lost its connection to the server. Rerun the pipeline.",
    stepName: run.step_name,
    path,
    runId: run.id,
  };
}

/**
 * The error of a run whose run-created event arrived after its root was abandoned (a client that
 * came back after the heartbeat timeout): the run is stored already ended, so that nothing stays
 * `created` forever under a root nobody will finish.
 */
export function createdAfterAbandonError(
  rootId: string,
  run: { id: string; stepName: string },
): ErrorInfo {
  return {
    name: "ClientLostError",
    message:
      `root run ${rootId} was abandoned (its client stopped responding) before this run was created: ` +
      "the server ended it at once. Rerun the pipeline.",
    stepName: run.stepName,
    path: [run.stepName],
    runId: run.id,
  };
}
