/**
 * The run view: an {@link EventSink} that folds a root run's events into a {@link RunViewBundle} and
 * shows it in one notebook display, updated in place while the run progresses.
 *
 * Updates are throttled (at most one per `minIntervalMs`, 100 ms by default: ≤ 10 per second; less
 * often for graphs of more than 100 runs) and the last one is sent from `flush()`, which the runner
 * awaits before `await pipeline(...)` returns or throws: the cell never ends with a stale view.
 *
 * @example
 * ```ts
 * // A progress line in the terminal for every root run of this process.
 * observeResolutions((info) => new RunView(info, { show: (_bundle, text) => console.log(text) }));
 * await pipeline(3).resolve({ tracking: false });
 * ```
 */
import type { EventSink, RunEvent, RunState } from "../events";
import { TERMINAL_STATES } from "../events";
import { RunGraph, type RunRecord } from "../runner/graph";
import type { ResolutionInfo } from "../runner/backend";
import {
  RUN_VIEW_ARTIFACT_LIMIT,
  type RunViewArtifact,
  type RunViewBundle,
  type RunViewEdge,
  type RunViewError,
  type RunViewRun,
} from "./bundle";
import { boundRunView } from "./bounds";
import { trimStack } from "./stack";
import { bundleText } from "./text";

/** Where a run view is shown: one display, replaced by each call. */
export interface RunViewTarget {
  show(bundle: RunViewBundle, text: string): void;
}

export interface RunViewOptions {
  /** Minimum time between two updates. Default 100 ms. */
  minIntervalMs?: number;
  /** The clock, for tests. */
  now?: () => number;
}

export class RunView implements EventSink {
  private readonly graph = new RunGraph();
  private readonly minIntervalMs: number;
  private readonly now: () => number;
  private lastShownAt = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private finished = false;
  private lingering: { runId: string; stepName: string }[] = [];
  /** Number of updates sent, the first display included. */
  updates = 0;

  constructor(
    private readonly info: ResolutionInfo,
    private readonly target: RunViewTarget,
    options: RunViewOptions = {},
  ) {
    this.minIntervalMs = options.minIntervalMs ?? 100;
    this.now = options.now ?? Date.now;
    // Shown at once, so the cell says what is running before the first step starts.
    this.show();
  }

  emit(event: RunEvent): void {
    if (this.finished) return;
    this.graph.emit(event);
    if (event.type === "log") return; // logs belong to the step's panel, not to the progress view
    this.schedule();
  }

  /**
   * Records the runs whose code still runs after they ended: the final update names them. Called
   * again after that final update, when one of them stopped at last: one more update says so (in
   * the same display, which front-ends also follow after the cell ended).
   */
  stillRunning(runs: readonly { runId: string; stepName: string }[]): void {
    const next = runs.map(({ runId, stepName }) => ({ runId, stepName }));
    const changed = JSON.stringify(next) !== JSON.stringify(this.lingering);
    this.lingering = next;
    if (this.finished && changed) this.show();
  }

  /** Sends the final update; later events are ignored. */
  async flush(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    this.cancelTimer();
    this.show();
  }

  /** The current snapshot of the run. */
  snapshot(): RunViewBundle {
    return this.snapshotAt(this.now());
  }

  private snapshotAt(updatedAt: number): RunViewBundle {
    const runs = [...this.graph.runs.values()];
    const root = this.graph.runs.get(this.info.rootId);
    const state: RunState = root?.state ?? "created";
    const edges = recordedEdges(runs, this.graph);
    const failedOwn = runs.filter((r) => r.state === "failed" && this.ownFailure(r));
    const full: RunViewBundle = {
      version: 1,
      rootId: this.info.rootId,
      stepName: this.info.stepName,
      mode: this.info.mode,
      serverUrl: this.info.serverUrl ?? null,
      state,
      final: this.finished,
      updatedAt,
      progress: {
        total: runs.length,
        done: runs.filter((r) => TERMINAL_STATES.has(r.state)).length,
        running: runs.filter((r) => r.state === "running" || r.state === "retrying").length,
        failed: failedOwn.length,
        cached: runs.filter((r) => r.originalRunId !== undefined).length,
      },
      runs: runs.map((r) => this.viewOf(r)),
      edges,
    };
    // Bounded whatever the run's size (bounds.ts): folds are counted, not listed call by call.
    const bundle = boundRunView(full);
    if (this.lingering.length > 0) bundle.stillRunning = this.lingering;
    if (this.info.mode === "silent") {
      const shown = new Set(bundle.runs.map((r) => r.id));
      const summarized = runs.filter((r) => shown.has(r.id));
      bundle.artifacts = artifactSummaries(summarized, this.graph);
    }
    const output = root?.output ? this.graph.artifacts.get(root.output) : undefined;
    if (output) {
      bundle.output = {
        artifactId: output.id,
        typeName: output.typeName,
        size: output.size,
        summary: output.summary,
      };
    }
    if (root?.error && (state === "failed" || state === "nested-failed")) {
      bundle.error = errorView(root.error);
    }
    return bundle;
  }

