/**
 * A real Slurm cluster for browser tests of cloud steps, on 127.0.0.1 only: the project's own
 * local cluster (server/src/slurm-cluster: munged, slurmctld, one slurmd, slurmrestd with JWT;
 * jobs run as the unprivileged `tsematic-slurm`), a lineage server whose `slurm` executor submits
 * to it, and pipelines driven against that server from a project folder by a Node process, as a
 * notebook's kernel drives them. Steps and the test coordinate through marker files, which the
 * server passes on to its workers (`TSEMATIC_TEST_MARKERS`).
 *
 * @example
 * ```ts
 * const slurm = await startSlurmLineageServer({ corsOrigins: [origin], log: "slurm-server.log" });
 * const driver = slurm.drive("watched", `func(async function p() { ... })().run({ executor: "slurm" })`);
 * slurm.release("watched", "go"); // a step waiting with waitFor("go") goes on
 * await slurm.close(); // the drivers, the server, every daemon and job of the cluster
 * ```
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { startSlurmCluster, type SlurmCluster } from "@tsematic/server/lib/slurm-cluster/cluster";
import { header, projectDir } from "tsematic/lib/test-support/cloud-project";
import { slurmServerArgs } from "tsematic/lib/test-support/slurm-server";

import { type LineageServer, startLineageServer, stop } from "./lineage-server";

/**
 * The one node: two CPUs, so that two steps asking for both must take turns (the second pends
 * with Slurm's reason "Resources"), and memory for every step of a spec at once.
 */
export const SLURM_NODE = { name: "w1", cpus: 2, memoryMiB: 3000, gpus: 0 } as const;

/** A started cluster, its lineage server and the pipelines driven against it. */
export interface SlurmLineageServer {
  cluster: SlurmCluster;
  server: LineageServer;
  /**
   * Runs `body` (CommonJS after the marker helpers of kernel-lib's cloud tests: `func`, `mark`,
   * `waitFor`, `sleep`) as `main.js` of a fresh project, tracked to the server. Its output goes to
   * `log`; it is stopped by {@link close} if it still runs.
   */
  drive(name: string, body: string, log: string): ChildProcess;
  /** Writes the marker `file` of the project `name`: a step or driver waiting for it goes on. */
  release(name: string, file: string): void;
  /** Stops the drivers, the server and the cluster (every daemon and job, by pid), and removes
   * their files. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts the cluster, then the server on it; stops what started when a later part fails.
 *
 * @throws Error when Slurm is not installed (`bash scripts/slurm-install.sh`) or this is not root.
 */
export async function startSlurmLineageServer(options: {
  corsOrigins: string[];
  log: string;
}): Promise<SlurmLineageServer> {
  const markers = mkdtempSync(join(tmpdir(), "tsematic-ui-markers-"));
  // Steps run as the cluster's job user: they write and read markers too.
  chmodSync(markers, 0o777);
  // Node-local and writable by the job user (the cluster's state directory is root's alone).
  const workerDir = mkdtempSync(join(tmpdir(), "tsematic-ui-worker-"));
  chmodSync(workerDir, 0o777);
  const dirs = [markers, workerDir];
  const drivers: ChildProcess[] = [];
  let cluster: SlurmCluster | undefined;
  let server: LineageServer | undefined;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      await Promise.all(drivers.map((child) => stop(child)));
      await server?.close();
      await cluster?.stop();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    })();
    return closed;
  };
  try {
    cluster = await startSlurmCluster({ nodes: [{ ...SLURM_NODE }] });
    server = await startLineageServer({
      corsOrigins: options.corsOrigins,
      log: options.log,
      args: slurmServerArgs(cluster, { workerDir, killGraceMs: 3000 }),
      env: { TSEMATIC_TEST_MARKERS: markers },
    });
  } catch (error) {
    await close();
    throw error;
  }
  const started = { cluster, server };
  return {
    ...started,
    drive(name, body, log) {
      const { dir, main } = projectDir(`ui-${name}`, header(name) + body);
      dirs.push(dir);
      // The job user's worker reads the project's lockfile and node_modules (it runs on this host).
      chmodSync(dir, 0o755);
      const own = join(markers, name);
      mkdirSync(own, { recursive: true });
      chmodSync(own, 0o777);
      writeFileSync(log, "");
      const child = spawn(process.execPath, [main], {
        cwd: dir,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...process.env,
          TSEMATIC_URL: started.server.url,
          TSEMATIC_TOKEN: started.server.token,
          TSEMATIC_HOME: started.server.dataDir,
          TSEMATIC_TEST_MARKERS: markers,
        },
      });
      const append = (chunk: Buffer): void => writeFileSync(log, chunk, { flag: "a" });
      child.stdout?.on("data", append);
      child.stderr?.on("data", append);
      drivers.push(child);
      return child;
    },
    release(name, file) {
      writeFileSync(join(markers, name, file), "");
    },
    close,
  };
}
