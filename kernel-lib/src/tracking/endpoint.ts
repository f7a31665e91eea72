/**
 * Finding the lineage server: `TSEMATIC_URL` (+ `TSEMATIC_TOKEN`) when set; else the server.json and
 * token files that a running server writes into its data directory (`TSEMATIC_HOME`, else
 * `~/.tsematic`).
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** Where a server is (or would be) and how to authenticate. */
export interface Endpoint {
  url: string;
  token: string | undefined;
  /** Where the URL came from, for error messages. */
  source: string;
  /** The server's process, when known from its server.json. */
  pid?: number;
}

/** `$TSEMATIC_HOME`, else `~/.tsematic`: the same default as the server's. */
export function dataDir(): string {
  return process.env.TSEMATIC_HOME || join(homedir(), ".tsematic");
}

function readToken(dir: string): string | undefined {
  const file = join(dir, "token");
  return existsSync(file) ? readFileSync(file, "utf8").trim() || undefined : undefined;
}

/** The server.json of a data directory, if a server wrote one. */
export function readServerFile(dir: string): { url: string; pid: number } | undefined {
  try {
    const info = JSON.parse(readFileSync(join(dir, "server.json"), "utf8")) as {
      url?: unknown;
      pid?: unknown;
    };
    return typeof info.url === "string" && typeof info.pid === "number"
      ? { url: info.url, pid: info.pid }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The endpoint to try, or undefined if nothing names one (then an embedded server is started). */
export function configuredEndpoint(dir: string = dataDir()): Endpoint | undefined {
  const envUrl = process.env.TSEMATIC_URL;
  const envToken = process.env.TSEMATIC_TOKEN || undefined;
  if (envUrl) {
    return {
      url: envUrl.replace(/\/+$/, ""),
      token: envToken ?? readToken(dir),
      source: "TSEMATIC_URL",
    };
  }
  const info = readServerFile(dir);
  if (!info) return undefined;
  return {
    url: info.url.replace(/\/+$/, ""),
    token: envToken ?? readToken(dir),
    source: join(dir, "server.json"),
    pid: info.pid,
  };
}

/** Whether a Tsematic server answers at `url` (its health route needs no token). */
export async function isAlive(url: string, timeoutMs = 1_500): Promise<boolean> {
  try {
    const res = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return false;
    const body = (await res.json()) as { ok?: unknown };
    return body.ok === true;
  } catch {
    return false;
  }
}

/** Whether the process that wrote a server.json still exists (a stale file names a dead pid). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether a server answers within `patienceMs`, asking again until then: a busy machine may take
 * seconds to answer one request, and that must not pass for a server that is gone.
 */
export async function answersWithin(url: string, patienceMs: number): Promise<boolean> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    const left = deadline - Date.now();
    if (await isAlive(url, Math.max(1_000, Math.min(5_000, left)))) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}
