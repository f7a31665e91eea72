/**
 * Many root runs of one pipeline, each with its metrics, as the events kernel-lib would send: for
 * tests of the metrics routes and for the pipeline-view benchmark's seeding (bench/src/pipeline-seed.ts).
 *
 * @example
 * ```ts
 * const { events, rootIds } = pipelineRunEvents({ stepName: "train", runs: 1000, metricsPerRun: 10 });
 * await api.postInBatches(events, 5000);
 * ```
 */
import { createHash } from "node:crypto";
import type { RunEvent, RunState } from "../model/events";

/** Names of the metrics each run logs, in order (cycled when a run logs more). */
export const SEED_METRIC_NAMES = [
  "loss",
  "val_loss",
  "accuracy",
  "val_accuracy",
  "precision",
  "recall",
  "f1",
  "auc",
  "learning_rate",
  "epoch_seconds",
];

export interface PipelineRunOptions {
  stepName: string;
  runs: number;
  /** Metric points per run: one of each name of {@link SEED_METRIC_NAMES}, then again with the next step. */
  metricsPerRun: number;
  /** Distinguishes seeds: equal seeds give equal ids. Default: the step name. */
  seed?: string;
  /** Creation time of the first (oldest) run; the others follow one minute apart. Default 2026-01-01. */
  startAt?: number;
  /** Every `failEvery`-th run fails (0: none). Default 10. */
  failEvery?: number;
}

export interface PipelineRuns {
  events: RunEvent[];
  /** Oldest first. */
  rootIds: string[];
}

/** A run id as kernel-lib makes them: 32 lowercase hex characters. */
function runId(...parts: string[]): string {
  return createHash("sha256").update(parts.join("/")).digest("hex").slice(0, 32);
}

/**
 * The events of `runs` root runs named `stepName`: created, running, `metricsPerRun` metric points
 * (value depending on the run, so plots show a trend), then resolved or failed.
 */
export function pipelineRunEvents(o: PipelineRunOptions): PipelineRuns {
  const events: RunEvent[] = [];
  const rootIds: string[] = [];
  const start = o.startAt ?? Date.UTC(2026, 0, 1);
  const failEvery = o.failEvery ?? 10;
  for (let i = 0; i < o.runs; i++) {
    const rootId = runId(o.seed ?? o.stepName, String(i));
    rootIds.push(rootId);
    const createdAt = start + i * 60_000;
    let seq = 0;
    let clock = createdAt;
    const base = (): { id: string; rootId: string; at: number } => ({
      id: `${rootId}:${rootId}.1:${++seq}`,
      rootId,
      at: clock++,
    });
    events.push({
      ...base(),
      type: "run-created",
      run: {
        id: rootId,
        rootId,
        parentId: null,
        stepName: o.stepName,
        sourceHash: "ab".repeat(32),
        sourceText: `async function ${o.stepName}(lr) { /* ... */ }`,
        tags: [],
        resources: {},
        cache: false,
        parameters: ["lr"],
        createdAt,
        mode: "local",
        environment: { nodeVersion: "v22.0.0", platform: "linux" },
      },
    });
    events.push({ ...base(), type: "run-state", runId: rootId, state: "running", attempt: 1 });
    for (let m = 0; m < o.metricsPerRun; m++) {
      const name = SEED_METRIC_NAMES[m % SEED_METRIC_NAMES.length]!;
      const step = Math.floor(m / SEED_METRIC_NAMES.length);
      const trend = 1 / (1 + i / 50);
      events.push({
        ...base(),
        type: "metric",
        runId: rootId,
        name,
        value: name.includes("loss") ? trend / (step + 1) : 1 - trend / (2 + m),
        step,
        labels: { lr: String([0.1, 0.01, 0.001][i % 3]) },
      });
    }
    clock += 1000 + (i % 7) * 250;
    const state: RunState =
      failEvery > 0 && i % failEvery === failEvery - 1 ? "failed" : "resolved";
    events.push({
      ...base(),
      type: "run-state",
      runId: rootId,
      state,
      attempt: 1,
      ...(state === "failed"
        ? {
            error: {
              name: "Error",
              message: "diverged",
              stepName: o.stepName,
              path: [o.stepName],
              runId: rootId,
            },
          }
        : {}),
    });
  }
  return { events, rootIds };
}
