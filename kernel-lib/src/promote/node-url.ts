/**
 * The URL a promoted run's jobs will call the lineage server back at, as the dialog shows it: the
 * user's choice (Settings › Tsematic › Cluster node URL) when it is one of the URLs the server's
 * operator configured for the executor (`GET /executors` → `nodeUrls`), else a problem that names
 * the allowed URLs and what to do. The server checks the same again when the run is submitted.
 *
 * @example
 * ```ts
 * callbackUrl(undefined, ["http://head:8765"], where); // { url: "http://head:8765", problem: null }
 * callbackUrl("http://laptop:8765", ["http://head:8765"], where); // { url: null, problem: "... (it allows: http://head:8765) ..." }
 * ```
 */

/** What the message names: the executor and the server that answered. */
export interface CallbackContext {
  executor: string;
  serverUrl: string;
}

/** A URL as the server compares it: origin and path, no trailing slash; null when not http(s). */
export function normalizedNodeUrl(text: string): string | null {
  try {
    const url = new URL(text);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return `${url.origin}${url.pathname}`.replace(/\/+$/, "");
  } catch {
    return null;
  }
}

/** The URL the jobs will call back, or why the chosen one cannot be used. */
export function callbackUrl(
  requested: string | undefined,
  allowed: readonly string[],
  where: CallbackContext,
): { url: string | null; problem: string | null } {
  if (allowed.length === 0) return { url: null, problem: null };
  if (!requested) return { url: allowed[0]!, problem: null };
  const url = normalizedNodeUrl(requested);
  if (url !== null && allowed.includes(url)) return { url, problem: null };
  return {
    url: null,
    problem:
      `Settings › Tsematic › Cluster node URL is ${requested}, which the lineage server at ` +
      `${where.serverUrl} does not let the ${where.executor} executor's jobs call back ` +
      `(it allows: ${allowed.join(", ")}): choose one of these, or leave the setting empty for ` +
      `${allowed[0]}. To add a URL, the server's operator restarts it with --public-url URL.`,
  };
}
