/**
 * Transport to the lineage server's REST API (`/api/v1`, documented by the server's OpenAPI file).
 *
 * Every failure becomes a {@link LineageServerError} whose message says what to do next, because
 * the panels show it to the user as it is.
 *
 * @example
 * ```ts
 * const client = new LineageClient({ settings: () => current });
 * const runs = await client.listRuns();
 * ```
 */
import { type ITsematicSettings, tokenFor } from "./settings";
import type * as wire from "./wire";

/** Run states, as the server reports them (Sematic's states), in the order of a run's life. */
export const RUN_STATES = [
  "created",
  "scheduled",
  "running",
  "resolved",
  "failed",
  "nested-failed",
  "canceled",
  "retrying",
] as const satisfies readonly wire.RunState[];

/** openapi.yaml's `RunState` (generated into ./wire.ts). */
export type RunState = wire.RunState;

/** `true`: RUN_STATES names every state of openapi.yaml (the runs panel's state filter offers them all). */
const _allRunStates: Exclude<RunState, (typeof RUN_STATES)[number]> extends never ? true : false =
  true;

/** Whether each state is final: a state added to openapi.yaml fails to compile here until sorted. */
const STATE_ENDS = {
  created: false,
  scheduled: false,
  running: false,
  resolved: true,
  failed: true,
  "nested-failed": true,
  canceled: true,
  retrying: false,
} as const satisfies Record<RunState, boolean>;

/** States a run never leaves (the server's TERMINAL_STATES). */
export const ENDED_STATES: ReadonlySet<string> = new Set<RunState>(
  RUN_STATES.filter((state) => STATE_ENDS[state]),
);

/** One run as listed by `GET /api/v1/runs`. */
export interface IRunSummary {
  readonly id: string;
  /** The step's name (for a root run: the pipeline's name). */
  readonly name: string;
  readonly state: RunState | string;
  readonly rootId: string | null;
  readonly parentId: string | null;
  readonly tags: readonly string[];
  /** Milliseconds since the epoch, when the server says. */
  readonly createdAt: number | null;
  /** When it started and ended (milliseconds since the epoch), when known. */
  readonly startedAt?: number | null;
  readonly endedAt?: number | null;
  /** A root run's counts and first inputs (`GET /runs?root=true&summary=true`). */
  readonly summary?: IRunListSummary;
  /** A root run's mode (`local`, `cloud`, `silent`), when the server says. */
  readonly mode?: string;
  /** A root run's executor (of its first job), when a step ran as a job. */
  readonly executor?: string;
}

/** What tells pipeline runs apart in a list (the server's `RunListSummary`). */
export type IRunListSummary = wire.RunListSummary;

/** A page of runs and where the next one starts. */
export interface IRunPage {
  readonly runs: readonly IRunSummary[];
  /** Pass it as `cursor` for the next page; null after the last page. */
  readonly nextCursor: string | null;
}

/** Why a call to the lineage server failed. */
export type LineageErrorKind =
  "unreachable" | "origin-not-allowed" | "unauthorized" | "http" | "bad-response";

/** A failed call to the lineage server, with a message a user can act on. */
export class LineageServerError extends Error {
  override readonly name = "LineageServerError";

  constructor(
    readonly kind: LineageErrorKind,
    readonly serverUrl: string,
    message: string,
    readonly status?: number,
    /** The server's own explanation (its JSON error's message), empty when it gave none. */
    readonly detail = "",
    /** The server's error code and the request field it names (`bad_input`, `lr`). */
    readonly reason: { readonly code?: string; readonly parameter?: string } = {},
  ) {
    super(message);
  }

  static unreachable(serverUrl: string): LineageServerError {
    return new LineageServerError(
      "unreachable",
      serverUrl,
      `The lineage server is not reachable at ${serverUrl}: start it with \`npm start\` ` +
        "(from the Tsematic checkout), or set its URL in Settings › Tsematic.",
    );
  }

