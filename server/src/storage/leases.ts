/**
 * Run leases: liveness per dispatched run, not only per root. A worker executing one run (one
 * attempt of it) renews that run's lease with each heartbeat; a lease not renewed within the
 * heartbeat timeout means the worker is gone, and its run (with its open descendants) ends as lost.
 * Runs resolved inside their root's own process hold no lease: the root's heartbeat covers them.
 */
import type { ErrorInfo, RunState } from "../model/events";
import { TERMINAL_STATES } from "../model/events";
import type { Db } from "./db";

/** What a heartbeat for a run and attempt found. */
export interface LeaseAnswer {
  runId: string;
  /** The attempt that holds the lease now (a newer one than asked: the asker was superseded). */
  attempt: number;
  /**
   * `held`: renewed. `superseded`: a newer attempt holds it; stop. `ended`: the run already ended
   * (finished, failed, canceled, or lost after its lease expired); stop.
   */
  lease: "held" | "superseded" | "ended";
  runState: RunState;
}

interface LeaseRunRow {
  id: string;
  root_id: string;
  state: RunState;
  attempt: number | null;
}

/** Renews the lease of `runId` for `attempt` (taking it when none is held). */
export function renewLease(db: Db, runId: string, attempt: number, now: number): LeaseAnswer {
  return db.transaction((): LeaseAnswer => {
    const row = db
      .prepare<[string], LeaseRunRow>(
        `SELECT r.id, r.root_id, r.state, l.attempt FROM runs r
         LEFT JOIN run_leases l ON l.run_id = r.id WHERE r.id = ?`,
      )
      .get(runId)!;
    const answer = (lease: LeaseAnswer["lease"], holder: number): LeaseAnswer => ({
      runId,
      attempt: holder,
      lease,
      runState: row.state,
    });
    if (TERMINAL_STATES.has(row.state)) return answer("ended", row.attempt ?? attempt);
    if (row.attempt !== null && row.attempt > attempt) return answer("superseded", row.attempt);
    db.prepare(
      `INSERT INTO run_leases (run_id, attempt, last_heartbeat) VALUES (?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET attempt = excluded.attempt,
         last_heartbeat = excluded.last_heartbeat`,
    ).run(runId, attempt, now);
    return answer("held", attempt);
  })();
}

/** Leases not renewed since `deadline`. */
export function silentLeases(
  db: Db,
  deadline: number,
): { runId: string; rootId: string; attempt: number; lastHeartbeat: number }[] {
  return db
    .prepare<[number], { runId: string; rootId: string; attempt: number; lastHeartbeat: number }>(
      `SELECT l.run_id AS runId, r.root_id AS rootId, l.attempt, l.last_heartbeat AS lastHeartbeat
       FROM run_leases l JOIN runs r ON r.id = l.run_id WHERE l.last_heartbeat < ?`,
    )
    .all(deadline);
}

interface OpenRun {
  id: string;
  parent_id: string | null;
  step_name: string;
  state: RunState;
}

/**
 * Ends a run whose lease expired, and its open descendants (its worker resolved them): `canceled`
 * when its root was asked to cancel, else `failed` with a {@link RunLostError}. A run that already
 * ended just gives its lease back. Returns the ids of the runs it changed.
 */
export function loseRun(
  db: Db,
  lease: { runId: string; rootId: string; attempt: number },
  now: number,
  silentForMs: number,
): string[] {
  return db.transaction((): string[] => {
    db.prepare("DELETE FROM run_leases WHERE run_id = ?").run(lease.runId);
    const runs = db
      .prepare<[string], OpenRun>(
        "SELECT id, parent_id, step_name, state FROM runs WHERE root_id = ?",
      )
      .all(lease.rootId);
    const byId = new Map(runs.map((r) => [r.id, r]));
    const lost = byId.get(lease.runId);
    if (!lost || TERMINAL_STATES.has(lost.state)) return [];
    const canceled =
      db
        .prepare<[string], { c: number | null }>(
          "SELECT cancel_requested_at AS c FROM roots WHERE root_id = ?",
        )
        .get(lease.rootId)?.c != null;
    const children = new Map<string, OpenRun[]>();
    for (const run of runs) {
      if (!run.parent_id) continue;
      const list = children.get(run.parent_id) ?? [];
      list.push(run);
      children.set(run.parent_id, list);
    }
    const end = db.prepare(
      "UPDATE runs SET state = ?, ended_at = ?, error_json = COALESCE(?, error_json) WHERE id = ?",
    );
    const changed: string[] = [];
    const visit = (run: OpenRun): void => {
      if (!TERMINAL_STATES.has(run.state)) {
        const error = canceled ? null : runLostError(run, lost, lease.attempt, byId, silentForMs);
        end.run(canceled ? "canceled" : "failed", now, error && JSON.stringify(error), run.id);
        changed.push(run.id);
      }
      for (const child of children.get(run.id) ?? []) visit(child);
    };
    visit(lost);
    return changed;
  })();
}

function runLostError(
  run: OpenRun,
  lost: OpenRun,
  attempt: number,
  byId: Map<string, OpenRun>,
  silentForMs: number,
): ErrorInfo {
  const path: string[] = [];
  for (let r: OpenRun | undefined = run; r; r = r.parent_id ? byId.get(r.parent_id) : undefined) {
    path.unshift(r.step_name);
  }
  const seconds = Math.round(silentForMs / 100) / 10;
  const which =
    run.id === lost.id ? "its worker" : `the worker of "${lost.step_name}" (run ${lost.id})`;
  return {
    name: "RunLostError",
    message:
      `run ${run.id} ("${run.step_name}") was lost: ${which} sent no heartbeat for ${seconds} s, ` +
      `so the lease of attempt ${attempt} expired (the worker process exited, was killed, or lost ` +
      "its connection to the server). Rerun the pipeline.",
    stepName: run.step_name,
    path,
    runId: run.id,
  };
}
