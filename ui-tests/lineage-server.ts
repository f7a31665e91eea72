/**
 * Real processes for the browser tests, on 127.0.0.1 only: the lineage server (`tsematic server`,
 * server/lib/cli.js) in a temporary data directory, pipelines run against it by kernel-lib in a
 * child Node process, and the helpers to wait for a child's start and to stop it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const repo = resolve(__dirname, "..");

export interface LineageServer {
  url: string;
  token: string;
  dataDir: string;
  /** Stops the server and removes its data. */
  close(): Promise<void>;
}

/**
 * Starts a lineage server allowing `corsOrigins` (none: it refuses every page), with `token` when
 * given (written to its data directory before it starts, where the server reads it), logging to `log`.
 * `args` are more `tsematic server` flags (`--slurm-url ...`), `env` more environment
 * (`TSEMATIC_TEST_*` reaches its workers).
 */
export async function startLineageServer(options: {
  corsOrigins: string[];
  token?: string;
  log?: string;
  args?: string[];
  env?: Record<string, string>;
}): Promise<LineageServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "tsematic-ui-data-"));
  if (options.token) writeFileSync(join(dataDir, "token"), `${options.token}\n`, { mode: 0o600 });
  const child = spawn(
    process.execPath,
    [
      join(repo, "server", "lib", "cli.js"),
      "server",
      "--port=0",
      `--data-dir=${dataDir}`,
      // Tutorial 05's training step asks for a GPU: the local executor's GPUs are a budget it
      // admits jobs against (no device is bound), so one lets it run here on the CPU.
      "--gpus=1",
      ...options.corsOrigins.map((origin) => `--cors-origin=${origin}`),
      ...(options.args ?? []),
    ],
    {
      stdio: ["ignore", "pipe", options.log ? openSync(options.log, "w") : "ignore"],
      env: { ...process.env, ...options.env },
    },
  );
  const url = await announced(child, /listening on (\S+)/, "the lineage server");
  return {
    url,
    token: readFileSync(join(dataDir, "token"), "utf8").trim(),
    dataDir,
    close: async () => {
      await stop(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs `source` (CommonJS, `tsematic` importable) in a Node process tracked to `server`, as a
 * notebook's kernel would be; resolves when it exits 0.
 */
export async function runPipelines(server: LineageServer, source: string): Promise<void> {
  const child = spawn(process.execPath, ["-e", source], {
    cwd: repo,
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      TSEMATIC_URL: server.url,
      TSEMATIC_TOKEN: server.token,
      TSEMATIC_HOME: server.dataDir,
    },
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise((done) => child.once("exit", done));
  if (code !== 0) throw new Error(`the pipelines exited with ${String(code)}: ${stderr}`);
}

/** A free 127.0.0.1 port (free now; taken by its user a moment later). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const address = probe.address();
  await new Promise((done) => probe.close(done));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

/** The first capture of `pattern` in the child's stdout; fails if it exits or takes 30 s. */
export function announced(child: ChildProcess, pattern: RegExp, name: string): Promise<string> {
  const stdout = child.stdout;
  if (stdout === null) throw new Error(`no stdout pipe to ${name}`);
  return new Promise((resolveMatch, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in 30 s`)), 30_000);
    let seen = "";
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString();
      const match = pattern.exec(seen)?.[1];
      if (match) {
        clearTimeout(timer);
        stdout.off("data", onData);
        stdout.resume(); // keep draining, so the child never blocks on a full pipe
        resolveMatch(match);
      }
    };
    stdout.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}: see ui-tests/test-output/*.log`));
    });
  });
}

/** SIGTERM, then SIGKILL after 10 s; resolves when the child has exited. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once("exit", done));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
