/**
 * Runs the server ends itself because of their jobs, written as server events (writer `server`) so
 * that the live documents and every reader see them like a client's: a run whose job failed for
 * good ends `failed` with an {@link ErrorInfo} carrying the job's failure, its open descendants
 * `canceled`; a canceled root's open runs end `canceled`. A detached root whose driver failed
 * before it created the root run is created here, failed, so that the root id `submit` and
 * `rerun` answered names a run (and its failure) instead of a 404.
 */
import { createHash } from "node:crypto";
import type { LiveGraphs } from "../live/hub";
import type { ErrorInfo, RunEvent, RunState } from "../model/events";
import { TERMINAL_STATES } from "../model/events";
import type { JobFailure } from "../model/jobs";
import type { Db } from "../storage/db";
import type { DistributiveOmit, Ingestor } from "../storage/ingest";
import { latestJobOfRun, storedSpec } from "../storage/jobs";

interface RunRow {
  id: string;
  parent_id: string | null;
  step_name: string;
  state: RunState;
  attempt: number;
}

/** An event the server writes, before the ingestor gives it its id and root. */
type ServerEvent = DistributiveOmit<
  Extract<RunEvent, { type: "run-state" | "run-created" | "edge" }>,
  "id" | "rootId"
>;

/** The step name of a root made by a program submission, whose driver never said which. */
const PROGRAM_ROOT = "program";

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
    if (!run) {
      if (runId === rootId) this.failUncreatedRoot(rootId, failure, reported);
      return;
    }
    if (TERMINAL_STATES.has(run.state)) return;
    const at = this.now();
    const events: ServerEvent[] = this.openDescendants(runs, runId).map((d) => ({
      type: "run-state",
      runId: d.id,
      state: "canceled",
      attempt: d.attempt,
      at,
    }));
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

  /**
   * The root's driver failed for good before its program created the root run (its package could
   * not be installed, its project folder is gone): the root run is made from the driver job's
   * spec (step, inputs with their input edges, environment) and ended failed with the job's
   * failure. Its source was never seen, so its text is empty.
   */
  private failUncreatedRoot(rootId: string, failure: JobFailure, reported?: ErrorInfo): void {
    const job = latestJobOfRun(this.db, rootId);
    const spec = job && storedSpec(this.db, job.id);
    if (!job || !spec || job.kind === "step") return;
    const at = this.now();
    const stepName = spec.stepName ?? PROGRAM_ROOT;
    const error: ErrorInfo = reported
      ? { ...reported, failure }
      : {
          name: "WorkerFailedError",
          message: failure.message,
          failure,
          stepName,
          path: [stepName],
          runId: rootId,
        };
    this.write(rootId, [
      {
        type: "run-created",
        at,
        run: {
          id: rootId,
          rootId,
          parentId: null,
          stepName,
          sourceHash: createHash("sha256").update("").digest("hex"),
          sourceText: "",
          tags: [],
          resources: {},
          cache: spec.cache !== false,
          parameters: spec.inputs.map((input) => input.name),
          createdAt: job.createdAt,
          mode: "cloud",
          ...(spec.environment && {
            environment: { ...spec.environment, packageId: spec.packageId },
          }),
        },
      },
      ...spec.inputs.map((input): ServerEvent => ({
        type: "edge",
        runId: rootId,
        direction: "input",
        name: input.name,
        artifactId: input.artifactId,
        at,
      })),
      { type: "run-state", runId: rootId, state: "failed", attempt: job.attempt, at, error },
    ]);
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

  private write(rootId: string, events: ServerEvent[]): void {
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
