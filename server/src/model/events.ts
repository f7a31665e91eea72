/**
 * The run event stream as the server receives it. The shapes are generated from openapi.yaml (the
 * authoritative contract) into ../wire.ts; the kernel library generates the same file. The server
 * never imports kernel-lib: HTTP is the contract.
 */
import type * as wire from "../wire";

export type JsonValue = wire.JsonValue;

export type RunState = wire.RunState;

/**
 * Every run state, in order of a run's life. `satisfies` and {@link AllOf} fail to compile when
 * openapi.yaml gains a state this list (and so the `state` query filter) does not name.
 */
export const RUN_STATES = [
  "created",
  "scheduled",
  "running",
  "resolved",
  "failed",
  "nested-failed",
  "canceled",
  "retrying",
] as const satisfies readonly RunState[];
const _allRunStates: AllOf<RunState, typeof RUN_STATES> = true;

/**
 * `true` when `List` names every member of the union `T`, else a type that `true` is not assignable
 * to, naming the missing members.
 *
 * @example
 * ```ts
 * const _all: AllOf<"a" | "b", readonly ["a", "b"]> = true;
 * ```
 */
export type AllOf<T, List extends readonly unknown[]> = [Exclude<T, List[number]>] extends [never]
  ? true
  : { missing: Exclude<T, List[number]> };

/** States a run never leaves. */
export const TERMINAL_STATES: ReadonlySet<RunState> = new Set<RunState>([
  "resolved",
  "failed",
  "nested-failed",
  "canceled",
]);

export type ResourceRequest = wire.ResourceRequest;

export type RunMode = wire.RunMode;

export type RunEnvironment = wire.RunEnvironment;

export type ErrorInfo = wire.ErrorInfo;

export type RunInfo = wire.RunInfo;

export type ArtifactInfo = wire.ArtifactInfo;

/**
 * Event ids are `<rootId>:<writer>:<seq>`, writer = `<runId>.<attempt>` of the process writing, seq
 * from 1 per writer (older clients: `<rootId>:<seq>`, one writer per root): unique and
 * deterministic, the key of idempotent ingestion.
 */
export type RunCreatedEvent = wire.RunCreatedEvent;

export type RunStateEvent = wire.RunStateEvent;

export type ArtifactEvent = wire.ArtifactEvent;

export type EdgeEvent = wire.EdgeEvent;

export type LogEvent = wire.LogEvent;

/**
 * How a value reached a run, as recorded where the data flowed (design.md, "Lineage edges"):
 * `future` (an argument, or a part of one, was run `from`'s future), `reference` (it was the very
 * object run `from` returned), `parent` (the consumer's parent awaited exactly one child, `from`, and
 * passed its value on unchanged) and `awaited` (the consumer, a parent, awaited its child `from`).
 */
export type FlowKind = wire.FlowKind;

export const FLOW_KINDS = [
  "future",
  "reference",
  "parent",
  "awaited",
] as const satisfies readonly FlowKind[];
const _allFlowKinds: AllOf<FlowKind, typeof FLOW_KINDS> = true;

/** One recorded data-flow edge into a run (`from`: possibly of another root, possibly not ingested yet). */
export type Flow = wire.Flow;

/** Data-flow edges into `runId` (for `awaited`: the parent that awaited `from`). */
export type FlowEvent = wire.FlowEvent;

/** A number a step logged with `logMetric` (bounds: MetricEvent in openapi.yaml). */
export type MetricEvent = wire.MetricEvent;

export type RunEvent = wire.RunEvent;

/** The fields every event has: `type`, and `id`, `rootId`, `at` (kept in `events`, the idempotency log). */
type EventEnvelope = "type" | "id" | "rootId" | "at";

/**
 * Each event type's own fields, and where ingestion (storage/ingest.ts) keeps them. A field added
 * to an event in openapi.yaml fails to compile here until it is stored, or said here why it is not.
 */
export const INGESTED_FIELDS = {
  "run-created": { run: "runs (storage/run-writes.ts)" },
  "run-state": {
    runId: "runs",
    state: "runs.state, attempts",
    attempt: "runs.attempt",
    cacheKey: "runs.cache_key",
    originalRunId: "runs.original_run_id",
    error: "runs.error_json",
  },
  artifact: { artifact: "artifacts" },
  edge: { runId: "edges", direction: "edges", name: "edges", artifactId: "edges" },
  log: { runId: "logs", stream: "logs", text: "logs" },
  flow: { runId: "flows", flows: "flows" },
  metric: {
    runId: "metrics",
    name: "metrics",
    value: "metrics",
    step: "metrics",
    labels: "metrics",
  },
} as const satisfies {
  [T in RunEvent["type"]]: Record<
    Exclude<keyof Extract<RunEvent, { type: T }>, EventEnvelope>,
    string
  >;
};
