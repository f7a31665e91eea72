/**
 * The shapes the API answers with: aliases of the types generated from openapi.yaml's
 * components/schemas (../wire.ts), named as the storage and routes use them.
 */
import type * as wire from "../wire";
import type { FlowKind } from "./events";

/** A run without its source text (lists and graphs). */
export type RunView = wire.Run;

/** A run with its source text and, for a retried run, each attempt (empty for a run that ran once). */
export type RunDetailView = wire.RunDetail;

/**
 * One attempt of a retried run: when it ran, how it ended (`retrying`: it failed and the run tried
 * again; null while it runs), and its error.
 */
export type AttemptView = wire.Attempt;

export type RootStatus = wire.Root["status"];

/**
 * A root run's resolution: how it was run and where, whether its client is alive, and for a rerun
 * the root run it was made from and the step it was rerun from (null: all of it).
 */
export type RootView = wire.Root;

export type ArtifactView = wire.Artifact;

export type EdgeView = wire.Edge;

/** An input or output of one run, with the artifact's summary. */
export type PortView = wire.Port;

/** A recorded data flow between two runs: run `from`'s output reached run `to`. */
export type FlowView = wire.GraphFlow;

/**
 * The run that produced (part of) an input, as recorded. `stepName` is null when that run is not on
 * this server (yet): its flow was recorded, its run-created event not.
 */
export type ProducerView = wire.Producer;

/** A run that used an output, as recorded (`awaited`: a parent that awaited this run). */
export type ConsumerView = wire.Consumer;

/**
 * An input of a run with its recorded producers (`more` when the list was cut at its bound). An
 * empty list means no producer was recorded: a constant, a value computed in the parent's body, or
 * a run stored before flows were recorded. It never means a guess.
 */
export type InputPortView = wire.InputPort;

export type OutputPortView = wire.OutputPort;

/** How a run was reached in a lineage walk: a recorded flow, or a cache hit's original run. */
export type LineageStepKind = wire.LineageRun["via"]["kind"];
const _flowKindsAreSteps: FlowKind extends LineageStepKind ? true : false = true;

/**
 * One run of a run's upstream or downstream lineage: `depth` 1 for a direct producer (or consumer),
 * 2 for theirs, and so on; `via` the run one step closer to the start that it was reached from, and
 * how; `run` null when the run is named by a recorded flow but is not on this server.
 */
export type LineageRunView = wire.LineageRun;

export type LogLineView = wire.LogLine;

export type NoteView = wire.Note;
