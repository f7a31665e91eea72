/** The lineage server's HTTP API as the tracking client uses it: token, JSON, clear errors. */
import { runStorage } from "../context";
import { TsematicError } from "../errors";
import { Semaphore } from "../runner/semaphore";
import type { Endpoint } from "./endpoint";
import { postJson } from "./json-post";

/** The server answered, but refused the request (a 4xx): retrying will not help. */
export class ServerRefusedError extends TsematicError {}

/** The server refused the token (401/403): the message says which token, from where, and what to do. */
export class TokenRefusedError extends ServerRefusedError {}

/** The server did not answer, or answered with a 5xx: the request may be retried. */
export class ServerUnavailableError extends TsematicError {}

/** Requests in flight at once per client: enough to keep the server busy, few enough not to flood it. */
const MAX_IN_FLIGHT = 16;

/** How one request is sent. */
interface RequestInit {
  body?: string | Uint8Array;
  contentType?: string;
  /** Non-2xx statuses that are answers, not errors (e.g. 404 for "not cached"). */
  allow?: number[];
  timeoutMs?: number;
}

export class ServerClient {
  private readonly slots = new Semaphore(MAX_IN_FLIGHT);

  constructor(readonly endpoint: Endpoint) {}

  get url(): string {
    return this.endpoint.url;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.endpoint.token
      ? { authorization: `Bearer ${this.endpoint.token}`, ...extra }
      : extra;
  }

  /** Sends a request; 2xx and `allow`ed statuses return the response, others throw. */
  async request(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    await this.slots.acquire();
    try {
      return await this.send(method, path, init);
    } finally {
      this.slots.release();
    }
  }

  /**
   * POSTs a JSON body and ignores the answer's body: batches of events and artifacts, sent through
   * `node:http` (see json-post.ts). Fails as {@link request} does.
   */
  async post(path: string, body: string | Uint8Array, timeoutMs = 30_000): Promise<void> {
    await this.slots.acquire();
    try {
      let answer: { status: number; text: string };
      try {
        answer = await runStorage().exit(() =>
          postJson(`${this.url}/api/v1${path}`, this.headers(), body, timeoutMs),
        );
      } catch (error) {
        throw this.unreachable(error);
      }
      if (answer.status < 200 || answer.status >= 300) {
        throw this.refusal("POST", path, answer.status, answer.text);
      }
    } finally {
      this.slots.release();
    }
  }

  private unreachable(error: unknown): ServerUnavailableError {
    return new ServerUnavailableError(
      `the lineage server is not reachable at ${this.url} (${(error as Error).message}): ` +
        "start it with `tsematic server`",
      { cause: error },
    );
  }

  private async send(method: string, path: string, init: RequestInit): Promise<Response> {
    let res: Response;
    try {
      // Outside the run's scope: a keep-alive socket keeps the scope it was opened in for as long
      // as it lives, and with it the whole tree of the run whose step happened to send first.
      res = await runStorage().exit(() =>
        fetch(`${this.url}/api/v1${path}`, {
          method,
          headers: this.headers(init.contentType ? { "content-type": init.contentType } : {}),
          ...(init.body !== undefined ? { body: init.body } : {}),
          signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
        }),
      );
    } catch (error) {
      throw this.unreachable(error);
    }
    if (res.ok || init.allow?.includes(res.status)) return res;
    throw this.refusal(method, path, res.status, await res.text().catch(() => ""));
  }

  /** The error of a non-2xx answer: a refusal, a refused token, or a server that may recover. */
  private refusal(method: string, path: string, status: number, text: string): Error {
    let message = text.slice(0, 500);
    try {
      const body = JSON.parse(text) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {
      // Not JSON: keep the text.
    }
    if (status === 401 || status === 403) return this.tokenRefused(status, message);
    // 507 (disk full) will not pass by waiting a minute: stop and show the server's advice.
    const retriable = (status >= 500 && status !== 507) || status === 429;
    const ErrorClass = retriable ? ServerUnavailableError : ServerRefusedError;
    return new ErrorClass(`${method} ${path} failed with ${status}: ${message}`);
  }

  /** Which token was refused, where it came from, and what to do about it. */
  private tokenRefused(status: number, message: string): TokenRefusedError {
    const { token, tokenSource, source } = this.endpoint;
    const which = token
      ? `the token from ${tokenSource ?? "an unknown source"} (it starts with "${token.slice(0, 4)}")`
      : "the request: no token was found (TSEMATIC_TOKEN is unset and the data directory has no token file)";
    let advice: string;
    if (tokenSource === "TSEMATIC_TOKEN" && source !== "TSEMATIC_URL") {
      advice =
        `TSEMATIC_TOKEN is stale or belongs to another server; this server (found through ${source}) ` +
        "keeps its token in its data directory's token file: unset TSEMATIC_TOKEN to use it, or set " +
        "TSEMATIC_TOKEN to that file's content";
    } else if (tokenSource === "TSEMATIC_TOKEN") {
      advice = `set TSEMATIC_TOKEN to the token of the server at TSEMATIC_URL (the token file in its data directory)`;
    } else {
      advice =
        `the token file does not belong to the server at ${this.url} (from ${source}): set TSEMATIC_HOME ` +
        "to that server's data directory, or TSEMATIC_TOKEN to its token";
    }
    return new TokenRefusedError(
      `the lineage server at ${this.url} refused ${which} (${status}: ${message}): ${advice}`,
    );
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request(method, path, {
      ...(body !== undefined
        ? { body: JSON.stringify(body), contentType: "application/json" }
        : {}),
    });
    return (await res.json()) as T;
  }
}
