/**
 * A real Slurm cluster on this machine for tests and for trying cloud runs: munged, slurmctld, one slurmd per
 * node (two by default, a fake GPU on the first) and slurmrestd with JWT authentication. Everything it uses is
 * under its state directory and on ports picked free on 127.0.0.1, so several clusters run side by side.
 * Needs root (slurmd starts jobs as their user) and the Debian packages (`scripts/slurm-install.sh`).
 *
 * @example
 * ```ts
 * const cluster = await startSlurmCluster();
 * after(() => cluster.stop());
 * const token = mintSlurmJwt({ keyFile: cluster.jwtKeyFile, user: cluster.user, lifetimeSeconds: 600 });
 * await fetch(`${cluster.restUrl}/slurm/v0.0.38/jobs`, {
 *   headers: { "X-SLURM-USER-NAME": cluster.user, "X-SLURM-USER-TOKEN": token },
 * });
 * await cluster.killNode("w1"); // its slurmd and its jobs die; Slurm notices and requeues
 * ```
 */
import { execFile, spawnSync } from "node:child_process";
import { createHash, randomBytes, randomInt } from "node:crypto";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import { removeJobOutputs } from "./job-outputs";
import { mintSlurmJwt } from "../executors/slurm/jwt";
import { defaultSlurmNodes, slurmConfigFiles, slurmPartition, type SlurmNodeSpec } from "./config";
import { Daemon } from "./daemon";
import { isAlive, jobProcessesOfNode, nodeMarker, nodeMarkerVariable } from "./node-processes";
import { freePorts } from "./ports";

export { defaultSlurmNodes, slurmPartition, type SlurmNodeSpec } from "./config";

const run = promisify(execFile);

/** A running local cluster; see {@link startSlurmCluster}. */
export interface SlurmCluster {
  /** slurmrestd, e.g. "http://127.0.0.1:40123" (JWT auth, openapi/v0.0.38). */
  restUrl: string;
  /** The HS256 key slurmctld checks tokens with (32 random bytes, mode 0600). */
  jwtKeyFile: string;
  /** The unix user jobs run as: the `sun` of the tokens to mint. */
  user: string;
  /** The partition every node is in ("tsematic", the default). */
  partition: string;
  nodes: SlurmNodeSpec[];
  /** Where everything lives: config in etc/, logs in logs/, each node's spool in nodes/<node>/ (and
   * nodes/<node>/work, a directory `user` may write). */
  stateDir: string;
  /** `SLURM_CONF` (and nothing else needed): `sinfo`, `squeue`, `scontrol` with it talk to this cluster. */
  env: Record<string, string>;
  /** Node death: kill -9 its slurmd and every process of the jobs on it (their slurmstepd and children). */
  killNode(name: string): Promise<void>;
  /** Starts a killed node's slurmd again; resolves once slurmctld has it back (not DOWN). */
  startNode(name: string): Promise<void>;
  /** Stops every daemon and job process it started (by pid) and waits for them; removes the state directory
   * only when it made it (no `stateDir` given). Safe to call twice. */
  stop(): Promise<void>;
}

/** What {@link startSlurmCluster} may be told. */
export interface SlurmClusterOptions {
  /** Kept after stop(); default: a fresh directory under the system's tmpdir, removed by stop(). */
  stateDir?: string;
  nodes?: SlurmNodeSpec[];
  /** The unix user jobs run as; default `tsematic-slurm` (made by scripts/slurm-install.sh). */
  user?: string;
  /** Seconds before slurmctld declares a silent node DOWN; default 10. */
  slurmdTimeoutSeconds?: number;
  /** Seconds slurmctld keeps an ended job's record (MinJobAge); default Slurm's 300. */
  minJobAgeSeconds?: number;
  /** How long to wait for every daemon to be ready; default 120 s (the machine may be busy). */
  readyTimeoutMs?: number;
}

/** The user scripts/slurm-install.sh creates for jobs (and slurmrestd, which refuses to run as root). */
export const defaultSlurmJobUser = "tsematic-slurm";

const restApi = "v0.0.38";

