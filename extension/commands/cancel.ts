/**
 * `POST /api/v1/runs/{rootId}/cancel`: ask a pipeline's client to stop it, through the extension's
 * one request path ({@link LineageClient.request}). Failures are {@link LineageServerError}s whose
 * message says what to do next, like the runs panel's.
 */
import { type LineageClient, LineageServerError } from "../client";
import type * as wire from "../wire";

/**
 * The server's answer (`CancelAnswer` in server/openapi.yaml): `status` `active`, the client will
 * stop at its next heartbeat; `abandoned`, the client was gone, and the server canceled
 * `canceledRuns` runs itself.
 */
export type ICancelAnswer = Pick<wire.CancelAnswer, "status" | "canceledRuns">;

/**
 * Request the cancellation of a root run.
 *
 * @example
 * ```ts
 * const answer = await cancelRootRun(client, rootId);
 * console.log(describeCancel(rootId, answer));
 * ```
 */
export async function cancelRootRun(client: LineageClient, rootId: string): Promise<ICancelAnswer> {
  const path = `/api/v1/runs/${encodeURIComponent(rootId)}/cancel`;
  let body: unknown;
  try {
    body = await client.requestJson(path, { method: "POST" });
  } catch (error) {
    throw Private.explain(error, rootId);
  }
  if (typeof body !== "object" || body === null) {
    throw new LineageServerError(
      "bad-response",
      client.serverUrl,
      `The lineage server at ${client.serverUrl} sent a response to POST ${path} that is not ` +
        "an object: is this URL really a Tsematic lineage server?",
    );
  }
  const answer = body as Record<string, unknown>;
  return {
    status:
      answer.status === "finished" || answer.status === "abandoned" ? answer.status : "active",
    canceledRuns: typeof answer.canceledRuns === "number" ? answer.canceledRuns : 0,
  };
}

/** What the user is told after a successful request. */
export function describeCancel(rootId: string, answer: ICancelAnswer): string {
  if (answer.canceledRuns > 0) {
    return (
      `Run ${rootId}: its notebook kernel is gone, so the lineage server canceled ` +
      `${answer.canceledRuns} open run(s).`
    );
  }
  if (answer.status === "finished") {
    return `Run ${rootId} had already finished.`;
  }
  return `Cancel requested for run ${rootId}: its steps stop at the kernel's next heartbeat.`;
}

namespace Private {
  /** A cancel's 404 and 409 say more than the generic message: which run, and why. */
  export function explain(error: unknown, rootId: string): unknown {
    if (!(error instanceof LineageServerError) || error.kind !== "http") {
      return error;
    }
    const { serverUrl, status, detail } = error;
    if (status === 404) {
      return new LineageServerError(
        "http",
        serverUrl,
        `The lineage server at ${serverUrl} has no run ${rootId}: the notebook may have reported ` +
          "it to another server; check the server URL in Settings › Tsematic.",
        404,
        detail,
      );
    }
    if (status === 409) {
      return new LineageServerError(
        "http",
        serverUrl,
        `Run ${rootId} cannot be canceled: ${detail || "it has already ended"}.`,
        409,
        detail,
      );
    }
    return error;
  }
}
