/**
 * The Slurm executor against a real local cluster (issue 15): `submit()` to the first step running on
 * a Slurm node (target < 5 s; Slurm alone took 2-3 s from sbatch to done here), and a 50-step fan-out
 * end to end as one job array against 50 separate batch jobs. Printed, never asserted. Needs root and
 * the Slurm packages (`scripts/slurm-install.sh`); says so and exits 0 otherwise.
 */
import { startSlurmCluster, type SlurmCluster } from "@tsematic/server/lib/slurm-cluster/cluster";
import { slurmRest, slurmServerArgs } from "tsematic/lib/test-support/slurm-server";
import { fanOut, separateJobs } from "./slurm-steps";
import { startServer, type BenchServer } from "./server";

const WIDTH = 50;
const PACKAGE = require.resolve("./slurm-steps.js");

async function api<T>(server: BenchServer, path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Epoch ms at which the first child of `rootId` had a running job (polled every 50 ms). */
async function firstStepStarted(server: BenchServer, rootId: string): Promise<number> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const children = await api<{ runs: { id: string }[] }>(server, `/runs/${rootId}/children`);
    for (const child of children.status === 200 ? children.body.runs : []) {
      const job = await api<{ startedAt?: number }>(server, `/runs/${child.id}/job`);
      if (job.status === 200 && job.body.startedAt !== undefined) return job.body.startedAt;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no step of root ${rootId} started within 300 s`);
}

/** The Slurm jobs slurmctld knows, an array counted once. */
async function slurmJobIds(cluster: SlurmCluster): Promise<Set<number>> {
  const jobs = (await slurmRest(cluster).jobs()) as { job_id: number; array_job_id?: number }[];
  return new Set(jobs.map((j) => (j.array_job_id ? j.array_job_id : j.job_id)));
}

async function timed(what: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await what();
  return performance.now() - start;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) {
    console.log("skipped: a local Slurm cluster needs root (and scripts/slurm-install.sh)");
    return;
  }
  const clusterStart = performance.now();
  const cluster = await startSlurmCluster();
  console.log(
    `local Slurm cluster (2 nodes, slurmrestd, JWT) ready in ${(performance.now() - clusterStart).toFixed(0)} ms`,
  );
  let server: BenchServer | undefined;
  try {
    server = await startServer(slurmServerArgs(cluster));
    process.env.TSEMATIC_URL = server.url;
    process.env.TSEMATIC_TOKEN = server.token;
    const remote = { executor: "slurm", package: PACKAGE } as const;

    const submits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const start = Date.now();
      const run = await fanOut(1).submit(remote);
      const started = await firstStepStarted(server, run.rootId);
      await run.result();
      submits.push(started - start);
    }
    console.log(
      `submit() to the first step running on Slurm: best ${Math.min(...submits)} ms, ` +
        `runs ${submits.join(", ")} ms (target < 5000; the first includes packaging and a cold worker cache)`,
    );

    // Equal caps: the array's %cap (the pipeline's maxParallelism) is every CPU of the cluster, which
    // is also how many of the 50 one-CPU batch jobs Slurm can run at once.
    const cap = cluster.nodes.reduce((sum, n) => sum + n.cpus, 0);
    const capped = { ...remote, maxParallelism: cap };
    console.log(`both fan-outs run at most ${cap} steps at once (the cluster's CPUs)`);
    for (const [name, pipeline] of [
      [`one job array (%${cap})`, () => fanOut(WIDTH).resolve(capped)],
      [`${WIDTH} separate jobs`, () => separateJobs(WIDTH).resolve(capped)],
    ] as const) {
      const before = await slurmJobIds(cluster);
      const ms = await timed(pipeline);
      const after = await slurmJobIds(cluster);
      const submitted = [...after].filter((id) => !before.has(id)).length;
      console.log(
        `${WIDTH}-step fan-out as ${name}: ${(ms / 1000).toFixed(1)} s end to end, ` +
          `${submitted} Slurm submission(s), on ${cluster.nodes.length} nodes of ${cluster.nodes[0]!.cpus} CPUs`,
      );
    }
  } finally {
    await server?.stop();
    await cluster.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