/**
 * Starts a cluster and resolves once slurmrestd answers an authenticated request and `sinfo` shows every node
 * idle.
 *
 * @throws Error when Slurm is not installed or this is not root (saying what to run), or when a daemon does not
 * start (naming it, with the tail of its log); everything started is stopped first.
 */
export async function startSlurmCluster(options: SlurmClusterOptions = {}): Promise<SlurmCluster> {
  checkInstalled();
  const nodes = (options.nodes ?? defaultSlurmNodes).map((node) => ({ ...node }));
  const user = options.user ?? defaultSlurmJobUser;
  const ids = unixIds(user);
  checkJobUserReadsCheckout(user);
  const ownsStateDir = options.stateDir === undefined;
  const stateDir = resolve(options.stateDir ?? mkdtempSync(join(tmpdir(), "tsematic-slurm-")));
  let layout: StateLayout;
  try {
    layout = prepareStateDir(stateDir, nodes, ids);
  } catch (error) {
    if (ownsStateDir) rmSync(stateDir, { recursive: true, force: true });
    throw error;
  }
  const [controllerPort, restPort, ...nodePorts] = await freePorts(2 + nodes.length);
  const clusterName = persistedClusterName(stateDir);
  const host = hostname();
  const files = slurmConfigFiles({
    clusterName,
    hostname: host,
    controllerPort: controllerPort!,
    nodes: nodes.map((node, i) => ({
      ...node,
      port: nodePorts[i]!,
      gpuFiles: layout.gpuFiles(node),
    })),
    mungeSocket: layout.mungeSocket,
    jwtKeyFile: layout.jwtKeyFile,
    stateDir: join(stateDir, "ctld"),
    nodeDirPattern: join(stateDir, "nodes", "%n"),
    logDir: layout.logDir,
    firstJobId: randomInt(1000, 60_000_000),
    cgroupV1: existsSync("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
    slurmdTimeoutSeconds: options.slurmdTimeoutSeconds ?? 10,
    ...(options.minJobAgeSeconds !== undefined
      ? { minJobAgeSeconds: options.minJobAgeSeconds }
      : {}),
  });
  writeFileSync(join(layout.etcDir, "slurm.conf"), files.slurmConf, { mode: 0o644 });
  writeFileSync(join(layout.etcDir, "gres.conf"), files.gresConf, { mode: 0o644 });
  writeFileSync(join(layout.etcDir, "cgroup.conf"), files.cgroupConf, { mode: 0o644 });
  const env = { SLURM_CONF: join(layout.etcDir, "slurm.conf") };
  const daemonEnv = { PATH: process.env.PATH ?? "/usr/sbin:/usr/bin:/sbin:/bin", ...env };
  const log = (name: string) => join(layout.logDir, name);

  const daemons: Daemon[] = [];
  const slurmds = new Map<string, Daemon>();
  const startSlurmd = (name: string): Daemon => {
    const daemon = new Daemon(
      `slurmd ${name}`,
      "slurmd",
      ["-D", "-N", name],
      { ...daemonEnv, [nodeMarkerVariable]: nodeMarker(clusterName, name) },
      [log(`slurmd-${name}.out`), log(`slurmd-${name}.log`)],
    );
    slurmds.set(name, daemon);
    daemons.push(daemon);
    return daemon;
  };
  const restUser = user === "root" ? "nobody" : user;
  const restUrl = `http://127.0.0.1:${restPort}`;
  const token = () => mintSlurmJwt({ keyFile: layout.jwtKeyFile, user, lifetimeSeconds: 300 });

  let stopped: Promise<void> | undefined;
  const killJobsOf = async (name: string): Promise<void> => {
    const keep = daemons.map((d) => d.pid);
    // Repeat: a job process may fork while we kill.
    for (let round = 0; round < 50; round++) {
      const pids = jobProcessesOfNode(clusterName, name, keep).filter(isAlive);
      if (pids.length === 0) return;
      for (const pid of pids) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Gone meanwhile.
        }
      }
      await sleep(100);
    }
  };
  const killAllSync = () => {
    for (const daemon of daemons) daemon.signal("SIGKILL");
    for (const node of nodes) {
      for (const pid of jobProcessesOfNode(clusterName, node.name)) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // Gone meanwhile.
        }
      }
    }
  };
  process.on("exit", killAllSync);

  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      const running = (name: string) =>
        daemons.filter((d) => d.name.startsWith(name) && d.ended === undefined);
      await Promise.all(running("slurmrestd").map((d) => d.stop()));
      for (const node of nodes) await killJobsOf(node.name);
      await Promise.all(running("slurmd").map((d) => d.stop()));
      for (const node of nodes) await killJobsOf(node.name);
      await Promise.all(running("slurmctld").map((d) => d.stop()));
      await Promise.all(running("munged").map((d) => d.stop()));
      process.off("exit", killAllSync);
      // Its nodes are this machine: the outputs its jobs left in /tmp go with it.
      removeJobOutputs(log("slurmctld.log"));
      rmSync(dirname(layout.mungeSocket), { recursive: true, force: true });
      if (ownsStateDir) rmSync(stateDir, { recursive: true, force: true });
    })();
    return stopped;
  };

  try {
    const munged = new Daemon(
      "munged",
      "munged",
      [
        "--foreground",
        `--socket=${layout.mungeSocket}`,
        `--key-file=${layout.mungeKey}`,
        `--pid-file=${join(layout.mungeDir, "munged.pid")}`,
        `--seed-file=${join(layout.mungeDir, "munged.seed")}`,
        `--log-file=${log("munged.log")}`,
      ],
      daemonEnv,
      [log("munged.out"), log("munged.log")],
    );
    daemons.push(munged);
    await waitFor("munged", [munged], () => existsSync(layout.mungeSocket), 30_000);
    daemons.push(
      new Daemon("slurmctld", "slurmctld", ["-D"], daemonEnv, [
        log("slurmctld.out"),
        log("slurmctld.log"),
      ]),
    );
    for (const node of nodes) startSlurmd(node.name);
    daemons.push(
      new Daemon(
        "slurmrestd",
        "slurmrestd",
        [
          "-u",
          restUser,
          "-s",
          `openapi/${restApi}`,
          "-a",
          "rest_auth/jwt",
          `127.0.0.1:${restPort}`,
        ],
        { ...daemonEnv, SLURM_JWT: "daemon" },
        [log("slurmrestd.out")],
      ),
    );
    const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
    await waitFor("slurmrestd", daemons, () => restAnswers(restUrl, user, token()), readyTimeoutMs);
    await waitFor(
      "slurmd",
      daemons,
      async () => {
        const states = await nodeStates(env);
        return nodes.every((node) => states.get(node.name) === "idle");
      },
      readyTimeoutMs,
      async () => `sinfo: ${[...(await nodeStates(env).catch(() => new Map()))].join(", ")}`,
    );
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    restUrl,
    jwtKeyFile: layout.jwtKeyFile,
    user,
    partition: slurmPartition,
    nodes,
    stateDir,
    env,
    async killNode(name) {
      const slurmd = slurmds.get(name);
      if (!slurmd) {
        throw new Error(
          `No node "${name}" in this cluster: it has ${nodes.map((n) => n.name).join(", ")}.`,
        );
      }
      slurmd.signal("SIGKILL");
      await killJobsOf(name);
      await slurmd.waitForExit();
    },
    async startNode(name) {
      const previous = slurmds.get(name);
      if (!previous) {
        throw new Error(
          `No node "${name}" in this cluster: it has ${nodes.map((n) => n.name).join(", ")}.`,
        );
      }
      if (previous.ended === undefined) return;
      const daemon = startSlurmd(name);
      const registrations = countRegistrations(daemon);
      await waitFor(
        `slurmd ${name}`,
        [daemon],
        async () => {
          if (countRegistrations(daemon) <= registrations) return false;
          const state = (await nodeStates(env)).get(name) ?? "";
          return !state.endsWith("*") && !/^(down|drain|unk|fail)/.test(state);
        },
        options.readyTimeoutMs ?? 120_000,
      );
    },
    stop,
  };
}

