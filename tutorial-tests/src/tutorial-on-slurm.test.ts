/**
 * Tutorial 05 promoted to a real Slurm cluster, as issue 16 asks ("it runs in `npm test` on the
 * `local` executor, and on the Slurm cluster where the test suite started one"): one local cluster
 * started by the project's own code (server/src/slurm-cluster/), a lineage server whose `slurm`
 * executor is that cluster, and the notebook executed with the real tslab kernel and
 * `TSEMATIC_TUTORIAL_EXECUTOR=slurm`. The notebook asserts its own results; this file then proves
 * that its steps ran as Slurm jobs, from the server's job records and from slurmrestd's own. The
 * server is given two node URLs (`--public-url`, both reaching it): its jobs call back the first,
 * and a submission naming a URL outside them is refused.
 *
 * Lean by design (CI has 2 cores): one cluster of one node (the GPU node: `train` asks for a GPU),
 * one server, one notebook run. Everything started here is stopped by its pid in `after`, whatever
 * failed.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import type { SlurmCluster, SlurmNodeSpec } from "@tsematic/server/lib/slurm-cluster/cluster";
import { slurmRest, slurmServerArgs } from "tsematic/lib/test-support/slurm-server";
import {
  TUTORIALS_DIR,
  executeNotebook,
  formatReport,
  startLineageServer,
  type LineageServer,
} from "./harness";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { freePorts } = require("@tsematic/server/lib/slurm-cluster/ports") as {
  freePorts: (count: number) => Promise<number[]>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSlurmCluster } = require("@tsematic/server/lib/slurm-cluster/cluster") as {
  startSlurmCluster: (options: { nodes: SlurmNodeSpec[] }) => Promise<SlurmCluster>;
};

const NOTEBOOK = path.join(TUTORIALS_DIR, "05-from-notebook-to-cluster.ipynb");
/**
 * One node with what the tutorial's jobs ask at once: the driver (1 CPU, 512 MiB), `makeData`
 * (512 MiB) and `train` (1 CPU, 1 GPU, Slurm's 1000 MiB per CPU).
 */
const NODES: SlurmNodeSpec[] = [{ name: "w1", cpus: 2, memoryMiB: 3000, gpus: 1 }];
/** Node-local and writable by the cluster's job user (the cluster's state directory is root's). */
const WORKER_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "tsematic-tutorial-worker-"));

interface RunRow {
  id: string;
  rootId: string;
  stepName: string;
  state: string;
}
interface ExecutorView {
  name: string;
  nodeUrls: string[];
  reachable: boolean;
  problem: string | null;
}
interface JobRecord {
  id: string;
  executor: string;
  state: string;
  handle?: { executor?: string; externalId?: string; node?: string };
}

describe("tutorial 05 on a local Slurm cluster", () => {
  let cluster: SlurmCluster | undefined;
  let server: LineageServer | undefined;
  let nodeUrls: string[] = [];
  before(async () => {
    fs.chmodSync(WORKER_DIR, 0o777);
    cluster = await startSlurmCluster({ nodes: NODES });
    const [port] = await freePorts(1);
    // Two URLs the nodes may use, both reaching the server (bound to 127.0.0.1); jobs take the first.
    nodeUrls = [`http://localhost:${port}`, `http://127.0.0.1:${port}`];
    server = await startLineageServer({
      port,
      args: [
        ...slurmServerArgs(cluster, { workerDir: WORKER_DIR }),
        ...nodeUrls.flatMap((url) => ["--public-url", url]),
      ],
    });
  });
  after(async () => {
    // The server first: it cancels the jobs it still has on the cluster.
    await server?.stop();
    await cluster?.stop();
    fs.rmSync(WORKER_DIR, { recursive: true, force: true });
  });

  const api = async <T>(route: string): Promise<T> => {
    const res = await fetch(`${server!.url}/api/v1${route}`, {
      headers: { authorization: `Bearer ${server!.token}` },
    });
    assert.equal(res.status, 200, `GET ${route}: ${res.status} ${await res.clone().text()}`);
    return (await res.json()) as T;
  };

  test("05-from-notebook-to-cluster.ipynb runs with TSEMATIC_TUTORIAL_EXECUTOR=slurm, its assertions hold, and every step of its cloud run was a Slurm job", async () => {
    // What the Run Pipeline on Cluster dialog reads: the server reaches its cluster, and the URLs
    // the operator configured for the jobs (the first by default: the one the jobs below use).
    const { executors } = await api<{ executors: ExecutorView[] }>("/executors");
    const slurm = executors.find((e) => e.name === "slurm");
    assert.deepEqual(
      slurm && { nodeUrls: slurm.nodeUrls, reachable: slurm.reachable, problem: slurm.problem },
      { nodeUrls, reachable: true, problem: null },
    );

    const report = await executeNotebook(NOTEBOOK, {
      tsematicHome: server!.home,
      env: { TSEMATIC_TUTORIAL_EXECUTOR: "slurm" },
      outDir: path.join(TUTORIALS_DIR, ".executed", "slurm"),
    });
    assert.ok(report.ok, formatReport(report));

    // The one cloud run: the notebook's local sample run is the server's other root.
    const { runs: roots } = await api<{ runs: RunRow[] }>("/runs?root=true&executor=slurm");
    assert.equal(roots.length, 1, `one root on slurm: ${JSON.stringify(roots)}`);
    const root = roots[0]!;
    assert.equal(root.stepName, "trainingPipeline");
    assert.equal(root.state, "resolved");

    const { runs } = await api<{ runs: RunRow[] }>(`/runs?rootId=${root.id}&limit=100`);
    const rest = slurmRest(cluster!);
    for (const name of ["trainingPipeline", "makeData", "train"]) {
      const run = runs.find((r) => r.stepName === name);
      assert.ok(run, `the cloud run has a ${name} run: ${runs.map((r) => r.stepName).join(", ")}`);
      const job = await api<JobRecord>(`/runs/${run.id}/job`);
      assert.equal(job.executor, "slurm", `${name}'s job ran on the slurm executor`);
      assert.equal(job.state, "succeeded", `${name}'s job: ${JSON.stringify(job)}`);
      const slurmId = job.handle?.externalId ?? "";
      assert.match(
        slurmId,
        /^\d+$/,
        `${name}'s job names its Slurm job id: ${JSON.stringify(job)}`,
      );
      assert.equal(job.handle?.node, "w1");
      // Slurm's own record of that job: named after the server's job, and completed.
      const record = await rest.job(slurmId);
      assert.ok(record, `slurmctld remembers Slurm job ${slurmId} (${name})`);
      assert.equal(record.name, job.id, `Slurm job ${slurmId} is ${name}'s job`);
      assert.equal(record.job_state, "COMPLETED", `Slurm job ${slurmId} (${name})`);
      if (name === "train") assert.equal(record.tres_per_node, "gres:gpu:1", "train asked a GPU");
    }
  });

  test("a submission to the cluster that names a node URL the operator did not configure is refused with a 400 naming the allowed URLs", async () => {
    const res = await fetch(`${server!.url}/api/v1/submissions`, {
      method: "POST",
      headers: { authorization: `Bearer ${server!.token}`, "content-type": "application/json" },
      body: JSON.stringify({
        kind: "root",
        packageId: "a".repeat(64),
        stepName: "trainingPipeline",
        inputs: [],
        executor: "slurm",
        nodeUrl: "http://collector.example:8765",
      }),
    });
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(body.error.code, "node_url_not_allowed");
    assert.ok(body.error.message.includes(`(allowed: ${nodeUrls.join(", ")})`), body.error.message);
  });
});
