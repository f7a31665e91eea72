/**
 * The run event stream as the server receives it: a copy of the kernel library's contract
 * (kernel-lib/src/events.ts and kernel-lib/src/types/artifact.ts). The server never imports
 * kernel-lib: HTTP is the contract, and openapi.yaml is its authoritative description.
 */
import type { JobFailure } from "./jobs";

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type RunState =
  | "created"
  | "scheduled"
  | "running"
  | "resolved"
  | "failed"
  | "nested-failed"
  | "canceled"
  | "retrying";

export const RUN_STATES: readonly RunState[] = [
  "created",
  "scheduled",
  "running",
  "resolved",
  "failed",
  "nested-failed",
  "canceled",
  "retrying",
];

/** States a run never leaves. */
export const TERMINAL_STATES: ReadonlySet<RunState> = new Set<RunState>([
  "resolved",
  "failed",
  "nested-failed",
  "canceled",
]);

export interface ResourceRequest {
  cpus?: number;
  memoryMiB?: number;
  gpus?: number;
}

export type RunMode = "silent" | "local" | "cloud";

export interface RunEnvironment {
  nodeVersion: string;
  platform: string;
  lockfileHash?: string;
  gitCommit?: string;
  notebookPath?: string;
  hostname?: string;
  /** The code package a cloud run (driver or worker) executes. */
  packageId?: string;
}

export interface ErrorInfo {
  name: string;
  message: string;
  stack?: string;
  stepName: string;
  path: string[];
  runId: string;
  /** Set when the run failed because its job did (out of memory, killed, lost for good, ...). */
  failure?: JobFailure;
}

export interface RunInfo {
  id: string;
  rootId: string;
  parentId: string | null;
  stepName: string;
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
  parameters: string[];
  createdAt: number;
  mode?: RunMode;
  environment?: RunEnvironment;
}

export interface ArtifactInfo {
  id: string;
  typeName: string;
  mediaType: string;
  size: number;
  summary: { [key: string]: JsonValue };
}

interface EventBase {
  /**
   * `<rootId>:<writer>:<seq>`, writer = `<runId>.<attempt>` of the process writing, seq from 1 per
   * writer (older clients: `<rootId>:<seq>`, one writer per root): unique and deterministic, the key
   * of idempotent ingestion.
   */
  id: string;
  rootId: string;
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
  attempt: number;
  cacheKey?: string;
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
 * `future` (an argument, or a part of one, was run `from`'s future), `reference` (it was the very
 * object run `from` returned), `parent` (the consumer's parent awaited exactly one child, `from`, and
 * passed its value on unchanged) and `awaited` (the consumer, a parent, awaited its child `from`).
 */
export type FlowKind = "future" | "reference" | "parent" | "awaited";

export const FLOW_KINDS: readonly FlowKind[] = ["future", "reference", "parent", "awaited"];

/** One recorded data-flow edge into a run. */
export interface Flow {
  /** The run whose output flowed: possibly of another root, possibly not ingested yet. */
  from: string;
  kind: FlowKind;
  /** The consumer's parameter name; absent for `awaited`. */
  parameter?: string;
  /** Where inside the argument (`xs[2]`, `config.data`; the parameter name for all of it). */
  path?: string;
}

/** Data-flow edges into `runId` (for `awaited`: the parent that awaited `from`). */
export interface FlowEvent extends EventBase {
  type: "flow";
  runId: string;
  flows: Flow[];
}

/** A number a step logged with `logMetric` (bounds: MetricEvent in openapi.yaml). */
export interface MetricEvent extends EventBase {
  type: "metric";
  runId: string;
  name: string;
  value: number;
  /** An index within the run (a training step, an epoch): points of one curve. */
  step?: number;
  labels?: Record<string, string>;
}

export type RunEvent =
  RunCreatedEvent | RunStateEvent | ArtifactEvent | EdgeEvent | LogEvent | FlowEvent | MetricEvent;
