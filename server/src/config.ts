/** Server options and their defaults. */
import { homedir } from "node:os";
import { join } from "node:path";

export interface ServerOptions {
  /** Where the database, artifacts, token and server.json live. Default: {@link defaultDataDir}. */
  dataDir?: string;
  /** Default 127.0.0.1: the server is not reachable from other machines unless asked. */
  host?: string;
  /** Default 8765; 0 picks a free port. */
  port?: number;
  /** Default: read from (or created in) `<dataDir>/token`. */
  token?: string;
  /**
   * Host names (besides loopback names and `host`) that clients may use in the `Host` header, e.g.
   * the name of a proxy in front of the server. Others are refused, so that a web page cannot reach
   * the server through a DNS name it controls (DNS rebinding). Default: none.
   */
  allowedHosts?: string[];
  /** Browser origins allowed to call the API (CORS) and open live connections. Default: none. */
  corsOrigins?: string[];
  /** A root whose client is silent this long has its open runs failed. Default 15 s. */
  heartbeatTimeoutMs?: number;
  /** Largest event batch body. Default 32 MiB. */
  maxBatchBytes?: number;
  /** Largest artifact upload. Default 2 GiB. */
  maxArtifactBytes?: number;
  /** Largest code package upload (`POST /packages`, read whole to be checked). Default 256 MiB. */
  maxPackageBytes?: number;
  /**
   * Data queued for one live (WebSocket) client that does not read before it is disconnected.
   * Default 16 MiB.
   */
  maxLiveBufferBytes?: number;
  /** Where internal errors are reported. Default: stderr. */
  log?: (message: string) => void;
  /**
   * Limits of the `local` executor (what it admits at once). Default: the machine's
   * (`os.availableParallelism()`, `os.totalmem()`, 0 GPUs). CLI: `--cpus`, `--memory-mib`, `--gpus`.
   */
  executor?: { cpus?: number; memoryMiB?: number; gpus?: number };
  /** Infrastructure attempts of a job (a lost worker is requeued until then). Default 3. */
  maxInfraAttempts?: number;
  /** Between TERM and KILL when a job is canceled or the server stops. Default 5000 ms. */
  killGraceMs?: number;
  /**
   * How long a warm worker (a step job's worker that finished) waits for another step job of its
   * root before it exits and its resources are freed. 0: every step job gets its own process.
   * Default 3000 ms. CLI: `--warm-idle-ms`.
   */
  warmIdleMs?: number;
  /**
   * The script workers run (`node <workerEntry>`). Default: `tsematic/lib/worker/main.js` as
   * resolved from the server's package.
   */
  workerEntry?: string;
  /**
   * The `slurm` executor (it exists only when `url` is given). CLI: `--slurm-url`, `--slurm-user`,
   * `--slurm-jwt-key FILE` or env `TSEMATIC_SLURM_JWT`, `--slurm-partition`, `--slurm-worker-dir`,
   * `--public-url`.
   */
  slurm?: SlurmOptions;
}

/** How the server reaches a Slurm cluster and how its jobs reach the server back. */
export interface SlurmOptions {
  /** slurmrestd, e.g. http://slurm-head:6820 */
  url: string;
  /** The unix user jobs run as (the JWT's `sun`). */
  user: string;
  /** The HS256 key slurmctld checks (slurm.conf AuthAltParameters=jwt_key=FILE): tokens are minted from it. */
  jwtKeyFile?: string;
  /** A token made elsewhere (`scontrol token`), used as it is, when there is no key file. */
  jwt?: string;
  partition?: string;
  /** Node-local directory the user can write: worker cache. Default /tmp/tsematic-worker-<user>. */
  workerDir?: string;
  /**
   * The server's URLs as workers on the nodes reach it (CLI: `--public-url`, repeatable): the only
   * URLs its jobs are ever told to call back, the first by default; a submission may pick another
   * of them (`nodeUrl`). Default: the server's own URL.
   */
  publicUrls?: string[];
  /** At most this many tasks of one job array run at once. Default: no cap. */
  arrayParallelism?: number;
}

export type ResolvedOptions = Required<
  Omit<ServerOptions, "token" | "executor" | "workerEntry" | "slurm">
> & {
  token?: string;
  executor: { cpus?: number; memoryMiB?: number; gpus?: number };
  workerEntry?: string;
  slurm?: SlurmOptions;
};

export const DEFAULT_PORT = 8765;

/** `$TSEMATIC_HOME`, else `~/.tsematic`. */
export function defaultDataDir(): string {
  return process.env.TSEMATIC_HOME || join(homedir(), ".tsematic");
}

export function resolveOptions(options: ServerOptions): ResolvedOptions {
  return {
    dataDir: options.dataDir ?? defaultDataDir(),
    host: options.host ?? "127.0.0.1",
    port: options.port ?? DEFAULT_PORT,
    token: options.token,
    allowedHosts: options.allowedHosts ?? [],
    corsOrigins: options.corsOrigins ?? [],
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 15_000,
    maxBatchBytes: options.maxBatchBytes ?? 32 * 1024 * 1024,
    maxArtifactBytes: options.maxArtifactBytes ?? 2 * 1024 * 1024 * 1024,
    maxPackageBytes: options.maxPackageBytes ?? 256 * 1024 * 1024,
    maxLiveBufferBytes: options.maxLiveBufferBytes ?? 16 * 1024 * 1024,
    log: options.log ?? ((message) => process.stderr.write(`tsematic server: ${message}\n`)),
    executor: options.executor ?? {},
    maxInfraAttempts: options.maxInfraAttempts ?? 3,
    killGraceMs: options.killGraceMs ?? 5000,
    warmIdleMs: options.warmIdleMs ?? 3000,
    workerEntry: options.workerEntry,
    ...(options.slurm ? { slurm: options.slurm } : {}),
  };
}
