/**
 * Realistic event streams in the exact kernel-lib format, for tests and benchmarks.
 *
 * {@link pipelineFixture} records what a tracked resolution of this notebook pipeline emits:
 *
 * ```ts
 * const pipeline = func(async function pipeline(n: number, lrs: number[]) {
 *   const data = load(n);                                   // an Arrow table
 *   const models = lrs.map((lr) => train(data, lr));        // fan-out
 *   const scores = await evaluateAll(models);               // nested: one evaluate child per model
 *   plot(scores);                                           // a Vega-Lite plot (via the parent)
 *   return models[best];                                    // same artifact as a train output
 * });
 * ```
 *
 * Recorded flows: each train's `data` from load (future), evaluateAll's `models[i]` from train i
 * (future), each evaluate's `model` from train i (reference), evaluateAll awaited each evaluate, the
 * pipeline awaited evaluateAll, and plot's `scores` from evaluateAll (via the parent).
 *
 * Event order follows kernel-lib's resolution: run-created, flows, artifact (first use) and input edges,
 * scheduled (with the cache key), running, logs, children, output artifact and edge, resolved.
 */
import { createHash } from "node:crypto";
import { tableFromArrays, tableToIPC } from "apache-arrow";
import type { ArtifactInfo, Flow, JsonValue, RunEvent, RunInfo, RunState } from "../model/events";

export interface FixtureArtifact extends ArtifactInfo {
  bytes: Uint8Array;
}

export interface Fixture {
  rootId: string;
  events: RunEvent[];
  artifacts: FixtureArtifact[];
  /** Run ids by role: pipeline, load, train0.., evaluateAll, evaluate0.., plot. */
  runs: Record<string, string>;
  /** Artifact ids by role: table, plot, model0.., scores. */
  artifactIds: Record<string, string>;
}

export interface FixtureOptions {
  /** Distinguishes fixtures: equal seeds give equal events. */
  seed?: string;
  /** Number of train/evaluate branches. Default 3. */
  fanOut?: number;
  /** Timestamp of the first event. */
  startAt?: number;
  /** Leave the pipeline running: no final states for the root run. */
  unfinished?: boolean;
  tags?: string[];
}

export const ARROW_MEDIA_TYPE = "application/vnd.apache.arrow.stream";
export const VEGA_LITE_MEDIA_TYPE = "application/vnd.vegalite.v5+json";

/** Run ids in the kernel's format: 32 lowercase hex characters. */
export function fixtureId(...parts: string[]): string {
  return sha256(parts.join("/")).slice(0, 32);
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function contentId(typeName: string, bytes: Uint8Array): string {
  return createHash("sha256").update(typeName).update("\0").update(bytes).digest("hex");
}

export function jsonArtifact(value: JsonValue): FixtureArtifact {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  const summary = { preview: JSON.stringify(value).slice(0, 200) };
  return artifactOf("json", "application/json", bytes, summary);
}

function artifactOf(
  typeName: string,
  mediaType: string,
  bytes: Uint8Array,
  summary: { [key: string]: JsonValue },
): FixtureArtifact {
  return {
    id: contentId(typeName, bytes),
    typeName,
    mediaType,
    size: bytes.length,
    summary,
    bytes,
  };
}

export function tableArtifact(n: number): FixtureArtifact {
  const x = Float64Array.from({ length: n }, (_, i) => i / n);
  const y = Float64Array.from(x, (v) => 3 * v + 1);
  const table = tableFromArrays({ x, y });
  const bytes = tableToIPC(table, "stream");
  return artifactOf("arrow.table", ARROW_MEDIA_TYPE, bytes, {
    numRows: n,
    schema: [
      { name: "x", type: "Float64" },
      { name: "y", type: "Float64" },
    ],
    head: Array.from({ length: Math.min(n, 3) }, (_, i) => ({ x: x[i]!, y: y[i]! })),
  });
}

export function plotArtifact(scores: number[]): FixtureArtifact {
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    mark: "bar",
    data: { values: scores.map((score, i) => ({ model: i, score })) },
    encoding: {
      x: { field: "model", type: "ordinal" },
      y: { field: "score", type: "quantitative" },
    },
  };
  return artifactOf(
    "vega-lite",
    VEGA_LITE_MEDIA_TYPE,
    new TextEncoder().encode(JSON.stringify(spec)),
    { mark: "bar", points: scores.length },
  );
}

/**
 * Emits events the way kernel-lib's resolution does, increasing times, but with the older ids
 * `<rootId>:<seq>` (one writer per root, still accepted), so every suite also covers older clients;
 * kernel-lib now writes `<rootId>:<rootId>.1:<seq>` (see ingest.ts).
 */
