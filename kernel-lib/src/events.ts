/**
 * The run event stream: everything a resolution does, as plain JSON-serializable records.
 *
 * A runner emits these in order to an {@link EventSink}. A silent run keeps what they say in its
 * in-memory run graph (runner/graph.ts); the tracked runner also sends them to the lineage server
 * in batches. Every event
 * has a deterministic `id` (`<rootId>:<writer>:<seq>`, see {@link EventWriter}), so a retried batch
 * can be ingested idempotently and the events of a worker never collide with its driver's.
 *
 * @example
 * ```ts
 * const sink: EventSink = { emit: (e) => console.log(e.type, e.id) };
 * await pipeline(3).resolve({ tracking: false, sink });
 * ```
 */
import type { Artifact, ArtifactInfo } from "./types/artifact";

/** Run states, as in Sematic. */
export type RunState =
  | "created"
  | "scheduled"
  | "running"
  | "resolved"
  | "failed"
  | "nested-failed"
  | "canceled"
  | "retrying";

/** States a run never leaves. */
export const TERMINAL_STATES: ReadonlySet<RunState> = new Set<RunState>([
  "resolved",
  "failed",
  "nested-failed",
  "canceled",
]);

/** Compute a step asks for (used by cloud executors; recorded for every run). */
export interface ResourceRequest {
  cpus?: number;
  memoryMiB?: number;
  gpus?: number;
}

/** How a resolution was run. */
export type RunMode = "silent" | "local" | "cloud";

/** Where a root run came from: enough to reproduce it. */
export interface RunEnvironment {
  nodeVersion: string;
  platform: string;
  lockfileHash?: string;
  gitCommit?: string;
  notebookPath?: string;
  hostname?: string;
  /** The code package a cloud run's workers load (`future.resolve({ executor })`, `submit()`). */
  packageId?: string;
}

/** Why a job (one attempt of running something in a worker process) failed. */
export type FailureKind =
  | "step-error"
  | "exit-code"
  | "signal"
  | "out-of-memory"
  | "timeout"
  | "node-failure"
  | "preempted"
  | "canceled"
  | "lost";

/**
 * A job's failure as the executor classified it: what happened and what to change.
 *
 * @example
 * ```ts
 * const f: JobFailure = { kind: "out-of-memory", message: "the step used 900 MiB of its 512 MiB",
 *   hint: "raise memoryMiB above 900", memory: { askedMiB: 512, usedMiB: 900 } };
 * ```
 */
export interface JobFailure {
  kind: FailureKind;
  /** One sentence: what happened. */
  message: string;
  /** What to change. */
  hint: string;
  exitCode?: number;
  signal?: string;
  /** Out of memory: asked vs peak used. */
  memory?: { askedMiB: number; usedMiB: number };
  timeoutMs?: number;
}

/** A failure as recorded: message and stack of the original error, and where in the graph it happened. */
export interface ErrorInfo {
  /** The original error's class name, e.g. `TypeError`, or `StepTimeoutError`. */
  name: string;
  message: string;
  stack?: string;
  /** Name of the step whose own code failed. */
  stepName: string;
  /** Step names from the root run down to the failing step. */
  path: string[];
  /** Run id of the step whose own code failed (for nested-failed parents: the descendant). */
  runId: string;
  /** Set when the run failed because its job did (out of memory, killed, lost for good, ...). */
  failure?: JobFailure;
}

/** The static facts about one run, known when it is created. */
export interface RunInfo {
  id: string;
  rootId: string;
  parentId: string | null;
  /** Name of the step (the function's name, or `name` from options or `future.set`). */
  stepName: string;
  /** Hash of the step's source text (or of its explicit `version`). */
  sourceHash: string;
  sourceText: string;
  /** The TypeScript the step was written as, when known (a notebook cell's text). */
  sourceTypeScript?: string;
  /** The execution count of the notebook cell that holds `sourceTypeScript`. */
  sourceCell?: number;
  version?: string;
  tags: string[];
  resources: ResourceRequest;
  cache: boolean;
  /** Parameter names of the step function, in order (used to name input edges). */
  parameters: string[];
  createdAt: number;
  /** Only on root runs. */
  mode?: RunMode;
  /** Only on root runs of tracked resolutions. */
  environment?: RunEnvironment;
}

/**
 * The process writing a root's events: a run id and its attempt. A kernel or driver resolving a
 * root writes as the root run's attempt; a worker executing one dispatched run writes as that run's
 * attempt. Each writer numbers its events from 1, so writers never need to agree on a counter.
 *
 * @example
 * ```ts
 * const writer: EventWriter = { runId: rootId, attempt: 1 };
 * eventId(rootId, writer, 1); // `${rootId}:${rootId}.1:1`
 * ```
 */
