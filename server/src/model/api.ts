/** The shapes the API answers with (described in openapi.yaml under components/schemas). */
import type { ErrorInfo, FlowKind, JsonValue, ResourceRequest, RunMode, RunState } from "./events";

/** A run without its source text (lists and graphs). */
export interface RunView {
  id: string;
  rootId: string;
  parentId: string | null;
  stepName: string;
  state: RunState;
  attempt: number;
  sourceHash: string;
  version: string | null;
  parameters: string[];
  cache: boolean;
  tags: string[];
  resources: ResourceRequest;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  cacheKey: string | null;
  originalRunId: string | null;
  error: ErrorInfo | null;
}

export interface RunDetailView extends RunView {
  sourceText: string;
  /** The TypeScript the step was written as, when known (a notebook cell's text). */
  sourceTypeScript?: string;
  /** The execution count of the notebook cell that holds `sourceTypeScript`. */
  sourceCell?: number;
  /** Each attempt of a retried run, in order; empty for a run that ran once (its row says it all). */
  attempts: AttemptView[];
}

/** One attempt of a retried run: when it ran, how it ended, and its error. */
export interface AttemptView {
  attempt: number;
  /** How it ended (`retrying`: it failed and the run tried again); null while it runs. */
  state: RunState | null;
  startedAt: number | null;
  endedAt: number | null;
  error: ErrorInfo | null;
}

export type RootStatus = "active" | "finished" | "abandoned";

/** A root run's resolution: how it was run and where, and whether its client is alive. */
export interface RootView {
  rootId: string;
  mode: RunMode;
  status: RootStatus;
  environment: {
    nodeVersion: string | null;
    platform: string | null;
    lockfileHash: string | null;
    gitCommit: string | null;
    notebookPath: string | null;
    hostname: string | null;
    /** The code package a cloud root ran (absent for local runs). */
    packageId?: string;
  };
  createdAt: number;
  lastHeartbeatAt: number;
  cancelRequested: boolean;
  /** A rerun names the root run it was made from, and the step it was rerun from (null: all of it). */
  rerunOf: { runId: string; from: string | null } | null;
}

export interface ArtifactView {
  id: string;
  typeName: string;
  mediaType: string;
  size: number;
  summary: { [key: string]: JsonValue };
}

export interface EdgeView {
  runId: string;
  direction: "input" | "output";
  name: string;
  artifactId: string;
}

/** An input or output of one run, with the artifact's summary. */
export interface PortView {
  name: string;
  artifact: ArtifactView;
}

/** A recorded data flow between two runs: run `from`'s output reached run `to`. */
export interface FlowView {
  from: string;
  to: string;
  kind: FlowKind;
  parameter?: string;
  path?: string;
}

/**
 * The run that produced (part of) an input, as recorded. `stepName` is null when that run is not on
 * this server (yet): its flow was recorded, its run-created event not.
 */
export interface ProducerView {
  runId: string;
  stepName: string | null;
  kind: FlowKind;
  path?: string;
}

/** A run that used an output, as recorded (`awaited`: a parent that awaited this run). */
export interface ConsumerView {
  runId: string;
  stepName: string | null;
  kind: FlowKind;
  parameter?: string;
  path?: string;
}

/**
 * An input of a run with its recorded producers. An empty list means no producer was recorded: a
 * constant, a value computed in the parent's body, or a run stored before flows were recorded. It
 * never means a guess.
 */
export interface InputPortView extends PortView {
  producers: ProducerView[];
  /** Present when the list was cut at its bound. */
  more?: true;
}

export interface OutputPortView extends PortView {
  consumers: ConsumerView[];
  more?: true;
}

/** How a run was reached in a lineage walk: a recorded flow, or a cache hit's original run. */
export type LineageStepKind = FlowKind | "cached";

/** One run of a run's upstream or downstream lineage. */
export interface LineageRunView {
  runId: string;
  /** 1 for a direct producer (or consumer), 2 for theirs, and so on. */
  depth: number;
  /** The run one step closer to the start that this run was reached from, and how. */
  via: { runId: string; kind: LineageStepKind };
  /** null when the run is named by a recorded flow but is not on this server. */
  run: RunView | null;
}

export interface LogLineView {
  seq: number;
  stream: "stdout" | "stderr";
  text: string;
  at: number;
}

export interface NoteView {
  id: number;
  runId: string;
  author: string;
  text: string;
  createdAt: number;
}
