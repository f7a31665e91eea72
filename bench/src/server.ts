/** Starts a real lineage server process for a benchmark, on a free 127.0.0.1 port. */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export interface BenchServer {
  url: string;
  token: string;
  /** The server process's pid (for its memory, read from /proc). */
  pid: number;
  stop(): Promise<void>;
}

/** `args`: more `tsematic server` flags (`--warm-idle-ms 0`, the `--slurm-*` ones). */
export async function startServer(args: string[] = []): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "tsematic-bench-"));
  const cli = join(dirname(require.resolve("@tsematic/server/package.json")), "lib", "cli.js");
  const child: ChildProcess = spawn(
    process.execPath,
    [cli, "server", "--port", "0", "--data-dir", dataDir, ...args],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  const token = readFileSync(join(dataDir, "token"), "utf8").trim();
  return {
    url,
    token,
    pid: child.pid!,
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