  /** A failed run whose own code failed (not a parent failing because of a child). */
  private ownFailure(run: RunRecord): boolean {
    return run.error === undefined || run.error.runId === run.id;
  }

  private viewOf(run: RunRecord): RunViewRun {
    const view: RunViewRun = {
      id: run.id,
      name: run.stepName,
      state: run.state,
      parentId: run.parentId,
      attempt: run.attempt,
      createdAt: run.createdAt,
      cached: run.originalRunId !== undefined,
      inputs: { ...run.inputs },
    };
    if (run.startedAt !== undefined) view.startedAt = run.startedAt;
    if (run.endedAt !== undefined) view.endedAt = run.endedAt;
    if (run.output !== undefined) view.output = run.output;
    if (run.error && run.error.runId === run.id) view.error = errorView(run.error);
    return view;
  }

  /**
   * Each update walks the whole graph (the bundle it sends is bounded: bounds.ts): big graphs
   * update less often (1 ms per run, at most every 2 s), so that a fan-out of thousands of steps
   * does not spend the kernel's time on its view.
   */
  private interval(): number {
    return Math.max(this.minIntervalMs, Math.min(2_000, this.graph.runs.size));
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = this.lastShownAt + this.interval() - this.now();
    if (wait <= 0) {
      this.show();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.finished) this.show();
    }, wait);
    this.timer.unref?.();
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private show(): void {
    // Each update stamped later than the one before, even within one millisecond (a cancel ends
    // many runs in one tick, then the flush follows): the extension keeps the newest bundle of a
    // root by its stamp, so two alike would leave it the earlier one's view.
    this.lastShownAt = Math.max(this.now(), this.lastShownAt + 1);
    this.updates++;
    try {
      // Stamped with the moment the update was due: the throttle's interval is between stamps.
      const bundle = this.snapshotAt(this.lastShownAt);
      this.target.show(bundle, bundleText(bundle));
    } catch {
      // A display problem must never break the run it shows (EventSink.emit must not throw).
    }
  }
}

/**
 * The bundle's edges: the flows the runner recorded, one edge per flow, in run order. Nothing is
 * inferred from equal artifact ids (design.md, "Lineage edges: recorded, never guessed").
 */
export function recordedEdges(runs: readonly RunRecord[], graph: RunGraph): RunViewEdge[] {
  const edges: RunViewEdge[] = [];
  for (const run of runs) {
    for (const flow of run.flows) {
      const edge: RunViewEdge = { from: flow.from, to: run.id, kind: flow.kind };
      if (flow.parameter !== undefined) edge.parameter = flow.parameter;
      if (flow.path !== undefined) edge.path = flow.path;
      const artifactId = graph.runs.get(flow.from)?.output;
      if (artifactId !== undefined) edge.artifactId = artifactId;
      edges.push(edge);
    }
  }
  return edges;
}

/** Summaries of the runs' inputs and outputs, for a silent run's view (no server to ask). */
function artifactSummaries(
  runs: readonly RunRecord[],
  graph: RunGraph,
): Record<string, RunViewArtifact> {
  const out: Record<string, RunViewArtifact> = {};
  let count = 0;
  const add = (id: string | undefined): boolean => {
    if (id === undefined || id in out) return true;
    if (count >= RUN_VIEW_ARTIFACT_LIMIT) return false;
    const info = graph.artifacts.get(id);
    if (!info) return true;
    out[id] = { typeName: info.typeName, size: info.size, summary: info.summary };
    count++;
    return true;
  };
  for (const run of runs) {
    for (const id of Object.values(run.inputs)) if (!add(id)) return out;
    if (!add(run.output)) return out;
  }
  return out;
}

function errorView(error: NonNullable<RunRecord["error"]>): RunViewError {
  return {
    name: error.name,
    message: error.message,
    stack: trimStack(error.stack),
    stepName: error.stepName,
    path: [...error.path],
    runId: error.runId,
  };
}