function checkInstalled(): void {
  const missing = ["munged", "slurmctld", "slurmd", "slurmrestd", "sinfo"].filter(
    (command) => spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status !== 0,
  );
  if (missing.length > 0) {
    throw new Error(
      `Slurm is not installed here (missing ${missing.join(", ")}): run \`bash scripts/slurm-install.sh\` as root.`,
    );
  }
  if (process.getuid?.() !== 0) {
    throw new Error(
      "A local Slurm cluster must be started as root (slurmd starts each job as its user); run this as root, or point Tsematic at a real site (README, 'Run on a Slurm cluster').",
    );
  }
}

/**
 * Jobs run `node <checkout>/kernel-lib/lib/worker/main.js` as the job user: a checkout under a private home
 * (e.g. /root, mode 0700) would make every job fail on a node, long after the cluster seemed ready. A parent
 * directory the job user cannot traverse gets an ACL entry letting that one user pass through it (search
 * only: it still cannot list or read it), as a site admin would set up a shared checkout; said on stderr.
 */
function checkJobUserReadsCheckout(user: string): void {
  if (user === "root") return;
  const checkout = resolve(__dirname, "../../..");
  const probe = resolve(checkout, "kernel-lib/package.json");
  if (!existsSync(probe)) return;
  const can = (test: string, path: string): boolean =>
    spawnSync("runuser", ["-u", user, "--", "test", test, path], { stdio: "ignore" }).status === 0;
  if (can("-r", probe)) return;
  for (let dir = checkout; ; dir = dirname(dir)) {
    if (!can("-x", dir)) {
      const acl = spawnSync("setfacl", ["-m", `u:${user}:x`, dir], { encoding: "utf8" });
      if (acl.status === 0) {
        process.stderr.write(
          `slurm-cluster: let the job user "${user}" traverse ${dir} (setfacl -m u:${user}:x), so jobs reach ${checkout}\n`,
        );
      }
    }
    if (dir === dirname(dir)) break;
  }
  if (!can("-r", probe)) {
    throw new Error(
      `The Slurm job user "${user}" cannot read ${probe}, so jobs could not run the worker: ` +
        "let every user read this checkout (chmod o+rx on it and its parent directories) or clone it elsewhere.",
    );
  }
}