  static originNotAllowed(serverUrl: string, origin: string): LineageServerError {
    return new LineageServerError(
      "origin-not-allowed",
      serverUrl,
      `The lineage server at ${serverUrl} answers, but does not allow calls from this page ` +
        `(${origin}): start it with \`npm start\`, which allows this JupyterLab, or add ` +
        `\`--cors-origin ${origin}\` to \`tsematic server\`.`,
    );
  }

  static unauthorized(serverUrl: string, status: number): LineageServerError {
    return new LineageServerError(
      "unauthorized",
      serverUrl,
      `The lineage server at ${serverUrl} refused the token (HTTP ${status}): set the token that ` +
        "`npm start` prints (stored in the server's data directory) in Settings › Tsematic.",
      status,
    );
  }
}

/** A client of one lineage server; settings are read on every call, so changes apply at once. */
export class LineageClient {
  constructor(options: LineageClient.IOptions) {
    this._settings = options.settings;
    this._fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this._timeoutMs = options.timeoutMs ?? 5000;
  }

  /** The URL calls currently go to. */
  get serverUrl(): string {
    return this._settings().serverUrl;
  }

  /**
   * The bearer token for {@link LineageClient.serverUrl}, for a request made outside this client
   * (prefer {@link LineageClient.request}): empty unless that server is the configured one.
   */
  get token(): string {
    const settings = this._settings();
    return tokenFor(settings, settings.serverUrl);
  }

  /** `GET /api/v1/runs`: the first page of runs, newest first. */
  async listRuns(query: LineageClient.IRunQuery = {}): Promise<readonly IRunSummary[]> {
    return (await this.listRunPage(query)).runs;
  }

  /**
   * `GET /api/v1/runs`: one page of the runs that pass every filter given, newest first, and the
   * cursor of the next page (null after the last).
   */
  async listRunPage(query: LineageClient.IRunQuery = {}, signal?: AbortSignal): Promise<IRunPage> {
    const params = new URLSearchParams();
    if (query.rootsOnly) {
      params.set("root", "true");
      // Roots come with what tells them apart in a list (steps, cache hits, failures, inputs).
      params.set("summary", "true");
    }
    if (query.nameContains) {
      params.set("nameContains", query.nameContains);
    }
    if (query.states && query.states.length > 0) {
      params.set("state", query.states.join(","));
    }
    if (query.tag) {
      params.set("tag", query.tag);
    }
    if (query.mode) {
      params.set("mode", query.mode);
    }
    if (query.executor) {
      params.set("executor", query.executor);
    }
    if (query.limit !== undefined) {
      params.set("limit", String(query.limit));
    }
    if (query.cursor) {
      params.set("cursor", query.cursor);
    }
    const search = params.toString();
    const body = await this.requestJson(
      `/api/v1/runs${search ? `?${search}` : ""}`,
      signal ? { signal } : {},
    );
    return {
      runs: Private.parseRunList(body, this.serverUrl),
      nextCursor: Private.nextCursorOf(body),
    };
  }

