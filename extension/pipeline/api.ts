/**
 * The lineage server's routes the pipeline view and the comparison read, through the extension's
 * one client (token, timeout, actionable errors): a pipeline's summary and metrics (paged by root
 * run), one run's metrics, a root's graph, a run with its source text, an artifact's value, and
 * the notes pane's recorded time and author. Shapes are the wave-5 contract's (server/openapi.yaml).
 *
 * @example
 * ```ts
 * const api = new PipelineApi({ client });
 * const summary = await api.summary("trainPipeline", 1000);
 * const metrics = await api.pipelineMetrics("trainPipeline");
 * ```
 */
import type { LineageClient } from "../client";
import type { IRunWithPorts } from "../step/api";
import type * as wire from "../wire";

// The shapes below are the server's (openapi.yaml, generated into ../wire.ts).

/** One metric value (`Metric`): `step` null when the step logged none. */
export type IMetric = wire.Metric;

/** A metric with its root run's state and start (`PipelineMetric`), for charts across runs. */
export type IPipelineMetric = wire.PipelineMetric;

/** One root run of a pipeline (`PipelineRun`). */
export type IPipelineRun = wire.PipelineRun;

/** `GET /pipelines/{stepName}/summary` (`PipelineSummary`; `successRate` null before any ended). */
export type IPipelineSummary = wire.PipelineSummary;

/** `GET /runs/{rootId}/graph` (`Graph`). */
export type IRootGraph = wire.Graph;

/** A run of a root's graph (`Run`). */
export type IGraphRunRecord = wire.Run;

/** An input or output edge of a run (`Edge`). */
export type IGraphPortEdge = wire.Edge;

/** `GET /runs/{rootId}/notes-pane`: the shared notes of a root run as the server last stored them. */
export type INotesPane = wire.NotesPane;

/** The most metrics the view reads for one pipeline (pages of the server's listing). */
export const MAX_PIPELINE_METRICS = 200_000;

export class PipelineApi {
  constructor(options: PipelineApi.IOptions) {
    this._client = options.client;
  }

  get serverUrl(): string {
    return this._client.serverUrl;
  }

  /** The pipeline's newest `limit` root runs (at most 1,000), with its success rate. */
  async summary(stepName: string, limit = 1000, signal?: AbortSignal): Promise<IPipelineSummary> {
    const query = new URLSearchParams({ limit: String(Math.min(Math.max(1, limit), 1000)) });
    return (await this._json(
      `/api/v1/pipelines/${encodeURIComponent(stepName)}/summary?${query.toString()}`,
      signal,
    )) as IPipelineSummary;
  }

  /**
   * Every metric of the pipeline's runs (newest roots first, page after page), up to
   * {@link MAX_PIPELINE_METRICS}; `name` keeps one metric only.
   */
  async pipelineMetrics(
    stepName: string,
    options: { name?: string; pageSize?: number; signal?: AbortSignal } = {},
  ): Promise<IPipelineMetric[]> {
    const all: IPipelineMetric[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ limit: String(options.pageSize ?? 1000) });
      if (options.name) {
        query.set("name", options.name);
      }
      if (cursor) {
        query.set("cursor", cursor);
      }
      const page = (await this._json(
        `/api/v1/pipelines/${encodeURIComponent(stepName)}/metrics?${query.toString()}`,
        options.signal,
      )) as wire.PipelineMetricPage;
      all.push(...page.metrics);
      cursor = page.nextCursor;
    } while (cursor !== null && all.length < MAX_PIPELINE_METRICS);
    return all;
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
