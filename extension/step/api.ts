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
import {
  flowFromJson,
  graphRunFromJson,
  type IGraphEdge,
  type IGraphRun,
  RunGraphData,
} from "../graph/model";
import type { IAttempt } from "./attempts";
import type { IJobFailure } from "./failure";

export type { IAttempt } from "./attempts";
export type { IJobFailure } from "./failure";

/** An artifact as the server describes it (`Artifact` in the OpenAPI file). */
export interface IArtifact {
  readonly id: string;
  /** The kernel-lib type name: `json`, `arrow.table`, `plot.vega-lite`, `image.png`, ... */
  readonly typeName: string;
  readonly mediaType: string;
  readonly size: number;
  readonly summary: Record<string, unknown>;
  /** Whether the bytes are on the server (`GET /artifacts/{id}` only; they upload apart). */
  readonly stored?: boolean;
}

/** How a value reached a run (kernel-lib's `FlowKind`). */
export type PortFlowKind = "future" | "reference" | "parent" | "awaited" | string;

/** The run whose output an input came from (a recorded flow). */
export interface IPortProducer {
  readonly runId: string;
  readonly stepName: string;
  readonly kind: PortFlowKind;
  /** Where inside the argument the value went (`xs[2]`). */
  readonly path?: string;
}

/** A run that used an output (a recorded flow). */
export interface IPortConsumer {
  readonly runId: string;
  readonly stepName: string;
  readonly kind: PortFlowKind;
  readonly parameter?: string;
  readonly path?: string;
}

/**
 * A named input or output of a run. Inputs name the runs that produced them, outputs the runs
 * that used them, as recorded (absent for rows stored before flows were: "producer unknown").
 */
export interface IPort {
  readonly name: string;
  readonly artifact: IArtifact;
  /** Inputs: the producing runs (at most 100). */
  readonly producers?: readonly IPortProducer[];
  /** Outputs: the consuming runs (at most 100). */
  readonly consumers?: readonly IPortConsumer[];
  /** The list was cut at its bound. */
  readonly more?: boolean;
}

/** The environment of a root run (`Root.environment`). */
export interface IRootEnvironment {
  readonly notebookPath?: string | null;
  readonly gitCommit?: string | null;
  readonly hostname?: string | null;
}

export interface IRunError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly stepName: string;
  readonly runId: string;
  /** Set when the run failed because its job did: the failure class (see step/failure.ts). */
  readonly failure?: IJobFailure;
}

/** `RunDetail` in the OpenAPI file. */
export interface IRunDetail {
  readonly id: string;
  readonly rootId: string;
  readonly parentId: string | null;
  readonly stepName: string;
  readonly state: string;
  readonly attempt: number;
  readonly sourceHash: string;
  readonly sourceText: string;
  /** The TypeScript the step was written as, when known (a notebook cell's text). */
  readonly sourceTypeScript?: string;
  /** The execution count of the notebook cell that holds `sourceTypeScript`. */
  readonly sourceCell?: number;
  readonly version: string | null;
  readonly cache: boolean;
  readonly tags: readonly string[];
  readonly resources: { cpus?: number; memoryMiB?: number; gpus?: number };
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly cacheKey: string | null;
  readonly originalRunId: string | null;
  readonly error: IRunError | null;
  /** Each attempt of a retried run (absent from servers older than attempts; empty: ran once). */
  readonly attempts?: readonly IAttempt[];
}

/** `RunWithPorts`: `GET /api/v1/runs/{id}`. */
export interface IRunWithPorts {
  readonly run: IRunDetail;
  /** The resolution's details when the run is a root run, else null. */
  readonly root?: { readonly environment?: IRootEnvironment } | null;
  readonly inputs: readonly IPort[];
  readonly outputs: readonly IPort[];
  readonly childIds: readonly string[];
}

export interface ILogLine {
  readonly seq: number;
  readonly stream: "stdout" | "stderr";
  readonly text: string;
  readonly at: number;
}

export interface ILogPage {
  readonly lines: readonly ILogLine[];
  readonly nextCursor: string | null;
}

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
