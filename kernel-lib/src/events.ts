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
import type { Artifact } from "./types/artifact";
import type * as wire from "./wire";

// The wire shapes are generated from server/openapi.yaml (./wire.ts): the names below give them
// their documentation here. A required field added to the schema fails where events are built.

/** Run states, as in Sematic. */
export type RunState = wire.RunState;

/** States a run never leaves. */
export const TERMINAL_STATES: ReadonlySet<RunState> = new Set<RunState>([
  "resolved",
  "failed",
  "nested-failed",
  "canceled",
]);

/** Compute a step asks for (used by cloud executors; recorded for every run). */
export type ResourceRequest = wire.ResourceRequest;

/** How a resolution was run. */
export type RunMode = wire.RunMode;

/**
 * Where a root run came from: enough to reproduce it (`packageId`: the code package a cloud run's
 * workers load, from `future.resolve({ executor })` or `submit()`).
 */
export type RunEnvironment = wire.RunEnvironment;

/** Why a job (one attempt of running something in a worker process) failed. */
export type FailureKind = wire.FailureKind;

/**
 * A job's failure as the executor classified it: what happened (`message`, one sentence) and what
 * to change (`hint`); out of memory: asked vs peak used.
 *
 * @example
 * ```ts
 * const f: JobFailure = { kind: "out-of-memory", message: "the step used 900 MiB of its 512 MiB",
 *   hint: "raise the step's resources.memoryMiB above 900", memory: { askedMiB: 512, usedMiB: 900 } };
 * ```
 */
export type JobFailure = wire.JobFailure;

/**
 * A failure as recorded: the original error's class name (`TypeError`, `StepTimeoutError`),
 * message and stack, the step whose own code failed (`stepName`, `runId`: for nested-failed parents,
 * the descendant), the step names from the root down to it (`path`), and `failure` when the run
 * failed because its job did (out of memory, killed, lost for good, ...).
 */
export type ErrorInfo = wire.ErrorInfo;

/**
 * The static facts about one run, known when it is created: `stepName` (the function's name, or
 * `name` from options or `future.set`), `sourceHash` (of its source text or explicit `version`),
 * `parameters` (the step function's parameter names, in order: they name input edges); `mode` only
 * on root runs, `environment` only on root runs of tracked resolutions.
 */
export type RunInfo = wire.RunInfo;

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

/**
 * An event's id: `<rootId>:<writer run id>.<attempt>:<seq>` (seq from 1 per writer): unique and
 * deterministic, for idempotent ingestion.
 */
export function eventId(rootId: string, writer: EventWriter, seq: number): string {
  return `${eventIdPrefix(rootId, writer)}${seq}`;
}

/** The part of a writer's event ids before the seq. */
export function eventIdPrefix(rootId: string, writer: EventWriter): string {
  return `${rootId}:${writer.runId}.${writer.attempt}:`;
}

/** A run was created (every event has `id` from {@link eventId}, `rootId`, `at` in epoch ms). */
export type RunCreatedEvent = wire.RunCreatedEvent;

/**
 * A run changed state: `attempt` is 1 for the first try and increases with each retry; `cacheKey`
 * is present once inputs are concrete; `originalRunId`, for a cache hit, is the run whose outputs
 * were reused.
 */
export type RunStateEvent = wire.RunStateEvent;

/** A new artifact (its bytes go to {@link EventSink.storeArtifact} first). */
export type ArtifactEvent = wire.ArtifactEvent;

/** An input (`name`: the parameter, `arg0`... when unknown) or the `output` of a run. */
export type EdgeEvent = wire.EdgeEvent;

/** A line a run's code printed. */
export type LogEvent = wire.LogEvent;

/**
 * How a value reached a run, as recorded where the data flowed (design.md, "Lineage edges"):
 * - `future`: an argument (or a part of one) was the future of run `from`;
 * - `reference`: an argument (or a part of one) was the very object run `from` returned;
 * - `parent`: the consumer's parent awaited exactly one child, `from`, whose output artifact equals this
 *   argument, and passed it on unchanged ("via the parent"; drawn dashed);
 * - `awaited`: the consumer (a parent) awaited its child `from` in its body and used the value there.
 * Nothing is ever inferred from equal artifact ids alone.
 */
export type FlowKind = wire.FlowKind;

/**
 * One recorded data-flow edge into a run: `from` is the run whose output flowed; `parameter` the
 * consumer's parameter and `path` where inside the argument (`xs[2]`, `config.data`; the parameter
 * name for all of it), both absent for `awaited`.
 */
export type Flow = wire.Flow;

/**
 * Data-flow edges into `runId`. Future, reference and parent flows are emitted once, when the
 * consumer's inputs are started (before they resolve, so a consumer canceled because an input failed
 * still records where the input would have come from); an `awaited` flow when a parent's body awaits
 * a child (`runId` is then the parent). Several flows of one consumer may share one event.
 */
export type FlowEvent = wire.FlowEvent;

/**
 * A number a step logged with `logMetric` (a loss, an accuracy, a row count), recorded with its run;
 * `step` orders the points of one curve within the run, `labels` tell series apart.
 */
export type MetricEvent = wire.MetricEvent;

/** Everything a resolution records, told apart by `type`. */
export type RunEvent = wire.RunEvent;

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
   * While the sink holds more undelivered events or artifacts than it should keep in memory: a
   * promise that resolves once another step may start. Undefined when one may start now.
   */
  backlog?(): Promise<void> | undefined;
  /**
   * Before the final flush of a root run: the runs that ended while their code still runs in this
   * process (a canceled step that does not check `runContext().signal`). Views say so.
   */
  stillRunning?(runs: readonly { runId: string; stepName: string }[]): void;
}
