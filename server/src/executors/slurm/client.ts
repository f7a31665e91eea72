/**
 * A small slurmrestd client: the calls the Slurm executor makes, in the shapes of `versions.ts`.
 * It picks the newest API version the daemon offers that it speaks, signs every request with a
 * JWT (`X-SLURM-USER-NAME`, `X-SLURM-USER-TOKEN`), and turns slurmrestd's answers into errors
 * that say what went wrong and what to do (slurmrestd answers a bad or expired token with HTTP 500
 * and no word about authentication).
 *
 * @example
 * ```ts
 * const client = new SlurmClient({ url: "http://127.0.0.1:6820", user: "tsematic-slurm",
 *   token: () => mintSlurmJwt({ keyFile, user: "tsematic-slurm", lifetimeSeconds: 3600 }) });
 * const { jobId } = await client.submit({ name: "run1", script: "#!/bin/sh\nexec true\n",
 *   env: {}, cwd: "/tmp", cpusPerTask: 1, output: "/tmp/%j.out" });
 * const jobs = await client.jobs(); // every job slurmctld still remembers
 * await client.cancel(jobId, "SIGTERM");
 * ```
 */
import {
  type ApiVersion,
  normalizeJob,
  normalizeNode,
  type SlurmJob,
  type SlurmNode,
  type SubmitRequest,
  submitBody,
  SUPPORTED_VERSIONS,
} from "./versions";

export interface SlurmClientOptions {
  /** slurmrestd's base URL, e.g. http://127.0.0.1:6820 */
  url: string;
  /** The unix user requests act for (the JWT's `sun`). */
  user: string;
  /** A JWT for `user`; called before each request (a minting function renews it). */
  token: () => string;
  /** Per request (default 15 s). */
  timeoutMs?: number;
}

/** slurmrestd refused a request or could not be reached; the message says what to do. */
export class SlurmError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly errorCode?: number,
  ) {
    super(message);
    this.name = "SlurmError";
  }
}

interface SlurmErrors {
  errors?: Array<{
    error?: string;
    error_code?: number;
    error_number?: number;
    description?: string;
  }>;
}

export class SlurmClient {
  private version: ApiVersion | undefined;
  private readonly base: string;

  constructor(private readonly options: SlurmClientOptions) {
    this.base = options.url.replace(/\/+$/, "");
  }

  /** The API version in use (asks the daemon once). */
  async apiVersion(): Promise<ApiVersion> {
    if (this.version) return this.version;
    const offered = await this.offeredVersions();
    const pick = SUPPORTED_VERSIONS.find((v) => offered.has(v));
    if (!pick) {
      throw new SlurmError(
        `slurmrestd at ${this.base} offers ${[...offered].join(", ") || "no openapi/slurm version"}; ` +
          `Tsematic speaks ${SUPPORTED_VERSIONS.join(", ")}: start slurmrestd with -s openapi/v0.0.38 (or a newer one listed)`,
      );
    }
    this.version = pick;
    return pick;
  }

  async ping(): Promise<void> {
    await this.call("GET", "ping");
  }

  async submit(request: SubmitRequest): Promise<{ jobId: number }> {
    const version = await this.apiVersion();
    const answer = await this.call<{ job_id?: unknown; result?: { job_id?: unknown } }>(
      "POST",
      "job/submit",
      submitBody(version, request),
    );
    const id = Number(answer.job_id ?? answer.result?.job_id);
    if (!Number.isInteger(id) || id <= 0) {
      throw new SlurmError(`slurmrestd accepted job "${request.name}" but named no job id`);
    }
    return { jobId: id };
  }

  /** Every job slurmctld remembers (one call for all of them). */
  async jobs(): Promise<SlurmJob[]> {
    const answer = await this.call<{ jobs?: Record<string, unknown>[] }>("GET", "jobs");
    return (answer.jobs ?? []).map(normalizeJob);
  }

  /** One job (an array job id answers every task); undefined when slurmctld forgot it. */
  async job(jobId: number): Promise<SlurmJob[] | undefined> {
    try {
      const answer = await this.call<{ jobs?: Record<string, unknown>[] }>("GET", `job/${jobId}`);
      return (answer.jobs ?? []).map(normalizeJob);
    } catch (error) {
      if (error instanceof SlurmError && isUnknownJob(error)) return undefined;
      throw error;
    }
  }

  async nodes(): Promise<SlurmNode[]> {
    const answer = await this.call<{ nodes?: Record<string, unknown>[] }>("GET", "nodes");
    return (answer.nodes ?? []).map(normalizeNode);
  }

  /** Signals a job (an array job id: every task); a job slurmctld forgot or that ended is no error. */
  async cancel(jobId: number | string, signal: "SIGTERM" | "SIGKILL"): Promise<void> {
    try {
      await this.call("DELETE", `job/${jobId}?signal=${signal}`);
    } catch (error) {
      if (error instanceof SlurmError && (isUnknownJob(error) || isAlreadyDone(error))) return;
      throw error;
    }
  }

