/**
 * The lineage server's routes the step panel reads: a run with its ports, its logs, artifact
 * summaries and artifact bytes (streamed). Failures are {@link LineageServerError}s with a message
 * a user can act on, the same as the runs panel's.
 *
 * @example
 * ```ts
 * const api = new StepApi({ client }); // the one ILineageClient
 * const { run, outputs } = await api.run(runId);
 * const response = await api.artifactValue(outputs[0].artifact.id); // Arrow IPC, streamed
 * ```
 */
import type { LineageClient } from "../client";
import type * as wire from "../wire";
import {
  flowFromJson,
  graphRunFromJson,
  type IGraphEdge,
  type IGraphRun,
  RunGraphData,
} from "../graph/model";

export type { IAttempt } from "./attempts";
export type { IJobFailure } from "./failure";

// The shapes below are the server's (openapi.yaml, generated into ../wire.ts), named as the panel
// uses them.

/** An artifact as the server describes it (`Artifact`; `GET /artifacts/{id}` adds `stored`). */
export type IArtifact = wire.Artifact & { readonly stored?: boolean };

/** How a value reached a run (`FlowKind`). */
export type PortFlowKind = wire.FlowKind;

/** A recorded producer of (part of) an input (`Producer`; `stepName` null: not on this server). */
export type IPortProducer = wire.Producer;

/** A recorded consumer of an output (`Consumer`). */
export type IPortConsumer = wire.Consumer;

/**
 * An input or output of a run: `InputPort` with its recorded `producers`, or `OutputPort` with its
 * `consumers`; `more` when the list was cut at its bound.
 */
export type IPort = wire.Port & {
  readonly producers?: readonly IPortProducer[];
  readonly consumers?: readonly IPortConsumer[];
  readonly more?: true;
};

/** Where a root run came from (`Root.environment`). */
export type IRootEnvironment = wire.Root["environment"];

/** A run's error (`ErrorInfo`). */
export type IRunError = wire.ErrorInfo;

/** A run with its source text and attempts (`RunDetail`). */
export type IRunDetail = wire.RunDetail;

/** `GET /runs/{runId}` (`RunWithPorts`). */
export type IRunWithPorts = wire.RunWithPorts;

export type ILogLine = wire.LogLine;

/** `GET /runs/{runId}/logs` (`LogPage`). */
export type ILogPage = wire.LogPage;

/**
 * Reads runs and artifacts through the extension's one client, so changed settings apply at once.
 */
export class StepApi {
  constructor(options: StepApi.IOptions) {
    this._client = options.client;
    this._timeoutMs = options.timeoutMs ?? 10_000;
  }

  get serverUrl(): string {
    return this._client.serverUrl;
  }

  /** The bearer token, for requests the panel makes itself (empty for another server). */
  get token(): string {
    return this._client.token;
  }

  async run(runId: string, signal?: AbortSignal): Promise<IRunWithPorts> {
    return (await (
      await this._get(`/api/v1/runs/${encodeURIComponent(runId)}`, "application/json", signal)
    ).json()) as IRunWithPorts;
  }

  /**
   * The notebook the run's pipeline was started from (its root's `environment.notebookPath`),
   * null when unknown (a script, or a run recorded before notebook paths were).
   */
  async notebookPath(detail: IRunWithPorts, signal?: AbortSignal): Promise<string | null> {
    const root =
      detail.run.rootId === detail.run.id || !detail.run.rootId
        ? detail
        : await this.run(detail.run.rootId, signal);
    const path = root.root?.environment?.notebookPath;
    return typeof path === "string" && path !== "" ? path : null;
  }

  /**
   * What explains a canceled run: its root's graph (runs and recorded flows) and whether a user
   * asked the root to cancel (`GET /runs/{rootId}/graph`).
   */
  async cancelContext(
    rootId: string,
    signal?: AbortSignal,
  ): Promise<{ graph: RunGraphData; cancelRequested: boolean }> {
    const body = (await (
      await this._get(
        `/api/v1/runs/${encodeURIComponent(rootId)}/graph`,
        "application/json",
        signal,
      )
    ).json()) as { root?: { cancelRequested?: unknown }; runs?: unknown[]; flows?: unknown[] };
    const runs = (body.runs ?? []).map(graphRunFromJson).filter((r): r is IGraphRun => r !== null);
    const flows = (body.flows ?? []).map(flowFromJson).filter((f): f is IGraphEdge => f !== null);
    return {
      graph: RunGraphData.fromFlows(rootId, runs, flows),
      cancelRequested: body.root?.cancelRequested === true,
    };
  }

  /** Log lines after `cursor` (a line's `seq`, or a page's `nextCursor`), oldest first. */
  async logs(
    runId: string,
    cursor: string | null,
    limit = 200,
    signal?: AbortSignal,
  ): Promise<ILogPage> {
    const query = new URLSearchParams({ limit: String(limit) });
    if (cursor) {
      query.set("cursor", cursor);
    }
    const path = `/api/v1/runs/${encodeURIComponent(runId)}/logs?${query.toString()}`;
    return (await (await this._get(path, "application/json", signal)).json()) as ILogPage;
  }

  async artifact(artifactId: string, signal?: AbortSignal): Promise<IArtifact> {
    return (await (
      await this._get(`/api/v1/artifacts/${artifactId}`, "application/json", signal)
    ).json()) as IArtifact;
  }

  /** The artifact's bytes as a response whose body is still streaming (no timeout on the body). */
  artifactValue(artifactId: string, signal?: AbortSignal): Promise<Response> {
    return this._get(`/api/v1/artifacts/${artifactId}/value`, "*/*", signal);
  }

  private _get(path: string, accept = "application/json", signal?: AbortSignal): Promise<Response> {
    return this._client.request(path, {
      accept,
      ...(signal ? { signal } : {}),
      notFoundHint:
        " (it may belong to another lineage server: check the server URL in Settings › Tsematic)",
      // A step's run and its artifacts' headers may take longer than the runs list.
      timeoutMs: this._timeoutMs,
    });
  }

  private readonly _client: LineageClient;
  private readonly _timeoutMs: number;
}

export namespace StepApi {
  export interface IOptions {
    /** The client of the lineage server: the extension's one (ILineageClient). */
    client: LineageClient;
    /** How long to wait for each answer's headers. Default 10 s. */
    timeoutMs?: number;
  }
}
