/** The command line's HTTP client: finds the server, sends the token, turns failures into advice. */
import { discoverServer, discoverToken, DiscoveryError, type Endpoint } from "../discovery";
import { UnsafeDataDirError } from "../ownership";
import { CliError } from "./errors";

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

  get<T>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }

  post<T>(path: string): Promise<T> {
    return this.request<T>("POST", path);
  }

  /** A request with a body (e.g. a package's archive). */
  send<T>(method: string, path: string, body: Uint8Array, contentType: string): Promise<T> {
    return this.request<T>(method, path, { body, contentType });
  }

  private async request<T>(
    method: string,
    path: string,
    payload?: { body: Uint8Array; contentType: string },
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
        signal: AbortSignal.timeout(30_000),
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
      const message = (body as { error?: { message?: string } }).error?.message;
      throw new CliError(message ?? `the server answered ${res.status}`);
    }
    return body as T;
  }
}
