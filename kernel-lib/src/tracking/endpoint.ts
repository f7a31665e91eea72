/**
 * Finding the lineage server: `TSEMATIC_URL` (+ `TSEMATIC_TOKEN`) when set; else the server.json and
 * token files that a running server writes into its data directory (`TSEMATIC_HOME`, else
 * `~/.tsematic`).
 *
 * The token and the run data go only where they belong: a server.json must be the user's own file,
 * writable by nobody else, name a real pid and a loopback URL (127.0.0.1, localhost, [::1]); another
 * server is reached only by naming it in `TSEMATIC_URL`. Files are never read through a symlink.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { TsematicError } from "../errors";

/** Where a server is (or would be) and how to authenticate. */
export interface Endpoint {
  url: string;
  token: string | undefined;
  /** Where the URL came from, for error messages. */
  source: string;
  /** Where the token came from (`TSEMATIC_TOKEN` or the token file), for error messages. */
  tokenSource?: string;
  /** The server's process, when known from its server.json. */
  pid?: number;
}

/** A server.json or token file that must not be trusted; the message says what to do. */
export class UntrustedServerFileError extends TsematicError {}

/** `$TSEMATIC_HOME`, else `~/.tsematic`: the same default as the server's. */
export function dataDir(): string {
  return process.env.TSEMATIC_HOME || join(homedir(), ".tsematic");
}

/** A file of the data directory, read without following a symlink, if it is the user's own. */
function readOwnedFile(file: string, what: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") {
      throw new UntrustedServerFileError(
        `${what} ${file} is a symbolic link, which Tsematic never follows: remove it (\`rm ${file}\`) ` +
          "and let the server write it again",
      );
    }
    throw error;
  }
  try {
    const stats = fstatSync(fd);
    const uid = typeof process.geteuid === "function" ? process.geteuid() : undefined;
    if (uid !== undefined && stats.uid !== uid) {
      throw new UntrustedServerFileError(
        `${what} ${file} belongs to user id ${stats.uid}, not to you (user id ${uid}), so its ` +
          "server is not trusted with your runs: use a data directory of your own (TSEMATIC_HOME), " +
          `or remove the file (\`rm ${file}\`)`,
      );
    }
    if ((stats.mode & 0o022) !== 0) {
      throw new UntrustedServerFileError(
        `${what} ${file} is writable by others (mode ${(stats.mode & 0o777).toString(8)}), so ` +
          `anyone could redirect your runs: fix it with \`chmod go-w ${file}\`, or remove it`,
      );
    }
    return readFileSync(fd, "utf8");
  } finally {
    closeSync(fd);
  }
}

/** The token to send: `TSEMATIC_TOKEN`, else the data directory's token file. */
function readToken(dir: string): Pick<Endpoint, "token" | "tokenSource"> {
  const env = process.env.TSEMATIC_TOKEN || undefined;
  if (env) return { token: env, tokenSource: "TSEMATIC_TOKEN" };
  const file = join(dir, "token");
  const token = readOwnedFile(file, "the token file")?.trim() || undefined;
  return token ? { token, tokenSource: file } : { token: undefined };
}

/** The server.json of a data directory as written, if a server wrote one (no trust checks). */
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

/** Whether `url` is on this machine's loopback interface. */
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
 * The server.json of a data directory, if it is safe to send the token and run data where it says.
 * Throws an {@link UntrustedServerFileError} saying what to do when it is not.
 */
export function trustedServerFile(dir: string): { url: string; pid: number } | undefined {
  const file = join(dir, "server.json");
  const text = readOwnedFile(file, "the server file");
  if (text === undefined) return undefined;
  let info: { url?: unknown; pid?: unknown };
  try {
    info = JSON.parse(text) as typeof info;
  } catch {
    return undefined; // Being replaced, or garbage: as if there were none.
  }
  if (typeof info.url !== "string" || typeof info.pid !== "number") return undefined;
  if (!Number.isInteger(info.pid) || info.pid <= 1) {
    throw new UntrustedServerFileError(
      `${file} names pid ${info.pid}, which cannot be a Tsematic server: remove the file ` +
        `(\`rm ${file}\`); a server writes it again when it starts`,
    );
  }
  if (!isLoopbackUrl(info.url)) {
    throw new UntrustedServerFileError(
      `${file} names ${JSON.stringify(info.url)}, which is not this machine (127.0.0.1, localhost or ` +
        "[::1]), so your token and runs are not sent there. If that server is yours, say so with " +
        `TSEMATIC_URL=${info.url}; else remove the file (\`rm ${file}\`)`,
    );
  }
  return { url: info.url, pid: info.pid };
}

/** The endpoint to try, or undefined if nothing names one (then an embedded server is started). */
export function configuredEndpoint(dir: string = dataDir()): Endpoint | undefined {
  const envUrl = process.env.TSEMATIC_URL;
  if (envUrl) {
    return { url: envUrl.replace(/\/+$/, ""), ...readToken(dir), source: "TSEMATIC_URL" };
  }
  const info = trustedServerFile(dir);
  if (!info) return undefined;
  return {
    url: info.url.replace(/\/+$/, ""),
    ...readToken(dir),
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

/**
 * Whether the process that wrote a server.json still runs (a stale file names a dead pid). A zombie
 * (exited, not yet reaped) does not count; EPERM means it runs as someone else.
 */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat[stat.lastIndexOf(")") + 2] !== "Z";
  } catch {
    return true; // No /proc: kill(0) said it exists.
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