  private async offeredVersions(): Promise<Set<string>> {
    const offered = new Set<string>();
    for (const path of ["/openapi/v3", "/openapi"]) {
      const res = await this.fetch("GET", path).catch(() => undefined);
      if (!res?.ok) continue;
      const text = await res.text();
      for (const m of text.matchAll(/\/slurm\/(v0\.0\.\d+)\//g)) offered.add(m[1]!);
      if (offered.size > 0) return offered;
    }
    // No openapi description: ask each version's ping, newest first.
    for (const v of SUPPORTED_VERSIONS) {
      const res = await this.fetch("GET", `/slurm/${v}/ping`).catch(() => undefined);
      if (res && res.status !== 404) offered.add(v);
      if (offered.size > 0) break;
    }
    return offered;
  }

  private async fetch(method: string, path: string, body?: unknown): Promise<Response> {
    let token: string;
    try {
      token = this.options.token();
    } catch (error) {
      throw new SlurmError(`cannot make a Slurm JWT: ${(error as Error).message}`);
    }
    const headers: Record<string, string> = {
      "X-SLURM-USER-NAME": this.options.user,
      "X-SLURM-USER-TOKEN": token,
    };
    if (body !== undefined) headers["content-type"] = "application/json";
    return fetch(`${this.base}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
    });
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const version = await this.apiVersion();
    let res: Response;
    try {
      res = await this.fetch(method, `/slurm/${version}/${path}`, body);
    } catch (error) {
      if (error instanceof SlurmError) throw error;
      throw new SlurmError(
        `cannot reach slurmrestd at ${this.base} (${method} ${path}): ${(error as Error).message}: ` +
          "check --slurm-url and that slurmrestd runs",
      );
    }
    const text = await res.text();
    let parsed: (T & SlurmErrors) | undefined;
    try {
      parsed = text ? (JSON.parse(text) as T & SlurmErrors) : undefined;
    } catch {
      parsed = undefined;
    }
    const errors: NonNullable<SlurmErrors["errors"]> = (parsed?.errors ?? []).filter(
      (e) => (e.error_code ?? e.error_number ?? 0) !== 0 || e.error || e.description,
    );
    if (res.ok && errors.length === 0 && parsed !== undefined) return parsed;
    if (res.ok && errors.length === 0) return {} as T;
    const first = errors[0];
    const code = first?.error_code ?? first?.error_number;
    const what = first
      ? `${first.error ?? first.description ?? ""}`.trim()
      : text.trim().slice(0, 300);
    if (authFailure(res.status, what, errors)) {
      throw new SlurmError(this.authMessage(res.status), res.status, code);
    }
    throw new SlurmError(
      `slurmrestd refused ${method} ${path}: HTTP ${res.status}${code ? ` (Slurm error ${code})` : ""}${what ? `: ${what}` : ""}`,
      res.status,
      code,
    );
  }

  private authMessage(status: number): string {
    const exp = tokenExpiry(safeToken(this.options.token));
    const expired =
      exp !== undefined && exp * 1000 <= Date.now()
        ? ` (the token expired at ${new Date(exp * 1000).toISOString()})`
        : "";
    return (
      `slurmrestd at ${this.base} did not accept the JWT for user "${this.options.user}"${expired} ` +
      `(HTTP ${status}): give the key file slurm.conf's AuthAltParameters=jwt_key names ` +
      "(--slurm-jwt-key FILE), or a fresh token in TSEMATIC_SLURM_JWT (scontrol token username=USER), " +
      "and check that --slurm-user is the token's user"
    );
  }
}

/**
 * slurmrestd 22.05 answers a token slurmctld cannot verify with HTTP 500 and only
 * `{ error_number: -1, error: "Unspecified error" }` (measured here); newer versions with 401/403.
 * A request slurmctld refuses carries a Slurm error code (2014: no node can hold it, ...).
 */
function authFailure(
  status: number,
  what: string,
  errors: SlurmErrors["errors"] & object,
): boolean {
  if (status === 401 || status === 403) return true;
  if (/authenticat|credential|jwt/i.test(what)) return true;
  if (status !== 500) return false;
  return errors.every(
    (e) =>
      (e.error_code ?? e.error_number ?? -1) === -1 && /^unspecified error$/i.test(e.error ?? ""),
  );
}

function isUnknownJob(error: SlurmError): boolean {
  return error.errorCode === 2017 || /invalid job id|unknown job/i.test(error.message);
}

function isAlreadyDone(error: SlurmError): boolean {
  return error.errorCode === 2021 || /already completed|already done/i.test(error.message);
}

function safeToken(token: () => string): string {
  try {
    return token();
  } catch {
    return "";
  }
}

/** The `exp` claim of a JWT (seconds), undefined when it cannot be read. */
export function tokenExpiry(token: string): number | undefined {
  const claims = token.split(".")[1];
  if (!claims) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(claims, "base64url").toString("utf8")) as { exp?: unknown })
      .exp;
    return typeof exp === "number" ? exp : undefined;
  } catch {
    return undefined;
  }
}
