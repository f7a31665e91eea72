/**
 * Runs the server ends itself because of their jobs, written as server events (writer `server`) so
 * that the live documents and every reader see them like a client's: a run whose job failed for
 * good ends `failed` with an {@link ErrorInfo} carrying the job's failure, its open descendants
 * `canceled`; a canceled root's open runs end `canceled`.
 */
import type { LiveGraphs } from "../live/hub";
import type { ErrorInfo, RunEvent, RunState } from "../model/events";
import { TERMINAL_STATES } from "../model/events";
import type { JobFailure } from "../model/jobs";
import type { Db } from "../storage/db";
import type { Ingestor } from "../storage/ingest";

interface RunRow {
  id: string;
  parent_id: string | null;
  step_name: string;
  state: RunState;
  attempt: number;
}

type ServerEvent = Extract<RunEvent, { type: "run-state" }>;

export class RunEnds {
  constructor(
    private readonly db: Db,
    private readonly ingestor: Ingestor,
    private readonly live: LiveGraphs,
    private readonly now: () => number,
  ) {}

  private runsOf(rootId: string): RunRow[] {
    return this.db
      .prepare<[string], RunRow>(
        "SELECT id, parent_id, step_name, state, attempt FROM runs WHERE root_id = ?",
      )
      .all(rootId);
  }

  /**
   * Ends `runId` failed because its job failed for good (`reported`: the worker's own error, when
   * it reported one), and its open descendants canceled. Nothing when the run is not open.
   */
  failRun(rootId: string, runId: string, failure: JobFailure, reported?: ErrorInfo): void {
    const runs = this.runsOf(rootId);
    const byId = new Map(runs.map((r) => [r.id, r]));
    const run = byId.get(runId);
    if (!run || TERMINAL_STATES.has(run.state)) return;
    const at = this.now();
    const events: Omit<ServerEvent, "id" | "rootId">[] = this.openDescendants(runs, runId).map(
      (d) => ({ type: "run-state", runId: d.id, state: "canceled", attempt: d.attempt, at }),
    );
    const error: ErrorInfo = reported
      ? { ...reported, failure }
      : {
          name: "WorkerFailedError",
          message: failure.message,
          failure,
          stepName: run.step_name,
          path: pathOf(run, byId),
          runId: run.id,
        };
    events.push({ type: "run-state", runId, state: "failed", attempt: run.attempt, at, error });
    this.write(rootId, events);
  }

  /** Ends every open run of a root canceled (its root run last); returns how many. */
  cancelRoot(rootId: string): number {
    const at = this.now();
    const open = this.runsOf(rootId).filter((r) => !TERMINAL_STATES.has(r.state));
    open.sort((a, b) => Number(a.id === rootId) - Number(b.id === rootId));
    this.write(
      rootId,
      open.map((r) => ({
        type: "run-state",
        runId: r.id,
        state: "canceled",
        attempt: r.attempt,
        at,
      })),
    );
    return open.length;
  }

  private openDescendants(runs: RunRow[], runId: string): RunRow[] {
    const children = new Map<string, RunRow[]>();
    for (const r of runs) {
      if (!r.parent_id) continue;
      const list = children.get(r.parent_id) ?? [];
      list.push(r);
      children.set(r.parent_id, list);
    }
    const out: RunRow[] = [];
    const visit = (id: string): void => {
      for (const child of children.get(id) ?? []) {
        visit(child.id);
        if (!TERMINAL_STATES.has(child.state)) out.push(child);
      }
    };
    visit(runId);
    return out;
  }

  private write(rootId: string, events: Omit<ServerEvent, "id" | "rootId">[]): void {
    if (events.length === 0) return;
    const result = this.ingestor.ingestAsServer(rootId, events);
    this.live.applyChanges(result.changes);
  }
}

function pathOf(run: RunRow, byId: Map<string, RunRow>): string[] {
  const path: string[] = [];
  for (let r: RunRow | undefined = run; r; r = r.parent_id ? byId.get(r.parent_id) : undefined) {
    path.unshift(r.step_name);
  }
  return path;
}
