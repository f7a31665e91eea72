/**
 * `GET /api/v1/runs/{id}/graph`, the polling fallback of the live graph, through the extension's
 * one request path ({@link LineageClient.request}): token, timeout and actionable errors. Edges
 * are the answer's recorded `flows`.
 */
import type { LineageClient } from "../client";
import {
  flowFromJson,
  graphRunFromJson,
  type IGraphEdge,
  type IGraphRun,
  RunGraphData,
} from "../graph/model";

/** Fetches the whole graph of a root run. */
export async function fetchRunGraph(
  client: LineageClient,
  rootId: string,
  signal?: AbortSignal,
): Promise<RunGraphData> {
  const body = (await client.requestJson(`/api/v1/runs/${encodeURIComponent(rootId)}/graph`, {
    notFoundHint: " (a run of another lineage server? check the server URL in Settings › Tsematic)",
    ...(signal ? { signal } : {}),
  })) as { runs?: unknown[]; flows?: unknown[] } | null;
  const runs = (body?.runs ?? []).map(graphRunFromJson).filter((r): r is IGraphRun => r !== null);
  // Only the recorded flows: a server without them (older) draws no arrows, never guessed ones.
  const flows = (body?.flows ?? []).map(flowFromJson).filter((f): f is IGraphEdge => f !== null);
  return RunGraphData.fromFlows(rootId, runs, flows);
}