export class EventRecorder {
  readonly events: RunEvent[] = [];
  readonly artifacts = new Map<string, FixtureArtifact>();
  private seq = 0;

  constructor(
    readonly rootId: string,
    private clock: number,
  ) {}

  private base(): { id: string; rootId: string; at: number } {
    return { id: `${this.rootId}:${++this.seq}`, rootId: this.rootId, at: this.clock++ };
  }

  created(
    run: Omit<RunInfo, "rootId" | "createdAt" | "sourceHash" | "resources" | "cache" | "tags"> &
      Partial<RunInfo>,
  ): void {
    const info: RunInfo = {
      rootId: this.rootId,
      createdAt: this.clock,
      sourceHash: sha256(run.sourceText),
      resources: {},
      cache: false,
      tags: [],
      ...run,
    };
    this.events.push({ ...this.base(), type: "run-created", run: info });
  }

  state(
    runId: string,
    state: RunState,
    extra: { cacheKey?: string; originalRunId?: string } = {},
  ): void {
    this.events.push({ ...this.base(), type: "run-state", runId, state, attempt: 1, ...extra });
  }

  /** An artifact event the first time an artifact is used, then the edge. */
  edge(
    runId: string,
    direction: "input" | "output",
    name: string,
    artifact: FixtureArtifact,
  ): void {
    if (!this.artifacts.has(artifact.id)) {
      this.artifacts.set(artifact.id, artifact);
      const { bytes: _bytes, ...info } = artifact;
      this.events.push({ ...this.base(), type: "artifact", artifact: info });
    }
    this.events.push({
      ...this.base(),
      type: "edge",
      runId,
      direction,
      name,
      artifactId: artifact.id,
    });
  }

  /** A flow event: data-flow edges into `runId`, as kernel-lib records them. */
  flow(runId: string, flows: Flow[]): void {
    this.events.push({ ...this.base(), type: "flow", runId, flows });
  }

  log(runId: string, text: string, stream: "stdout" | "stderr" = "stdout"): void {
    this.events.push({ ...this.base(), type: "log", runId, stream, text });
  }

  /**
   * A step from creation to resolution with the given inputs and output; `flows` (recorded when its
   * inputs are started, right after creation) name the runs its inputs came from.
   */
  step(
    runId: string,
    parentId: string | null,
    stepName: string,
    inputs: [string, FixtureArtifact][],
    output: FixtureArtifact,
    logs: string[] = [],
    flows: Flow[] = [],
  ): void {
    this.created({
      id: runId,
      parentId,
      stepName,
      sourceText: `function ${stepName}(${inputs.map(([n]) => n).join(", ")}) { /* ... */ }`,
      parameters: inputs.map(([n]) => n),
    });
    if (flows.length > 0) this.flow(runId, flows);
    for (const [name, artifact] of inputs) this.edge(runId, "input", name, artifact);
    this.state(runId, "scheduled", {
      cacheKey: sha256(JSON.stringify([stepName, ...inputs.map(([, a]) => a.id)])),
    });
    this.state(runId, "running");
    for (const line of logs) this.log(runId, line);
    this.edge(runId, "output", "output", output);
    this.state(runId, "resolved");
  }
}