interface StateLayout {
  etcDir: string;
  logDir: string;
  mungeDir: string;
  mungeKey: string;
  mungeSocket: string;
  jwtKeyFile: string;
  gpuFiles(node: SlurmNodeSpec): string[];
}

/**
 * Where munged's socket goes: munged refuses a socket unless every directory above it lets everyone
 * pass (`execute permissions for all required on "/root"`), which a state directory inside a private
 * checkout does not, so the socket lives in its own folder of the system's temporary directory, named
 * after the state directory (a kept one finds it again; short enough for a unix socket path).
 */
export function mungeSocketDir(stateDir: string): string {
  const key = createHash("sha256").update(resolve(stateDir)).digest("hex").slice(0, 16);
  const dir = join(tmpdir(), `tsematic-munge-${key}`);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  return dir;
}

/** Creates the directories and keys (kept when present, so a kept state directory starts again). */
function prepareStateDir(
  stateDir: string,
  nodes: readonly SlurmNodeSpec[],
  ids: { uid: number; gid: number },
): StateLayout {
  mkdirSync(stateDir, { recursive: true });
  // slurmrestd (not root) reads etc/, and the job user writes under nodes/<node>/work.
  chmodSync(stateDir, 0o755);
  const dir = (path: string, mode = 0o755) => {
    mkdirSync(path, { recursive: true });
    chmodSync(path, mode);
    return path;
  };
  const etcDir = dir(join(stateDir, "etc"));
  const logDir = dir(join(stateDir, "logs"));
  // munged checks that everyone may reach its socket, and that nobody else may write the directory.
  const mungeDir = dir(join(stateDir, "munge"));
  dir(join(stateDir, "ctld"), 0o700);
  const devDir = dir(join(stateDir, "dev"));
  for (const node of nodes) {
    dir(join(stateDir, "nodes", node.name, "spool"), 0o700);
    const work = dir(join(stateDir, "nodes", node.name, "work"));
    chownSync(work, ids.uid, ids.gid);
  }
  const mungeKey = join(mungeDir, "munge.key");
  if (!existsSync(mungeKey)) writeFileSync(mungeKey, randomBytes(1024), { mode: 0o600 });
  const jwtKeyFile = join(etcDir, "jwt_hs256.key");
  if (!existsSync(jwtKeyFile)) writeFileSync(jwtKeyFile, randomBytes(32), { mode: 0o600 });
  const mungeSocket = join(mungeSocketDir(stateDir), "munge.socket");
  const gpuFiles = (node: SlurmNodeSpec) =>
    Array.from({ length: node.gpus }, (_, i) => {
      // A fake GPU: slurmd wants a character device per GPU; this one is /dev/null's (1, 3).
      const file = join(devDir, `${node.name}-gpu${i}`);
      if (!existsSync(file) || !statSync(file).isCharacterDevice()) {
        rmSync(file, { force: true });
        const made = spawnSync("mknod", ["-m", "666", file, "c", "1", "3"], { encoding: "utf8" });
        if (made.status !== 0) {
          throw new Error(`Cannot make the fake GPU device ${file}: ${made.stderr.trim()}`);
        }
      }
      return file;
    });
  return { etcDir, logDir, mungeDir, mungeKey, mungeSocket, jwtKeyFile, gpuFiles };
}

