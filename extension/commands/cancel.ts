/**
 * `POST /api/v1/runs/{rootId}/cancel`: ask a pipeline's client to stop it. Failures are
 * {@link LineageServerError}s whose message says what to do next, like the runs panel's.
 */
import { LineageServerError } from "../client";

/** The server's answer (CancelAnswer in server/openapi.yaml). */
export interface ICancelAnswer {
  /** `active`: the client will stop at its next heartbeat; `abandoned`: the client was gone. */
  readonly status: "active" | "finished" | "abandoned" | string;
  /** Runs the server canceled itself because the client was gone. */
  readonly canceledRuns: number;
}

export interface ICancelOptions {
  readonly serverUrl: string;
  readonly token: string;
  readonly rootId: string;
  /** Replaces `window.fetch` (tests). */
  readonly fetch?: (input: string, init: RequestInit) => Promise<Response>;
  readonly timeoutMs?: number;
}

/**
 * Request the cancellation of a root run.
 *
 * @example
 * ```ts
 * const answer = await cancelRootRun({ serverUrl, token, rootId });
 * console.log(describeCancel(rootId, answer));
 * ```
 */
export async function cancelRootRun(options: ICancelOptions): Promise<ICancelAnswer> {
  const { serverUrl, token, rootId } = options;
  const call = options.fetch ?? ((input: string, init: RequestInit) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 5000;
  const path = `/api/v1/runs/${encodeURIComponent(rootId)}/cancel`;
  const headers: Record<string, string> = { Accept: "application/json" };
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  let response: Response;
  try {
    response = await call(serverUrl + path, {
      method: "POST",
      headers,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch {
    throw await Private.unreachableOrOrigin(serverUrl, call, timeoutMs);
  }
  if (response.status === 401 || response.status === 403) {
    throw LineageServerError.unauthorized(serverUrl, response.status);
  }
  if (response.status === 404) {
    throw new LineageServerError(
      "http",
      serverUrl,
      `The lineage server at ${serverUrl} has no run ${rootId}: the notebook may have reported ` +
        "it to another server; check the server URL in Settings › Tsematic.",
      404,
    );
  }
  if (response.status === 409) {
    const detail = await Private.errorDetail(response);
    throw new LineageServerError(
      "http",
      serverUrl,
      `Run ${rootId} cannot be canceled: ${detail || "it has already ended"}.`,
      409,
    );
  }
  if (!response.ok) {
    const detail = await Private.errorDetail(response);
    throw new LineageServerError(
      "http",
      serverUrl,
      `The lineage server at ${serverUrl} answered HTTP ${response.status} to POST ${path}` +
        (detail ? `: ${detail}` : "."),
      response.status,
    );
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (typeof body !== "object" || body === null) {
    throw new LineageServerError(
      "bad-response",
      serverUrl,
      `The lineage server at ${serverUrl} sent a response to POST ${path} that is not JSON: ` +
        "is this URL really a Tsematic lineage server?",
    );
  }
  const answer = body as Record<string, unknown>;
  return {
    status: typeof answer.status === "string" ? answer.status : "active",
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
  /** fetch rejects alike for refused connections and CORS refusals; an opaque probe tells them apart. */
  export async function unreachableOrOrigin(
    serverUrl: string,
    call: (input: string, init: RequestInit) => Promise<Response>,
    timeoutMs: number,
  ): Promise<LineageServerError> {
    const origin = typeof location === "undefined" ? "" : location.origin;
    if (origin) {
      try {
        await call(`${serverUrl}/api/v1/health`, {
          mode: "no-cors",
          signal: AbortSignal.timeout(timeoutMs),
        });
        return LineageServerError.originNotAllowed(serverUrl, origin);
      } catch {
        // Nothing answers: unreachable.
      }
    }
    return LineageServerError.unreachable(serverUrl);
  }

  export async function errorDetail(response: Response): Promise<string> {
    try {
      const body = (await response.json()) as Record<string, unknown>;
      const error = body.error;
      if (typeof body.message === "string") return body.message;
      if (typeof error === "string") return error;
      if (typeof error === "object" && error !== null) {
        const message = (error as Record<string, unknown>).message;
        return typeof message === "string" ? message : "";
      }
    } catch {
      // Not JSON.
    }
    return "";
  }
}
