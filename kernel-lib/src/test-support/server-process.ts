/**
 * A real lineage server for kernel-lib tests: the `tsematic server` command line as a child process
 * on 127.0.0.1, with a fresh data directory. Tests talk to it over HTTP only, like the library does.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const CLI = join(dirname(require.resolve("@tsematic/server/package.json")), "lib", "cli.js");

export class ServerProcess {
  private child: ChildProcess | undefined;
  url = "";
  token = "";
  /** Everything the server printed so far. */
  output: () => string = () => "";

  private constructor(
    readonly dataDir: string,
    private readonly heartbeatTimeoutS: number,
    private readonly args: string[],
    private readonly env: Record<string, string>,
  ) {}

  /**
   * Starts a server on a free port (or `port`) with its own data directory. `args` are more
   * command-line flags (`--cpus 2`), `env` more environment (`TSEMATIC_TEST_*` reaches workers).
   */
  static async start(
    options: {
      heartbeatTimeoutS?: number;
      args?: string[];
      env?: Record<string, string>;
      port?: number;
    } = {},
  ): Promise<ServerProcess> {
    const server = new ServerProcess(
      mkdtempSync(join(tmpdir(), "tsematic-kl-")),
      options.heartbeatTimeoutS ?? 15,
      options.args ?? [],
      options.env ?? {},
    );
    await server.spawn(options.port ?? 0);
    return server;
  }

  private async spawn(port: number): Promise<void> {
    const child = spawn(
      process.execPath,
      [
        CLI,
        "server",
        "--port",
        String(port),
        "--data-dir",
        this.dataDir,
        "--heartbeat-timeout",
        String(this.heartbeatTimeoutS),
        ...this.args,
      ],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...this.env } },
    );
    this.child = child;
    let output = "";
    this.output = () => output;
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    // Generous: on a loaded 2-core machine a Node process can take many seconds to start.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        this.url = match[1]!;
        this.token = readFileSync(join(this.dataDir, "token"), "utf8").trim();
        return;
      }
      if (child.exitCode !== null) break;
      await sleep(50);
    }
    throw new Error(`the test server did not start: ${output}`);
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  get pid(): number {
    return this.child!.pid!;
  }

  /** Environment that points a client process at this server. */
  clientEnv(): Record<string, string> {
    return { TSEMATIC_URL: this.url, TSEMATIC_TOKEN: this.token, TSEMATIC_HOME: this.dataDir };
  }

  /** Kills the server with SIGKILL: no shutdown code runs. */
  async kill9(): Promise<void> {
    const child = this.child!;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  }

  /** Starts the server again on the same port and data directory. */
  async restart(): Promise<void> {
    await this.spawn(this.port);
  }

  async api<T>(path: string, init: { method?: string } = {}): Promise<T> {
    const res = await fetch(`${this.url}/api/v1${path}`, {
      method: init.method ?? "GET",
      headers: { authorization: `Bearer ${this.token}` },
    });
    const body = (await res.json()) as T;
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`);
    return body;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}
