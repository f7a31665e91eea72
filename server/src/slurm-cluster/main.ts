/**
 * `npm run slurm`: a local Slurm cluster for trying cloud runs on one machine. Installs the packages when
 * missing (as root), starts the cluster in ./.tsematic-slurm, prints how to point `tsematic server` at it, and
 * runs until Ctrl-C or SIGTERM, then stops every daemon.
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { startSlurmCluster } from "./cluster";

async function main(): Promise<void> {
  const repo = resolve(__dirname, "../../..");
  const install = spawnSync("bash", [resolve(repo, "scripts/slurm-install.sh")], {
    stdio: "inherit",
  });
  if (install.status !== 0) process.exit(install.status ?? 1);

  const stateDir = resolve(process.cwd(), ".tsematic-slurm");
  console.log(`Starting a local Slurm cluster in ${stateDir} ...`);
  const started = Date.now();
  const cluster = await startSlurmCluster({ stateDir });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the Slurm cluster ...`);
    cluster.stop().then(
      () => {
        console.log("Stopped.");
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));

  const nodes = cluster.nodes
    .map((n) => `${n.name} (${n.cpus} CPUs, ${n.memoryMiB} MiB${n.gpus ? `, ${n.gpus} GPU` : ""})`)
    .join(", ");
  console.log(
    [
      `Slurm is ready after ${((Date.now() - started) / 1000).toFixed(1)} s: partition ${cluster.partition}, nodes ${nodes}.`,
      "",
      "Start the Tsematic server with:",
      `  npx tsematic server --slurm-url ${cluster.restUrl} --slurm-user ${cluster.user} \\`,
      `    --slurm-jwt-key ${cluster.jwtKeyFile} --slurm-partition ${cluster.partition}`,
      "",
      "Look at the cluster with:",
      `  SLURM_CONF=${cluster.env.SLURM_CONF} squeue    (or sinfo, scontrol show job <id>)`,
      `Logs: ${stateDir}/logs`,
      "",
      "Ctrl-C stops the cluster.",
    ].join("\n"),
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
