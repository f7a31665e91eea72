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