function unixIds(user: string): { uid: number; gid: number } {
  const result = spawnSync("id", ["-u", user], { encoding: "utf8" });
  const group = spawnSync("id", ["-g", user], { encoding: "utf8" });
  if (result.status !== 0 || group.status !== 0) {
    throw new Error(
      `The Slurm job user "${user}" does not exist: run \`bash scripts/slurm-install.sh\` as root (it creates ${defaultSlurmJobUser}), or pass another user.`,
    );
  }
  return { uid: Number(result.stdout.trim()), gid: Number(group.stdout.trim()) };
}

/** slurmctld refuses to start when its saved state names another cluster: keep the name with the state. */
function persistedClusterName(stateDir: string): string {
  const file = join(stateDir, "cluster-name");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const name = `ts${randomBytes(4).toString("hex")}`;
  writeFileSync(file, name + "\n");
  return name;
}

async function restAnswers(restUrl: string, user: string, token: string): Promise<boolean> {
  try {
    const response = await fetch(`${restUrl}/slurm/${restApi}/ping`, {
      headers: { "X-SLURM-USER-NAME": user, "X-SLURM-USER-TOKEN": token },
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) return false;
    const body = (await response.json()) as { pings?: { ping?: string }[] };
    return body.pings?.[0]?.ping === "UP";
  } catch {
    return false;
  }
}

/** Each node's state as sinfo prints it, e.g. "idle", "mix", "down*" (`*`: not responding). */
async function nodeStates(env: Record<string, string>): Promise<Map<string, string>> {
  const { stdout } = await run("sinfo", ["--noheader", "--Node", "--format=%N %t"], {
    env: { ...process.env, ...env },
    timeout: 20_000,
  });
  const states = new Map<string, string>();
  for (const line of stdout.trim().split("\n")) {
    const [node, state] = line.trim().split(/\s+/);
    if (node && state) states.set(node, state);
  }
  return states;
}

function countRegistrations(daemon: Daemon): number {
  const file = daemon.logFiles[1];
  if (!file || !existsSync(file)) return 0;
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.includes("slurmd started on")).length;
}

/**
 * Polls `ready` until true. Fails, naming `what` and the tail of its log, when a daemon exits or time runs out.
 */
async function waitFor(
  what: string,
  daemons: readonly Daemon[],
  ready: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describe?: () => Promise<string>,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = daemons.find((d) => d.ended !== undefined);
    if (dead) {
      throw new Error(
        `Slurm's ${dead.name} ${dead.ended} while starting the cluster.\n${dead.logTail()}`,
      );
    }
    if (
      await Promise.resolve()
        .then(ready)
        .catch(() => false)
    ) {
      return;
    }
    if (Date.now() > deadline) {
      const logs = daemons.filter((d) => d.name.startsWith(what)).map((d) => d.logTail());
      const state = describe ? await describe() : "";
      throw new Error(
        `Slurm's ${what} was not ready after ${timeoutMs} ms. ${state}\n${logs.join("\n")}`,
      );
    }
    await sleep(250);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