export interface EventWriter {
  runId: string;
  /** From 1. */
  attempt: number;
}

/** An event's id: `<rootId>:<writer run id>.<attempt>:<seq>`. */
export function eventId(rootId: string, writer: EventWriter, seq: number): string {
  return `${eventIdPrefix(rootId, writer)}${seq}`;
}

/** The part of a writer's event ids before the seq. */
export function eventIdPrefix(rootId: string, writer: EventWriter): string {
  return `${rootId}:${writer.runId}.${writer.attempt}:`;
}

interface EventBase {
  /**
   * `<rootId>:<writer>:<seq>` (writer: `<runId>.<attempt>`, see {@link EventWriter}; seq from 1 per
   * writer): unique and deterministic, for idempotent ingestion.
   */
  id: string;
  rootId: string;
  /** Milliseconds since the epoch. */
  at: number;
}

export interface RunCreatedEvent extends EventBase {
  type: "run-created";
  run: RunInfo;
}

export interface RunStateEvent extends EventBase {
  type: "run-state";
  runId: string;
  state: RunState;
  /** 1 for the first try; increases with each retry. */
  attempt: number;
  /** Present once inputs are concrete and the key could be computed. */
  cacheKey?: string;
  /** For a cache hit: the run whose outputs were reused. */
  originalRunId?: string;
  error?: ErrorInfo;
}

export interface ArtifactEvent extends EventBase {
  type: "artifact";
  artifact: ArtifactInfo;
}

export interface EdgeEvent extends EventBase {
  type: "edge";
  runId: string;
  direction: "input" | "output";
  /** Parameter name for inputs (`arg0`... when unknown), `output` for the output. */
  name: string;
  artifactId: string;
}

export interface LogEvent extends EventBase {
  type: "log";
  runId: string;
  stream: "stdout" | "stderr";
  text: string;
}

/**
 * How a value reached a run, as recorded where the data flowed (design.md, "Lineage edges"):
 * - `future`: an argument (or a part of one) was the future of run `from`;
 * - `reference`: an argument (or a part of one) was the very object run `from` returned;
 * - `parent`: the consumer's parent awaited exactly one child, `from`, whose output artifact equals this
 *   argument, and passed it on unchanged ("via the parent"; drawn dashed);
 * - `awaited`: the consumer (a parent) awaited its child `from` in its body and used the value there.
 * Nothing is ever inferred from equal artifact ids alone.
 */
export type FlowKind = "future" | "reference" | "parent" | "awaited";

/** One recorded data-flow edge into a run. */
export interface Flow {
  /** The run whose output flowed. */
  from: string;
  kind: FlowKind;
  /** The consumer's parameter name; absent for `awaited`. */
  parameter?: string;
  /**
   * Where inside the argument: the parameter name for the whole argument, else a path such as
   * `xs[2]` or `config.data`; absent for `awaited`.
   */
  path?: string;
}

/**
 * Data-flow edges into `runId`. Future, reference and parent flows are emitted once, when the
 * consumer's inputs are started (before they resolve, so a consumer canceled because an input failed
 * still records where the input would have come from); an `awaited` flow when a parent's body awaits
 * a child. Several flows of one consumer may share one event.
 */
export interface FlowEvent extends EventBase {
  type: "flow";
  /** The consumer; for `awaited` flows, the parent that awaited `from`. */
  runId: string;
  flows: Flow[];
}

/**
 * A number a step logged with `logMetric` (a loss, an accuracy, a row count), recorded with its run;
 * `step` orders the points of one curve within the run, `labels` tell series apart.
 */
export interface MetricEvent extends EventBase {
  type: "metric";
  runId: string;
  name: string;
  value: number;
  step?: number;
  labels?: Record<string, string>;
}

export type RunEvent =
  RunCreatedEvent | RunStateEvent | ArtifactEvent | EdgeEvent | LogEvent | FlowEvent | MetricEvent;

/**
 * Receives a resolution's events. `emit` is called synchronously, in order, and must not throw.
 * `storeArtifact` is called once per new artifact (with its bytes) before the event that names it.
 */
export interface EventSink {
  emit(event: RunEvent): void;
  storeArtifact?(artifact: Artifact): void;
  /** Resolves once everything emitted so far is durable. */
  flush?(): Promise<void>;
  /**
   * Before the final flush of a root run: the runs that ended while their code still runs in this
   * process (a canceled step that does not check `runContext().signal`). Views say so.
   */
  stillRunning?(runs: readonly { runId: string; stepName: string }[]): void;
}
