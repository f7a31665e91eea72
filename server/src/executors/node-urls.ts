/**
 * The URLs an executor's jobs may call the server back at (design.md, "Cloud runs": "a cluster
 * needs `--host` and a public URL the nodes use"). A job's worker sends its worker token to that
 * URL with every report, so the server's operator decides the list (`--public-url`, repeatable; the
 * first is the default) and a request can only pick one of them: a URL outside the list is refused,
 * never passed on to a job.
 *
 * @example
 * ```ts
 * const urls = [parsePublicUrl("http://head.cluster:8765/", "--public-url")]; // "http://head.cluster:8765"
 * chooseNodeUrl("slurm", urls, undefined); // "http://head.cluster:8765" (the default)
 * chooseNodeUrl("slurm", urls, "http://elsewhere:1"); // throws a 400 naming the allowed URLs
 * ```
 */
import { ApiError } from "../http/errors";

/** Longest URL accepted, as a flag or in a request. */
export const MAX_NODE_URL_LENGTH = 2048;
/** Most `--public-url` flags one server takes. */
export const MAX_NODE_URLS = 16;

/**
 * `text` as a node URL (no trailing slash), or an Error saying what is wrong with it: it must be an
 * absolute http(s) URL of at most {@link MAX_NODE_URL_LENGTH} characters, without user name or
 * password (a credential in a URL would travel to every job), query or fragment.
 */
export function nodeUrlProblem(text: string): { url: string } | { problem: string } {
  if (text.length > MAX_NODE_URL_LENGTH) {
    return { problem: `is ${text.length} characters long (at most ${MAX_NODE_URL_LENGTH})` };
  }
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return { problem: "is not an absolute URL (e.g. http://head-node:8765)" };
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    return { problem: `uses ${parsed.protocol.replace(/:$/, "")}: use an http or https URL` };
  }
  if (parsed.username || parsed.password) {
    return {
      problem:
        "carries a user name or password: give the URL alone (jobs authenticate with their own token)",
    };
  }
  if (parsed.search || parsed.hash) {
    return { problem: "has a query or fragment: give the server's base URL alone" };
  }
  return { url: `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, "") };
}

/** A `--public-url` flag's value, normalized; throws an Error naming the flag and the problem. */
export function parsePublicUrl(text: string, flag: string): string {
  const checked = nodeUrlProblem(text);
  if ("problem" in checked) {
    throw new Error(`${flag} "${shown(text)}" ${checked.problem}`);
  }
  return checked.url;
}

/**
 * The URL a root's jobs on `executor` call back: `requested` when it is one of `allowed` (compared
 * normalized), the first of `allowed` when nothing is requested.
 *
 * @throws ApiError 400 `bad_node_url` for a malformed URL, `node_url_not_allowed` for one outside
 * the list, naming the allowed URLs and what to do.
 */
export function chooseNodeUrl(
  executor: string,
  allowed: readonly string[],
  requested: string | undefined,
): string {
  if (requested === undefined) return allowed[0]!;
  const checked = nodeUrlProblem(requested);
  if ("problem" in checked) {
    throw ApiError.badRequest(
      "bad_node_url",
      `nodeUrl "${shown(requested)}" ${checked.problem}: leave it out to use ${allowed[0]}`,
    );
  }
  if (!allowed.includes(checked.url)) {
    throw ApiError.badRequest(
      "node_url_not_allowed",
      `nodeUrl "${checked.url}" is not a URL this server lets the ${executor} executor's jobs call ` +
        `back (allowed: ${allowed.join(", ")}): choose one of them, or leave it out for ${allowed[0]}; ` +
        "the server's operator adds one with --public-url URL",
    );
  }
  return checked.url;
}

/** A URL as an error message quotes it: bounded, so a huge input does not fill the log. */
function shown(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
