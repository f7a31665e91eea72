/** The command line's HTTP client: finds the server, sends the token, turns failures into advice. */
import { discoverServer, discoverToken, DiscoveryError, type Endpoint } from "../discovery";
import { UnsafeDataDirError } from "../ownership";
import { CliError } from "./errors";

/** The server answered with an error: its status and code, and its message as the CliError's. */
export class ApiError extends CliError {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface ClientOptions {
  url?: string;
  dataDir?: string;
}

export class ApiClient {
  readonly endpoint: Endpoint;

  constructor(options: ClientOptions = {}) {
    try {
      // --url names the server itself: then server.json is not read at all.
      this.endpoint = options.url
        ? {
            url: options.url.replace(/\/+$/, ""),
            ...discoverToken(options.dataDir),
            source: "--url",
          }
        : discoverServer(options.dataDir);
    } catch (error) {
      if (error instanceof DiscoveryError || error instanceof UnsafeDataDirError) {
        throw new CliError(error.message);
      }
      throw error;
    }
  }

  /** `timeoutMs`: how long to wait for the answer (default 30 s; a long-poll needs its wait on top). */
  get<T>(path: string, timeoutMs?: number): Promise<T> {
    return this.request<T>("GET", path, undefined, timeoutMs);
  }

  post<T>(path: string): Promise<T> {
    return this.request<T>("POST", path);
  }

  /** A JSON body. */
  postJson<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>("POST", path, Buffer.from(JSON.stringify(body)), "application/json");
  }

  /** A request with a body (e.g. a package's archive). */
  send<T>(method: string, path: string, body: Uint8Array, contentType: string): Promise<T> {
    return this.request<T>(method, path, { body, contentType });
  }

  private async request<T>(
    method: string,
    path: string,
    payload?: { body: Uint8Array; contentType: string },
    timeoutMs = 30_000,
  ): Promise<T> {
    const { url, token } = this.endpoint;
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    if (payload) headers["content-type"] = payload.contentType;
    let res: Response;
    try {
      res = await fetch(`${url}/api/v1${path}`, {
        method,
        headers,
        body: payload?.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch {
      throw new CliError(
        `the lineage server is not reachable at ${url}: start it with \`tsematic server\``,
      );
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new CliError(
        `${url} answered ${res.status} with something that is not Tsematic JSON: is it a Tsematic server?`,
      );
    }
    if (res.status === 401) {
      const used = this.endpoint.tokenSource
        ? `the token from ${this.endpoint.tokenSource}`
        : "no token (none was found)";
      throw new CliError(
        `the server at ${url} refused ${used}: ` +
          (this.endpoint.tokenSource === "TSEMATIC_TOKEN"
            ? "TSEMATIC_TOKEN is stale or for another server; unset it to use the token file of the data directory, or set it to the server's <dataDir>/token"
            : "set TSEMATIC_TOKEN, or pass the --data-dir the server uses (its token file is <dataDir>/token)"),
      );
    }
    if (!res.ok) {
      const error = (body as { error?: { message?: string; code?: string } }).error;
      throw new ApiError(
        error?.message ?? `the server answered ${res.status}`,
        res.status,
        error?.code,
      );
    }
    return body as T;
  }
}
