/**
 * The embedded lineage server: when no server answers, local tracked runs start one in the
 * background (`tsematic server --port 0` on 127.0.0.1, data in the usual data directory). It outlives
 * the notebook kernel on purpose, so later runs and the JupyterLab panels find the same server.
 */
import { spawn } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import { dirname, join } from "node:path";
import { TsematicError } from "../errors";
import { configuredEndpoint, isAlive, readServerFile, type Endpoint } from "./endpoint";

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

/** Starts a server on a free port in `dir` and returns its endpoint once it answers. */
export async function startEmbeddedServer(dir: string, timeoutMs = 30_000): Promise<Endpoint> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const logFile = join(dir, "server.log");
  const out = openSync(logFile, "a", 0o600);
  const child = spawn(process.execPath, [serverCli(), "server", "--port", "0", "--data-dir", dir], {
    detached: true,
    stdio: ["ignore", out, out],
    env: { ...process.env, TSEMATIC_HOME: dir },
  });
  child.unref();
  let exited: number | null = null;
  child.once("exit", (code) => (exited = code ?? -1));
  const endpoint = await waitFor(async () => {
    if (exited !== null) return undefined;
    const info = readServerFile(dir);
    if (!info || info.pid !== child.pid) return undefined;
    const ep = configuredEndpoint(dir);
    return ep && (await isAlive(ep.url)) ? ep : undefined;
  }, timeoutMs);
  if (!endpoint) {
    throw new TsematicError(
      `the embedded lineage server did not start within ${timeoutMs / 1000} s` +
        (exited !== null ? ` (it exited with code ${exited})` : "") +
        `: see ${logFile}; or start one with \`tsematic server\`, or run silently with resolve({ tracking: false })`,
    );
  }
  return { ...endpoint, source: "the embedded server" };
}
