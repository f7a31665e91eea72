/**
 * The embedded lineage server: when no server answers, local tracked runs start one in the
 * background (`tsematic server --port 0` on 127.0.0.1, data in the usual data directory). It outlives
 * the notebook kernel on purpose, so later runs and the JupyterLab panels find the same server.
 */
import { spawn } from "node:child_process";
import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync } from "node:fs";
import { dirname, join } from "node:path";
import { TsematicError } from "../errors";
import {
  configuredEndpoint,
  isAlive,
  processExists,
  trustedServerFile,
  type Endpoint,
} from "./endpoint";

/**
 * Path of the server's command line. `@tsematic/server` is an optional peer dependency: needed only
 * here, to start the embedded server (workers and silent runs do without it).
 */
function serverCli(): string {
  try {
    return join(dirname(require.resolve("@tsematic/server/package.json")), "lib", "cli.js");
  } catch {
    throw new TsematicError(
      "cannot start the embedded lineage server: the package @tsematic/server is not installed. " +
        "Install it (npm install @tsematic/server), start a server with `tsematic server` and set " +
        "TSEMATIC_URL, or run silently with resolve({ tracking: false })",
    );
  }
}

async function waitFor<T>(
  what: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await what();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}

/**
 * Starts a server on a free port in `dir` and returns its endpoint once it answers. Two kernels may
 * do this at once: the servers take turns on the data directory's start-up lock and the second one
 * stops when it finds the first; so any live server that server.json names is the answer, whichever
 * process started it.
 */
export async function startEmbeddedServer(dir: string, timeoutMs = 30_000): Promise<Endpoint> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const logFile = join(dir, "server.log");
  // O_NOFOLLOW: a planted `server.log` symlink must not make us append to another file.
  const { O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW } = constants;
  const out = openSync(logFile, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW, 0o600);
  const logStart = fstatSync(out).size;
  const child = spawn(process.execPath, [serverCli(), "server", "--port", "0", "--data-dir", dir], {
    detached: true,
    stdio: ["ignore", out, out],
    env: { ...process.env, TSEMATIC_HOME: dir },
  });
  child.unref();
  let exited: number | null = null;
  child.once("exit", (code) => (exited = code ?? -1));
  const found = await waitFor(async () => {
    // Read before looking: a server that lost the start-up race exits only once the winner answers.
    const gone = exited !== null;
    const info = trustedServerFile(dir);
    const ep = info && processExists(info.pid) ? configuredEndpoint(dir) : undefined;
    if (ep && (await isAlive(ep.url))) return ep;
    return gone ? ("exited" as const) : undefined;
  }, timeoutMs);
  closeSync(out);
  if (!found || found === "exited") {
    const said = exited !== null ? lastLine(logFile, logStart) : undefined;
    throw new TsematicError(
      (exited !== null
        ? `the embedded lineage server (pid ${child.pid}) exited with code ${exited}` +
          (said ? `, saying: ${said}` : "")
        : `the embedded lineage server did not start within ${timeoutMs / 1000} s`) +
        `. See ${logFile}; or start one with \`tsematic server\`, or run silently with resolve({ tracking: false })`,
    );
  }
  return { ...found, source: "the embedded server" };
}

/** The last non-empty line written to the log since `from` (what a failed server said last). */
function lastLine(file: string, from: number): string | undefined {
  try {
    const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      const size = fstatSync(fd).size;
      const start = Math.max(from, size - 4096);
      const buffer = Buffer.alloc(size - start);
      readSync(fd, buffer, 0, buffer.length, start);
      return buffer.toString("utf8").trim().split("\n").pop()?.trim() || undefined;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
