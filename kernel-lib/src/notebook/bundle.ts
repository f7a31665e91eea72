/**
 * The run view's MIME bundle: what `await pipeline(...)` displays in a notebook cell's output.
 *
 * Version 1 of `application/vnd.tsematic.run.v1+json`. The JupyterLab extension renders it as a live
 * run graph (subscribing to the server when `serverUrl` is set, else showing this snapshot); other
 * front-ends show the `text/plain` progress line sent in the same bundle. Fields are only ever added
 * within a version; a change that breaks readers gets a new MIME type.
 *
 * @example
 * ```json
 * {
 *   "version": 1, "rootId": "r-1f3a", "stepName": "pipeline", "mode": "local",
 *   "serverUrl": "http://127.0.0.1:8470", "state": "running", "final": false,
 *   "progress": { "total": 3, "done": 1, "running": 2, "failed": 0, "cached": 0 },
 *   "runs": [{ "id": "r-1f3a", "name": "pipeline", "state": "running", "parentId": null, ... }],
 *   "edges": [{ "from": "r-77c0", "to": "r-91d2", "kind": "future", "parameter": "data",
 *              "path": "data", "artifactId": "a-…" }]
 * }
 * ```
 */
import type { ArtifactSummary } from "../types/artifact";
import type { FlowKind, RunMode, RunState } from "../events";
import type { RunViewMimeType } from "../wire";

/** The versioned MIME type of the run view (openapi.yaml: RunViewMimeType). */
export const RUN_VIEW_MIME_TYPE: RunViewMimeType = "application/vnd.tsematic.run.v1+json";

/** At most this many artifact summaries travel in a silent run's bundle. */
export const RUN_VIEW_ARTIFACT_LIMIT = 2_000;

/**
 * At most this many runs travel in a bundle's `runs`, whatever the run's size: the bundle is copied
 * through JSON several times per render and saved in the notebook (issue 11). The rest are counted
 * in `folds` and `omittedRuns`; a viewer that follows the server reads them there.
 */
export const RUN_VIEW_RUN_LIMIT = 500;

/** At most this many members of one fold travel in `runs` (the first page of an expanded fold). */
export const RUN_VIEW_FOLD_SAMPLE = 100;

/** At most this many edges travel in a bundle's `edges` (those among the runs it holds). */
export const RUN_VIEW_EDGE_LIMIT = 2_000;

/** Calls of one step under one parent beyond this many are a fold (extension/graph/fold.ts). */
export const RUN_VIEW_FOLD_ABOVE = 20;

/**
 * A uniform fan-out (the calls of step `name` directly under run `parentId`), counted: the bundle
 * holds only the first of its members in `runs`, and their number in each state here.
 */
export interface RunViewFold {
  parentId: string;
  name: string;
  /** All calls, those left out of `runs` included. */
  count: number;
  /** How many calls are in each state. */
  states: Partial<Record<RunState, number>>;
  /** Calls that reused cached outputs. */
  cached: number;
  /** Calls retried (attempt above 1). */
  retried: number;
}

/** A failure, trimmed for display. */
export interface RunViewError {
  /** The original error's class name. */
  name: string;
  message: string;
  /** The stack with only the user's frames (no Tsematic, Node or kernel internals). */
  stack: string;
  /** The step whose own code failed. */
  stepName: string;
  /** Step names from the root down to the failing step. */
  path: string[];
  runId: string;
}

/** One run (one step call) of the graph. */
export interface RunViewRun {
  id: string;
  name: string;
  state: RunState;
  parentId: string | null;
  /** 1 for the first try. */
  attempt: number;
  /** Epoch milliseconds. */
  createdAt: number;
  startedAt?: number;
  endedAt?: number;
  /** The outputs were reused from the cache (this run did not execute its body). */
  cached: boolean;
  /** Input artifact ids by parameter name. */
  inputs: Record<string, string>;
  output?: string;
  /** Only on runs whose own code failed. */
  error?: RunViewError;
}

/**
 * A recorded data flow from run `from` into run `to` (see {@link FlowKind}): never inferred from
 * equal artifact ids. `parameter` and `path` say where in `to`'s arguments the value went (absent for
 * `awaited`); `artifactId` is `from`'s output, once known.
 */
export interface RunViewEdge {
  from: string;
  to: string;
  kind: FlowKind;
  parameter?: string;
  path?: string;
  artifactId?: string;
}

/** What a silent run's view can show of an artifact without any server. */
export interface RunViewArtifact {
  typeName: string;
  size: number;
  summary: ArtifactSummary;
}

/** Counts over all runs of the graph (the root included), for the progress line. */
export interface RunViewProgress {
  /** Runs known so far (the graph grows while steps run). */
  total: number;
  /** Runs in a final state: resolved (cached included), failed, nested-failed, canceled. */
  done: number;
  running: number;
  /** Runs whose own code failed. */
  failed: number;
  cached: number;
}

/** The root run's output, once resolved. */
export interface RunViewOutput {
  artifactId: string;
  typeName: string;
  size: number;
  summary: ArtifactSummary;
}

export interface RunViewBundle {
  version: 1;
  rootId: string;
  /** Name of the root step. */
  stepName: string;
  mode: RunMode;
  /** Where the run is tracked; null for silent runs. */
  serverUrl: string | null;
  /** The root run's state. */
  state: RunState;
  /** The last update of this display: the root run has settled. */
  final: boolean;
  /** Epoch milliseconds of this snapshot. */
  updatedAt: number;
  progress: RunViewProgress;
  runs: RunViewRun[];
  /** The recorded flows between the runs (only among those in `runs`). */
  edges: RunViewEdge[];
  /**
   * The folds of the graph, counted over all their calls (bundles written before issue 11 have
   * none). Present when the graph has a fold.
   */
  folds?: RunViewFold[];
  /** How many runs of the graph `runs` leaves out (counted in `folds` and `progress`). */
  omittedRuns?: number;
  /** How many recorded flows `edges` leaves out (those with an end left out, or beyond the limit). */
  omittedEdges?: number;
  /**
   * Silent runs only (`mode: "silent"`, `serverUrl: null`): summaries of the runs' input and output
   * artifacts by id (the first {@link RUN_VIEW_ARTIFACT_LIMIT}), so the view can show a step's inputs
   * and outputs without a server.
   */
  artifacts?: Record<string, RunViewArtifact>;
  output?: RunViewOutput;
  /** The innermost failure, when the root run failed. */
  error?: RunViewError;
  /**
   * Runs that ended (canceled) while their code still ran in the kernel: it runs on until it checks
   * `runContext().signal`, or until the kernel restarts.
   */
  stillRunning?: { runId: string; stepName: string }[];
}