export function pipelineFixture(options: FixtureOptions = {}): Fixture {
  const seed = options.seed ?? "fixture";
  const fanOut = options.fanOut ?? 3;
  const rootId = fixtureId(seed, "pipeline");
  const rec = new EventRecorder(rootId, options.startAt ?? 1_700_000_000_000);
  const runs: Record<string, string> = { pipeline: rootId };
  const artifactIds: Record<string, string> = {};
  const id = (role: string): string => (runs[role] = fixtureId(seed, role));

  const n = jsonArtifact(100);
  const lrs = Array.from({ length: fanOut }, (_, i) => 10 ** -(i + 1));
  rec.created({
    id: rootId,
    parentId: null,
    stepName: "pipeline",
    sourceText: "async function pipeline(n, lrs) { /* ... */ }",
    parameters: ["n", "lrs"],
    tags: options.tags ?? ["fixture", "demo"],
    mode: "local",
    environment: {
      nodeVersion: "v20.20.0",
      platform: "linux",
      lockfileHash: "0".repeat(64),
      gitCommit: "1".repeat(40),
      notebookPath: "tutorials/01-first-pipeline.ipynb",
      hostname: "fixture-host",
    },
  });
  rec.edge(rootId, "input", "n", n);
  rec.edge(rootId, "input", "lrs", jsonArtifact(lrs));
  rec.state(rootId, "scheduled");
  rec.state(rootId, "running");
  rec.log(rootId, `starting with ${fanOut} learning rates\n`);

  const table = tableArtifact(100);
  artifactIds.table = table.id;
  rec.step(id("load"), rootId, "load", [["n", n]], table, ["loaded 100 rows\n"]);

  const models: FixtureArtifact[] = [];
  lrs.forEach((lr, i) => {
    const model = jsonArtifact({ lr, weights: [3 - lr, 1 + lr] });
    models.push(model);
    artifactIds[`model${i}`] = model.id;
    rec.step(
      id(`train${i}`),
      rootId,
      "train",
      [
        ["data", table],
        ["lr", jsonArtifact(lr)],
      ],
      model,
      [`training with lr=${lr}\n`, `loss ${(1 / (i + 2)).toFixed(3)}\n`],
      [{ from: runs.load!, kind: "future", parameter: "data", path: "data" }],
    );
  });

  // A nested step: evaluateAll creates one evaluate child per model and awaits them.
  const evaluateAll = id("evaluateAll");
  rec.created({
    id: evaluateAll,
    parentId: rootId,
    stepName: "evaluateAll",
    sourceText: "async function evaluateAll(models) { /* ... */ }",
    parameters: ["models"],
  });
  rec.flow(
    evaluateAll,
    lrs.map((_, i) => ({
      from: runs[`train${i}`]!,
      kind: "future" as const,
      parameter: "models",
      path: `models[${i}]`,
    })),
  );
  const modelList = jsonArtifact(models.map((m) => m.id));
  rec.edge(evaluateAll, "input", "models", modelList);
  rec.state(evaluateAll, "scheduled");
  rec.state(evaluateAll, "running");
  const scores = models.map((model, i) => {
    const score = 1 - 1 / (i + 2);
    // evaluateAll passes each model object on by reference, then awaits the evaluation.
    const evaluate = id(`evaluate${i}`);
    rec.step(
      evaluate,
      evaluateAll,
      "evaluate",
      [["model", model]],
      jsonArtifact(score),
      [],
      [{ from: runs[`train${i}`]!, kind: "reference", parameter: "model", path: "model" }],
    );
    rec.flow(evaluateAll, [{ from: evaluate, kind: "awaited" }]);
    return score;
  });
  const scoresArtifact = jsonArtifact(scores);
  artifactIds.scores = scoresArtifact.id;
  rec.edge(evaluateAll, "output", "output", scoresArtifact);
  rec.state(evaluateAll, "resolved");

  const plot = plotArtifact(scores);
  artifactIds.plot = plot.id;
  // The pipeline awaited evaluateAll and passed its value on unchanged: a flow via the parent.
  rec.flow(rootId, [{ from: evaluateAll, kind: "awaited" }]);
  rec.step(
    id("plot"),
    rootId,
    "plot",
    [["scores", scoresArtifact]],
    plot,
    [],
    [{ from: evaluateAll, kind: "parent", parameter: "scores", path: "scores" }],
  );

  if (!options.unfinished) {
    const best = models[models.length - 1]!;
    rec.edge(rootId, "output", "output", best);
    rec.state(rootId, "resolved");
  }
  return { rootId, events: rec.events, artifacts: [...rec.artifacts.values()], runs, artifactIds };
}

/**
 * A wide pipeline of `steps` small steps under one root (for benchmarks and large-run tests):
 * every step gets one input, one log line and one output, about 9 events per step.
 */
export function wideFixture(steps: number, seed = "wide"): Fixture {
  const rootId = fixtureId(seed, "root");
  const rec = new EventRecorder(rootId, 1_700_000_000_000);
  rec.created({
    id: rootId,
    parentId: null,
    stepName: "wide",
    sourceText: "async function wide(n) { /* ... */ }",
    parameters: ["n"],
    mode: "local",
    environment: { nodeVersion: "v20.20.0", platform: "linux" },
  });
  rec.state(rootId, "running");
  for (let i = 0; i < steps; i++) {
    rec.step(
      fixtureId(seed, String(i)),
      rootId,
      "square",
      [["x", jsonArtifact(i)]],
      jsonArtifact(i * i),
      [`square ${i}\n`],
    );
  }
  rec.state(rootId, "resolved");
  return {
    rootId,
    events: rec.events,
    artifacts: [...rec.artifacts.values()],
    runs: { root: rootId },
    artifactIds: {},
  };
}
