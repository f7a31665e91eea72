/**
 * `GET /api/v1/runs/{id}/graph`, the polling fallback of the live graph, through the extension's
 * one request path ({@link LineageClient.request}): token, timeout and actionable errors.
 */
import type { LineageClient } from "../client";
import {
  graphRunFromJson,
  portFromJson,
  type IGraphRun,
  type IPortEdge,
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
  })) as { runs?: unknown[]; edges?: unknown[] } | null;
  const runs = (body?.runs ?? []).map(graphRunFromJson).filter((r): r is IGraphRun => r !== null);
  const ports = (body?.edges ?? []).map(portFromJson).filter((p): p is IPortEdge => p !== null);
  return RunGraphData.fromPorts(rootId, runs, ports);
}
