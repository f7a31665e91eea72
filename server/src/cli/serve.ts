/**
 * `tsematic server` (also `tsematic serve`): run the lineage server in the foreground until
 * SIGINT/SIGTERM; the local executor's limits and the job options come from flags.
 */
import { defaultDataDir, DEFAULT_PORT, type SlurmOptions } from "../config";
import { startServer } from "../server";
import { MAX_NODE_URLS, parsePublicUrl } from "../executors/node-urls";
import { CliError } from "./errors";
import type { Parsed } from "./main";

export async function serverCommand({ values, positionals }: Parsed): Promise<number> {
  if (positionals.length > 0) throw CliError.usage(`unexpected argument "${positionals[0]}"`);
  const port = integer(values.port, "--port", 0, 65535) ?? DEFAULT_PORT;
  const timeoutS = number(values["heartbeat-timeout"], "--heartbeat-timeout");
  const maxArtifactBytes = integer(
    values["max-artifact-bytes"],
    "--max-artifact-bytes",
    1,
    Number.MAX_SAFE_INTEGER,
  );
  const cpus = integer(values.cpus, "--cpus", 1, 1_000_000);
  const memoryMiB = integer(values["memory-mib"], "--memory-mib", 1, Number.MAX_SAFE_INTEGER);
  const gpus = integer(values.gpus, "--gpus", 0, 1_000_000);
  const maxInfraAttempts = integer(values["max-infra-attempts"], "--max-infra-attempts", 1, 100);
  const killGraceMs = integer(values["kill-grace-ms"], "--kill-grace-ms", 0, 600_000);
  const warmIdleMs = integer(values["warm-idle-ms"], "--warm-idle-ms", 0, 30_000);
  const dataDir = (values["data-dir"] as string | undefined) ?? defaultDataDir();
  const slurm = slurmOptions(values);
  let server;
  try {
    server = await startServer({
      port,
      host: values.host as string | undefined,
      dataDir,
      corsOrigins: values["cors-origin"] as string[] | undefined,
      allowedHosts: values["allowed-host"] as string[] | undefined,
      maxArtifactBytes,
      heartbeatTimeoutMs: timeoutS === undefined ? undefined : timeoutS * 1000,
      executor: { cpus, memoryMiB, gpus },
      maxInfraAttempts,
      killGraceMs,
      warmIdleMs,
      ...(slurm ? { slurm } : {}),
    });
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err));
  }
  process.stdout.write(
    `Tsematic lineage server listening on ${server.url}\n` +
      `  data directory: ${server.dataDir}\n` +
      `  token: ${server.dataDir}/token (clients find the server through ${server.dataDir}/server.json)\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await server.close();
  return 0;
}

/** The `--slurm-*` flags; undefined without `--slurm-url`. */
function slurmOptions(values: Parsed["values"]): SlurmOptions | undefined {
  const url = values["slurm-url"] as string | undefined;
  const others = [
    "slurm-user",
    "slurm-jwt-key",
    "slurm-partition",
    "slurm-worker-dir",
    "public-url",
  ];
  if (url === undefined) {
    const given = others.find((f) => values[f] !== undefined);
    if (given) throw CliError.usage(`--${given} needs --slurm-url (slurmrestd's URL)`);
    return undefined;
  }
  if (!/^https?:\/\/\S+$/.test(url)) {
    throw CliError.usage(`--slurm-url must be slurmrestd's http(s) URL, not "${url}"`);
  }
  const user = values["slurm-user"] as string | undefined;
  if (!user) {
    throw CliError.usage("--slurm-url needs --slurm-user USER (the unix user jobs run as)");
  }
  const jwtKeyFile = values["slurm-jwt-key"] as string | undefined;
  const jwt = process.env.TSEMATIC_SLURM_JWT;
  if (!jwtKeyFile && !jwt) {
    throw CliError.usage(
      "--slurm-url needs --slurm-jwt-key FILE (slurm.conf's AuthAltParameters=jwt_key) or a token in env TSEMATIC_SLURM_JWT",
    );
  }
  const publicUrls = publicUrlsOf(values["public-url"] as string[] | undefined);
  const arrayParallelism = integer(
    values["slurm-array-parallelism"],
    "--slurm-array-parallelism",
    1,
    1_000_000,
  );
  return {
    url,
    user,
    ...(jwtKeyFile ? { jwtKeyFile } : { jwt: jwt! }),
    ...(values["slurm-partition"] ? { partition: values["slurm-partition"] as string } : {}),
    ...(values["slurm-worker-dir"] ? { workerDir: values["slurm-worker-dir"] as string } : {}),
    ...(publicUrls.length > 0 ? { publicUrls } : {}),
    ...(arrayParallelism ? { arrayParallelism } : {}),
  };
}

/**
 * The `--public-url` flags: the URLs the cluster's jobs may call the server back at, the first by
 * default. Each an http(s) URL without credentials; at most {@link MAX_NODE_URLS}, none twice.
 */
function publicUrlsOf(values: string[] | undefined): string[] {
  if ((values?.length ?? 0) > MAX_NODE_URLS) {
    throw CliError.usage(
      `--public-url is given ${values!.length} times (at most ${MAX_NODE_URLS})`,
    );
  }
  const urls: string[] = [];
  for (const value of values ?? []) {
    let url: string;
    try {
      url = parsePublicUrl(value, "--public-url");
    } catch (error) {
      throw CliError.usage((error as Error).message);
    }
    if (urls.includes(url)) throw CliError.usage(`--public-url ${url} is given twice`);
    urls.push(url);
  }
  return urls;
}

function integer(value: unknown, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(String(value)) || n < min || n > max) {
    throw CliError.usage(
      `${flag} must be an integer from ${min} to ${max}, not "${String(value)}"`,
    );
  }
  return n;
}

function number(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw CliError.usage(`${flag} must be a positive number of seconds, not "${String(value)}"`);
  }
  return n;
}