  /**
   * One request to the server, with the token only when the server is the configured one
   * ({@link tokenFor}: a URL from a notebook's output never gets it). Only the wait for the headers times out (a large
   * artifact's body may stream for longer). Failures are {@link LineageServerError}s that say what
   * to do: start the server, allow this page's origin, fix the token.
   */
  async request(path: string, options: LineageClient.IRequestOptions = {}): Promise<Response> {
    const settings = this._settings();
    const { serverUrl } = settings;
    const token = tokenFor(settings, serverUrl);
    const method = options.method ?? "GET";
    const headers: Record<string, string> = { Accept: options.accept ?? "application/json" };
    if (token) {
      headers.Authorization = `Bearer ${token}`;
    }
    const init: RequestInit = { method, headers };
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(options.body);
    } else if (options.bytes !== undefined) {
      headers["Content-Type"] = "application/octet-stream";
      init.body = options.bytes as BodyInit;
    }
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), options.timeoutMs ?? this._timeoutMs);
    const abandon = (): void => timeout.abort();
    options.signal?.addEventListener("abort", abandon, { once: true });
    let response: Response;
    try {
      if (options.signal?.aborted) {
        throw new DOMException("aborted", "AbortError");
      }
      response = await this._fetch(serverUrl + path, { ...init, signal: timeout.signal });
    } catch {
      if (options.signal?.aborted) {
        throw new DOMException("aborted", "AbortError");
      }
      // fetch rejects with a bare TypeError for refused connections and CORS refusals alike; an
      // opaque request to the health route, which needs no CORS, tells them apart.
      const origin = Private.pageOrigin();
      if (origin && (await this._answers(serverUrl))) {
        throw LineageServerError.originNotAllowed(serverUrl, origin);
      }
      throw LineageServerError.unreachable(serverUrl);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", abandon);
    }
    if (response.status === 401 || response.status === 403) {
      throw LineageServerError.unauthorized(serverUrl, response.status);
    }
    if (!response.ok) {
      const { detail, ...reason } = await Private.errorDetail(response);
      const hint = response.status === 404 ? (options.notFoundHint ?? "") : "";
      throw new LineageServerError(
        "http",
        serverUrl,
        `The lineage server at ${serverUrl} answered HTTP ${response.status} to ${method} ${path}` +
          (detail ? `: ${detail}` : hint ? "" : ".") +
          hint,
        response.status,
        detail,
        reason,
      );
    }
    return response;
  }

  /**
   * {@link LineageClient.request}, then the body as JSON; a body that is not JSON is a
   * `bad-response` error (the URL is probably not a lineage server).
   */
  async requestJson(path: string, options: LineageClient.IRequestOptions = {}): Promise<unknown> {
    const serverUrl = this.serverUrl;
    const response = await this.request(path, options);
    try {
      return await response.json();
    } catch {
      if (options.signal?.aborted) {
        throw new DOMException("aborted", "AbortError");
      }
      throw new LineageServerError(
        "bad-response",
        serverUrl,
        `The lineage server at ${serverUrl} sent a response to ${options.method ?? "GET"} ${path} ` +
          "that is not JSON: is this URL really a Tsematic lineage server?",
      );
    }
  }

  /** Whether anything answers HTTP at the server's health route (the answer itself stays opaque). */
  private async _answers(serverUrl: string): Promise<boolean> {
    try {
      await this._fetch(`${serverUrl}/api/v1/health`, {
        mode: "no-cors",
        signal: AbortSignal.timeout(this._timeoutMs),
      });
      return true;
    } catch {
      return false;
    }
  }

  private readonly _settings: () => ITsematicSettings;
  private readonly _fetch: (input: string, init: RequestInit) => Promise<Response>;
  private readonly _timeoutMs: number;
}

export namespace LineageClient {
  /** How {@link LineageClient.request} asks. */
  export interface IRequestOptions {
    /** Default `GET`. */
    method?: "GET" | "POST" | "PUT" | "HEAD" | "DELETE";
    /** Sent as JSON (with its `Content-Type`) when given. */
    body?: unknown;
    /** Sent as they are (`application/octet-stream`) when given and `body` is not: an upload. */
    bytes?: Uint8Array;
    /** Default `application/json`. */
    accept?: string;
    /** Aborting it abandons the request (an `AbortError`, not a server error). */
    signal?: AbortSignal;
    /** Appended to the message of a 404, to say what else it may mean. */
    notFoundHint?: string;
    /** How long to wait for the headers; default the client's `timeoutMs`. */
    timeoutMs?: number;
  }

  /** Filters of `GET /api/v1/runs`; empty ones filter nothing. */
  export interface IRunQuery {
    /** Only root runs (pipelines), not their steps. */
    rootsOnly?: boolean;
    /** Part of the step name (for roots: the pipeline's name), in any case. */
    nameContains?: string;
    /** Runs in any of these states. */
    states?: readonly string[];
    /** Runs with this tag. */
    tag?: string;
    /** Runs of roots that ran in this mode (`local`, `cloud`). */
    mode?: string;
    /** Runs of roots that ran a job on this executor (`local`, `slurm`). */
    executor?: string;
    /** At most this many runs (the server's default is 50, its maximum 1000). */
    limit?: number;
    /** The `nextCursor` of the previous page. */
    cursor?: string | null;
  }

