/**
 * How local clients find a running server: `TSEMATIC_URL` and `TSEMATIC_TOKEN` when set, else
 * `<dataDir>/server.json` ({ url, pid, version }) and `<dataDir>/token`, both written by the server
 * with mode 0600.
 */
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { TOKEN_FILE } from "./auth/token";
import { defaultDataDir } from "./config";

export const SERVER_FILE = "server.json";

export interface ServerInfo {
  url: string;
  pid: number;
  version: string;
}

export function writeServerInfo(dataDir: string, info: ServerInfo): void {
  const file = join(dataDir, SERVER_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export function readServerInfo(dataDir: string): ServerInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, SERVER_FILE), "utf8")) as ServerInfo;
    return typeof info.url === "string" && typeof info.pid === "number" ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Removes server.json if it still describes this process (a newer server may have replaced it). */
export function removeServerInfo(dataDir: string, pid: number): void {
  if (readServerInfo(dataDir)?.pid === pid) rmSync(join(dataDir, SERVER_FILE), { force: true });
}

export interface Endpoint {
  url: string;
  token: string | undefined;
  /** Where the URL came from, for error messages. */
  source: string;
}

/** The server a client should talk to. */
export function discoverServer(dataDir = defaultDataDir()): Endpoint {
  const envUrl = process.env.TSEMATIC_URL;
  const envToken = process.env.TSEMATIC_TOKEN || undefined;
  const tokenFile = join(dataDir, TOKEN_FILE);
  const fileToken = (): string | undefined =>
    existsSync(tokenFile) ? readFileSync(tokenFile, "utf8").trim() : undefined;
  if (envUrl)
    return { url: stripSlash(envUrl), token: envToken ?? fileToken(), source: "TSEMATIC_URL" };
  const info = readServerInfo(dataDir);
  if (info) {
    return {
      url: stripSlash(info.url),
      token: envToken ?? fileToken(),
      source: join(dataDir, SERVER_FILE),
    };
  }
  return {
    url: "http://127.0.0.1:8765",
    token: envToken ?? fileToken(),
    source: "the default URL",
  };
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
