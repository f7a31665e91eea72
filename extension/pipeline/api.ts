/**
 * The lineage server's routes the pipeline view and the comparison read, through the extension's
 * one client (token, timeout, actionable errors): a pipeline's runs and its metrics aggregated
 * for plotting across runs, one run's metrics, a root's graph, a run with its source text, an artifact's value, and
 * the notes pane's recorded time and author. Shapes are the wave-5 contract's (server/openapi.yaml).
 *
 * @example
 * ```ts
 * const api = new PipelineApi({ client });
 * const page = await api.pipelineSeries("trainPipeline"); // runs, and per metric one value per run
 * ```
 */
import type { LineageClient } from "../client";
import type { IArtifact, IRunWithPorts } from "../step/api";

/** One metric value (`Metric` in the OpenAPI file). */
export interface IMetric {
  readonly runId: string;
  readonly rootId: string;
  readonly name: string;
  readonly value: number;
  /** The step index of a curve within one run; null for a single value. */
  readonly step: number | null;
  readonly labels: Readonly<Record<string, string>>;
  readonly at: number;
}

/** A root run of a pipeline as its series page lists it (`PipelineSeriesRun`). */
export interface IPipelineSeriesRun {
  readonly rootId: string;
  readonly state: string;
  /** Its start (its creation if it never started). */
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly durationMs: number | null;
}

/** One metric with one label set across a page's runs (`MetricSeries`): `runs[k]` logged `values[k]` last. */
export interface IMetricSeries {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Indexes into the page's `runs`. */
  readonly runs: readonly number[];
  readonly values: readonly number[];
}

/** `GET /pipelines/{stepName}/series`: a pipeline's newest runs and its metrics across them. */
export interface IPipelineSeriesPage {
  readonly stepName: string;
  /** Newest first. */
  readonly runs: readonly IPipelineSeriesRun[];
  /** Resolved runs among the page's ended ones, 0..1; null when none has ended. */
  readonly successRate: number | null;
  /** All root runs of the pipeline. */
  readonly count: number;
  readonly series: readonly IMetricSeries[];
  /** Series the server left out (past its bound per page). */
  readonly omittedSeries: number;
  readonly nextCursor: string | null;
}

/** A root run of a pipeline as its series page lists it (`PipelineSeriesRun`). */
export interface IPipelineSeriesRun {
  readonly rootId: string;
  readonly state: string;
  /** Its start (its creation if it never started). */
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly durationMs: number | null;
}

/** One metric with one label set across a page's runs (`MetricSeries`): `runs[k]` logged `values[k]` last. */
export interface IMetricSeries {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Indexes into the page's `runs`. */
  readonly runs: readonly number[];
  readonly values: readonly number[];
}

/** `GET /pipelines/{stepName}/series`: a pipeline's newest runs and its metrics across them. */
export interface IPipelineSeriesPage {
  readonly stepName: string;
  /** Newest first. */
  readonly runs: readonly IPipelineSeriesRun[];
  /** Resolved runs among the page's ended ones, 0..1; null when none has ended. */
  readonly successRate: number | null;
  /** All root runs of the pipeline. */
  readonly count: number;
  readonly series: readonly IMetricSeries[];
  /** Series the server left out (past its bound per page). */
  readonly omittedSeries: number;
  readonly nextCursor: string | null;
}

/** One root run of a pipeline, as its summary lists it. */
export interface IPipelineRun {
  readonly rootId: string;
  readonly state: string;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly durationMs: number | null;
  readonly mode?: string | null;
  readonly executor?: string | null;
}

/** `GET /pipelines/{stepName}/summary`: newest runs first. */
export interface IPipelineSummary {
  readonly stepName: string;
  readonly runs: readonly IPipelineRun[];
  /** Resolved runs among the ended ones, 0..1; null when none has ended. */
  readonly successRate: number | null;
  readonly count: number;
}

