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

/**
 * `args`: more `tsematic server` flags (`--warm-idle-ms 0`, the `--slurm-*` ones). The server's
 * compiled lib directory is this checkout's unless `TSEMATIC_BENCH_SERVER_LIB` names another (a saved
 * copy of an older build: compare-servers.ts alternates two builds under the same load);
 * `TSEMATIC_BENCH_SERVER_NODE_ARGS` gives its node flags, space-separated (`--cpu-prof
 * --cpu-prof-dir=/tmp/prof`, to profile the server).
 */
export async function startServer(
  args: string[] = [],
  libDir = process.env.TSEMATIC_BENCH_SERVER_LIB,
  nodeArgs = (process.env.TSEMATIC_BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean),
): Promise<BenchServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "tsematic-bench-"));
  const lib = libDir ?? join(dirname(require.resolve("@tsematic/server/package.json")), "lib");
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeArgs, join(lib, "cli.js"), "server", "--port", "0", "--data-dir", dataDir, ...args],
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
