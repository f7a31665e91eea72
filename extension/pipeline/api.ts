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
import type { IRunWithPorts } from "../step/api";
import type * as wire from "../wire";

// The shapes below are the server's (openapi.yaml, generated into ../wire.ts).

/** One metric value (`Metric`): `step` null when the step logged none. */
export type IMetric = wire.Metric;

/** A root run of a pipeline as its series page lists it (`PipelineSeriesRun`). */
export type IPipelineSeriesRun = wire.PipelineSeriesRun;

/** One metric with one label set across a page's runs (`MetricSeries`): `runs[k]` logged `values[k]` last. */
export type IMetricSeries = wire.MetricSeries;

/** `GET /pipelines/{stepName}/series`: a pipeline's newest runs and its metrics across them. */
export type IPipelineSeriesPage = wire.PipelineSeriesPage;

/** `GET /runs/{rootId}/graph` (`Graph`). */
export type IRootGraph = wire.Graph;

/** A run of a root's graph (`Run`). */
export type IGraphRunRecord = wire.Run;

/** An input or output edge of a run (`Edge`). */
export type IGraphPortEdge = wire.Edge;

/** `GET /runs/{rootId}/notes-pane`: the shared notes of a root run as the server last stored them. */
export type INotesPane = wire.NotesPane;

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
    )) as wire.MetricList;
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