/** A root run's whole graph (`Graph` in the OpenAPI file), the parts the comparison reads. */
export interface IRootGraph {
  readonly runs: readonly IGraphRunRecord[];
  readonly edges: readonly IGraphPortEdge[];
  readonly artifacts: readonly IArtifact[];
}

export interface IGraphRunRecord {
  readonly id: string;
  readonly parentId: string | null;
  readonly stepName: string;
  readonly state: string;
  readonly sourceHash: string;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
}

export interface IGraphPortEdge {
  readonly runId: string;
  readonly direction: "input" | "output";
  readonly name: string;
  readonly artifactId: string;
}

/** `GET /runs/{rootId}/notes-pane`: the shared notes of a root run as the server last stored them. */
export interface INotesPane {
  readonly text: string;
  readonly updatedAt: number | null;
  readonly author: string | null;
}

export class PipelineApi {
  constructor(options: PipelineApi.IOptions) {
    this._client = options.client;
  }

  get serverUrl(): string {
    return this._client.serverUrl;
  }

  /**
   * The pipeline's newest `limit` root runs (at most 1,000) and, per metric and label set, each
   * run's last value: what the view plots, aggregated by the server (one answer, not every point).
   */
  async pipelineSeries(
    stepName: string,
    options: { limit?: number; signal?: AbortSignal } = {},
  ): Promise<IPipelineSeriesPage> {
    const limit = Math.min(Math.max(1, options.limit ?? 1000), 1000);
    const query = new URLSearchParams({ limit: String(limit) });
    return (await this._json(
      `/api/v1/pipelines/${encodeURIComponent(stepName)}/series?${query.toString()}`,
      options.signal,
    )) as IPipelineSeriesPage;
  }

  /** The metrics of a run and its descendants, in the order they were logged. */
  async runMetrics(runId: string, signal?: AbortSignal): Promise<IMetric[]> {
    const body = (await this._json(
      `/api/v1/runs/${encodeURIComponent(runId)}/metrics`,
      signal,
    )) as { metrics: IMetric[] };
    return body.metrics;
  }

  /** A root run's graph: its runs (with source hashes), their ports and the artifacts' summaries. */
  async graph(rootId: string, signal?: AbortSignal): Promise<IRootGraph> {
    return (await this._json(
      `/api/v1/runs/${encodeURIComponent(rootId)}/graph`,
      signal,
    )) as IRootGraph;
  }

  /** One run with its source text and ports. */
  async run(runId: string, signal?: AbortSignal): Promise<IRunWithPorts> {
    return (await this._json(`/api/v1/runs/${encodeURIComponent(runId)}`, signal)) as IRunWithPorts;
  }

  /** An artifact's value as text (JSON artifacts: small values, read whole). */
  async artifactText(artifactId: string, signal?: AbortSignal): Promise<string> {
    const response = await this._client.request(
      `/api/v1/artifacts/${encodeURIComponent(artifactId)}/value`,
      { accept: "*/*", timeoutMs: 10_000, ...(signal ? { signal } : {}) },
    );
    return response.text();
  }

  /** The notes pane's text, time and author as the server stored them (empty when none). */
  async notesPane(rootId: string, signal?: AbortSignal): Promise<INotesPane> {
    return (await this._json(
      `/api/v1/runs/${encodeURIComponent(rootId)}/notes-pane`,
      signal,
    )) as INotesPane;
  }

  private _json(path: string, signal?: AbortSignal): Promise<unknown> {
    return this._client.requestJson(path, {
      timeoutMs: 10_000,
      notFoundHint:
        " (it may belong to another lineage server: check the server URL in Settings › Tsematic)",
      ...(signal ? { signal } : {}),
    });
  }

  private readonly _client: LineageClient;
}

export namespace PipelineApi {
  export interface IOptions {
    /** The extension's one client (ILineageClient). */
    client: LineageClient;
  }
}
