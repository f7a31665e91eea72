/** The lineage server's HTTP API as the tracking client uses it: token, JSON, clear errors. */
import { TsematicError } from "../errors";
import { Semaphore } from "../runner/semaphore";
import type { Endpoint } from "./endpoint";

/** The server answered, but refused the request (a 4xx): retrying will not help. */
export class ServerRefusedError extends TsematicError {}

/** The server did not answer, or answered with a 5xx: the request may be retried. */
export class ServerUnavailableError extends TsematicError {}

/** Requests in flight at once per client: enough to keep the server busy, few enough not to flood it. */
const MAX_IN_FLIGHT = 16;

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
  async request(
    method: string,
    path: string,
    init: {
      body?: string | Uint8Array;
      contentType?: string;
      allow?: number[];
      timeoutMs?: number;
    } = {},
  ): Promise<Response> {
    await this.slots.acquire();
    try {
      return await this.send(method, path, init);
    } finally {
      this.slots.release();
    }
  }

  private async send(
    method: string,
    path: string,
    init: {
      body?: string | Uint8Array;
      contentType?: string;
      allow?: number[];
      timeoutMs?: number;
    },
  ): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.url}/api/v1${path}`, {
        method,
        headers: this.headers(init.contentType ? { "content-type": init.contentType } : {}),
        ...(init.body !== undefined ? { body: init.body } : {}),
        signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new ServerUnavailableError(
        `the lineage server is not reachable at ${this.url} (${(error as Error).message}): ` +
          "start it with `tsematic server`",
        { cause: error },
      );
    }
    if (res.ok || init.allow?.includes(res.status)) return res;
    const text = await res.text().catch(() => "");
    let message = text.slice(0, 500);
    try {
      const body = JSON.parse(text) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {
      // Not JSON: keep the text.
    }
    if (res.status === 401 || res.status === 403) {
      throw new ServerRefusedError(
        `the lineage server at ${this.url} refused the token (${res.status}: ${message}): ` +
          `set TSEMATIC_TOKEN to the token in its data directory (from ${this.endpoint.source})`,
      );
    }
    const ErrorClass =
      res.status >= 500 || res.status === 429 ? ServerUnavailableError : ServerRefusedError;
    throw new ErrorClass(`${method} ${path} failed with ${res.status}: ${message}`);
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