  export interface IOptions {
    /** Current settings; called on every request. */
    settings: () => ITsematicSettings;
    /** Replaces `window.fetch` (tests). */
    fetch?: (input: string, init: RequestInit) => Promise<Response>;
    /** Per-request timeout; a server that does not answer in time counts as unreachable. */
    timeoutMs?: number;
  }
}

namespace Private {
  type Json = Record<string, unknown>;

  const isObject = (value: unknown): value is Json =>
    typeof value === "object" && value !== null && !Array.isArray(value);

  const str = (value: unknown): string | null => (typeof value === "string" ? value : null);

  /** The page's origin in a browser; empty elsewhere (no CORS there). */
  export function pageOrigin(): string {
    return typeof window === "undefined" ? "" : window.location.origin;
  }

  /** Accepts `[...]` or `{ runs: [...] }` (also `items`/`data`), field names in camel or snake case. */
  export function parseRunList(body: unknown, serverUrl: string): IRunSummary[] {
    const list = Array.isArray(body)
      ? body
      : isObject(body)
        ? (body.runs ?? body.items ?? body.data)
        : undefined;
    if (!Array.isArray(list)) {
      throw new LineageServerError(
        "bad-response",
        serverUrl,
        `The lineage server at ${serverUrl} sent a run list this version of the extension does ` +
          "not understand: update the extension and the server together.",
      );
    }
    return list.filter(isObject).map(parseRun);
  }

  function parseRun(run: Json): IRunSummary {
    const created = run.createdAt ?? run.created_at;
    return {
      id: String(run.id ?? ""),
      name: str(run.stepName) ?? str(run.step_name) ?? str(run.name) ?? "(unnamed)",
      state: str(run.state) ?? str(run.status) ?? "created",
      rootId: str(run.rootId) ?? str(run.root_id),
      parentId: str(run.parentId) ?? str(run.parent_id),
      tags: Array.isArray(run.tags)
        ? run.tags.filter((t): t is string => typeof t === "string")
        : [],
      createdAt:
        typeof created === "number"
          ? created
          : typeof created === "string" && !Number.isNaN(Date.parse(created))
            ? Date.parse(created)
            : null,
      ...(typeof run.startedAt === "number" ? { startedAt: run.startedAt } : {}),
      ...(typeof run.endedAt === "number" ? { endedAt: run.endedAt } : {}),
      ...(isObject(run.summary) ? { summary: parseSummary(run.summary) } : {}),
      ...(str(run.mode) ? { mode: str(run.mode)! } : {}),
      ...(str(run.executor) ? { executor: str(run.executor)! } : {}),
    };
  }

  function parseSummary(summary: Json): IRunListSummary {
    const count = (value: unknown): number => (typeof value === "number" ? value : 0);
    const inputs = Array.isArray(summary.inputs) ? summary.inputs.filter(isObject) : [];
    return {
      steps: count(summary.steps),
      cached: count(summary.cached),
      failed: count(summary.failed),
      inputs: inputs.map((input) => ({
        name: str(input.name) ?? "",
        preview: str(input.preview) ?? "",
      })),
    };
  }

  /** The `nextCursor` of a `{ runs, nextCursor }` page; null for a bare list. */
  export function nextCursorOf(body: unknown): string | null {
    return isObject(body) ? str(body.nextCursor) : null;
  }

  /** The `error`/`message` of a JSON error body (and its code and parameter), if any. */
  export async function errorDetail(
    response: Response,
  ): Promise<{ detail: string; code?: string; parameter?: string }> {
    try {
      const body: unknown = await response.json();
      if (isObject(body)) {
        const error = body.error;
        const inner = isObject(error) ? error : {};
        const code = str(inner.code) ?? str(body.code);
        const parameter = str(inner.parameter) ?? str(body.parameter);
        return {
          detail: str(body.message) ?? str(error) ?? str(inner.message) ?? "",
          ...(code ? { code } : {}),
          ...(parameter ? { parameter } : {}),
        };
      }
    } catch {
      // Not JSON: the status says enough.
    }
    return { detail: "" };
  }
}
