/**
 * How local clients find a running server: `TSEMATIC_URL` and `TSEMATIC_TOKEN` when set, else
 * `<dataDir>/server.json` ({ url, pid, version }) and `<dataDir>/token`, both written by the server
 * with mode 0600.
 *
 * Clients send the token only where it belongs: a server.json must be the user's own, writable by
 * nobody else, name a plausible pid and a loopback URL (127.0.0.1, localhost, [::1]); any other server
 * is reached only by saying so with `TSEMATIC_URL`.
 */
import {
  closeSync,
  constants,
  fchmodSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { TOKEN_FILE } from "./auth/token";
import { defaultDataDir } from "./config";
import { checkOwnedFile } from "./ownership";

export const SERVER_FILE = "server.json";

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;

export interface ServerInfo {
  url: string;
  pid: number;
  version: string;
}

/** A server.json or token file that a client must not trust; the message says what to do. */
export class DiscoveryError extends Error {}

export function writeServerInfo(dataDir: string, info: ServerInfo): void {
  const file = join(dataDir, SERVER_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  // O_EXCL|O_NOFOLLOW: a planted file or symlink at the temporary name is never written through.
  const fd = openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, `${JSON.stringify(info, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** Reads a file of the data directory without following a symlink, if it is the user's own. */
function readOwnedFile(file: string, what: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, O_RDONLY | O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") {
      throw new DiscoveryError(
        `${what} ${file} is a symbolic link, which Tsematic never follows: remove it (\`rm ${file}\`) ` +
          "and start the server again",
      );
    }
    throw error;
  }
  try {
    checkOwnedFile(fd, file, what);
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

/** The server.json of a data directory as written (no checks but its shape). */
export function readServerInfo(dataDir: string): ServerInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(join(dataDir, SERVER_FILE), "utf8")) as ServerInfo;
    return typeof info.url === "string" && typeof info.pid === "number" ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `url` is on this machine's loopback interface (the only place a server.json may name). */
export function isLoopbackUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (
      (parsed.protocol === "http:" || parsed.protocol === "https:") &&
      ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname)
    );
  } catch {
    return false;
  }
}

/**
 * The server.json of a data directory, if it is safe to send the token where it says: the user's own
 * file, a real pid, a loopback URL. Throws a {@link DiscoveryError} that says what to do otherwise.
 */
export function trustedServerInfo(dataDir: string): ServerInfo | undefined {
  const file = join(dataDir, SERVER_FILE);
  const text = readOwnedFile(file, "the server file");
  if (text === undefined) return undefined;
  let info: Partial<ServerInfo>;
  try {
    info = JSON.parse(text) as Partial<ServerInfo>;
  } catch {
    return undefined; // Being written, or garbage: as if there were none.
  }
  if (typeof info.url !== "string" || typeof info.pid !== "number") return undefined;
  if (!Number.isInteger(info.pid) || info.pid <= 1) {
    throw new DiscoveryError(
      `${file} names pid ${info.pid}, which cannot be a Tsematic server: remove the file ` +
        `(\`rm ${file}\`); a server writes it again when it starts`,
    );
  }
  if (!isLoopbackUrl(info.url)) {
    throw new DiscoveryError(
      `${file} names ${JSON.stringify(info.url)}, which is not this machine (127.0.0.1, localhost ` +
        "or [::1]): the token is not sent there. If that server is yours, say so with " +
        `TSEMATIC_URL=${info.url}; else remove the file (\`rm ${file}\`)`,
    );
  }
  return { url: info.url, pid: info.pid, version: String(info.version ?? "") };
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
  /** Where the token came from ("TSEMATIC_TOKEN" or the token file), for error messages. */
  tokenSource?: string;
}

/** The token to send: `TSEMATIC_TOKEN`, else the data directory's token file (if it is safe). */
export function discoverToken(dataDir = defaultDataDir()): Pick<Endpoint, "token" | "tokenSource"> {
  const envToken = process.env.TSEMATIC_TOKEN || undefined;
  if (envToken) return { token: envToken, tokenSource: "TSEMATIC_TOKEN" };
  const tokenFile = join(dataDir, TOKEN_FILE);
  const text = readOwnedFile(tokenFile, "the token file")?.trim();
  return text ? { token: text, tokenSource: tokenFile } : { token: undefined };
}

/** The server a client should talk to. */
export function discoverServer(dataDir = defaultDataDir()): Endpoint {
  const envUrl = process.env.TSEMATIC_URL;
  const token = () => discoverToken(dataDir);
  if (envUrl) return { url: stripSlash(envUrl), ...token(), source: "TSEMATIC_URL" };
  const info = trustedServerInfo(dataDir);
  if (info) {
    return { url: stripSlash(info.url), ...token(), source: join(dataDir, SERVER_FILE) };
  }
  return { url: "http://127.0.0.1:8765", ...token(), source: "the default URL" };
}

function stripSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
