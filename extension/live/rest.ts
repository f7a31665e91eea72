/**
 * `GET /api/v1/runs/{id}/graph`, the polling fallback of the live graph, with the same actionable
 * errors as the rest of the extension's transport.
 */
import { LineageServerError } from "../client";
import type { ITsematicSettings } from "../settings";
import {
  graphRunFromJson,
  portFromJson,
  type IGraphRun,
  type IPortEdge,
  RunGraphData,
} from "../graph/model";

/** Fetches the whole graph of a root run. */
export async function fetchRunGraph(
  settings: ITsematicSettings,
  rootId: string,
  timeoutMs = 5000,
): Promise<RunGraphData> {
  const { serverUrl, token } = settings;
  const headers: Record<string, string> = { Accept: "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(`${serverUrl}/api/v1/runs/${encodeURIComponent(rootId)}/graph`, {
      headers,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    throw LineageServerError.unreachable(serverUrl);
  }
  if (response.status === 401 || response.status === 403) {
    throw LineageServerError.unauthorized(serverUrl, response.status);
  }
  if (!response.ok) {
    throw new LineageServerError(
      "http",
      serverUrl,
      `The lineage server at ${serverUrl} answered HTTP ${response.status} for the graph of run ` +
        `${rootId}` +
        (response.status === 404 ? ": it does not know this run (another server's data?)." : "."),
      response.status,
    );
  }
  const body = (await response.json()) as { runs?: unknown[]; edges?: unknown[] };
  const runs = (body.runs ?? []).map(graphRunFromJson).filter((r): r is IGraphRun => r !== null);
  const ports = (body.edges ?? []).map(portFromJson).filter((p): p is IPortEdge => p !== null);
  return RunGraphData.fromPorts(rootId, runs, ports);
}
