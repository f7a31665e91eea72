/**
 * Which URL a rerun's jobs call the server back at (`POST /runs/{id}/rerun` `nodeUrl`), end to end
 * on a real local Slurm cluster (the executor whose jobs are told a node URL): a lineage server
 * with two allowed URLs (`--public-url`) whose default, the first, is a closed port; this
 * library's real worker; a pipeline submitted with `submit({ nodeUrl })` from a real Node process.
 * A job told the default could never report back, so a root that resolves proves that its driver
 * and the steps it dispatched called back at the chosen URL.
 */
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { SlurmCluster } from "@tsematic/server/lib/slurm-cluster/cluster";
import { freePorts } from "@tsematic/server/lib/slurm-cluster/ports";
import { cloudProjects, lastJson, type RunDetail } from "../test-support/cloud-project";
import { eventually, ServerProcess } from "../test-support/server-process";
import { removeWorkerFiles, slurmServerArgs } from "../test-support/slurm-server";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSlurmCluster } = require("@tsematic/server/lib/slurm-cluster/cluster") as {
  startSlurmCluster: () => Promise<SlurmCluster>;
};

/** The executor's default callback URL: a port nothing listens on. */
const CLOSED = "http://127.0.0.1:1";
/** Node-local and writable by the cluster's user. */
const WORKER_DIR = join(tmpdir(), `tsematic-worker-node-url-${process.pid}`);

let cluster: SlurmCluster;
let server: ServerProcess;
const cloud = cloudProjects(() => server, { shared: true });
const { markers, project, drive, runOf, runsUnder } = cloud;

before(async () => {
  cluster = await startSlurmCluster();
  const [port] = await freePorts(1);
  server = await ServerProcess.start({
    port: port!,
    args: [
      ...slurmServerArgs(cluster, { workerDir: WORKER_DIR, killGraceMs: 3000 }),
      ...["--public-url", CLOSED, "--public-url", `http://127.0.0.1:${port!}`],
    ],
    env: { TSEMATIC_TEST_MARKERS: markers },
  });
});

after(async () => {
  cloud.cleanUp();
  // The server first: it cancels the jobs it still has on the cluster.
  await server?.stop();
  await cluster?.stop();
  removeWorkerFiles(WORKER_DIR);
});

/** pipeline(n): double(i) for i < n, each a Slurm job of its own (it asks for a CPU), summed in the driver. */
const PIPELINE = `
const double = func({ resources: { cpus: 1 } }, function double(x) { return 2 * x; });
const pipeline = func(async function pipeline(n) {
  const xs = await Promise.all(Array.from({ length: n }, (_, i) => double(i)));
  return xs.reduce((a, b) => a + b, 0);
});
`;

async function post<T>(path: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function resolved(rootId: string): Promise<RunDetail> {
  return eventually(`root ${rootId} to resolve`, async () => {
    const r = await runOf(rootId).catch(() => undefined);
    if (r && ["failed", "canceled"].includes(r.run.state)) {
      throw new Error(`root ${rootId} ${r.run.state}: ${JSON.stringify(r.run.error)}`);
    }
    return r?.run.state === "resolved" ? r : undefined;
  });
}

describe("the URL a rerun's jobs call back (Slurm)", () => {
  let original: RunDetail;

  before(async () => {
    const { main } = project(
      "rerun-node-url",
      `${PIPELINE}
pipeline(3).submit({ executor: "slurm", nodeUrl: process.env.TSEMATIC_URL }).then(
  (r) => console.log(JSON.stringify({ rootId: r.rootId })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const submitted = await drive(main).done;
    assert.equal(submitted.code, 0, submitted.output);
    original = await resolved(lastJson<{ rootId: string }>(submitted.output).rootId);
  });

  it("without a nodeUrl, a rerun's driver and the steps it dispatches call back at the original's choice, not the default", async () => {
    const answer = await post<{ rootId: string }>(`/runs/${original.run.id}/rerun`, {});
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const rerun = await resolved(answer.body.rootId);
    const doubles = (await runsUnder(rerun.run.id)).filter((r) => r.run.stepName === "double");
    assert.equal(doubles.length, 3);
    assert.ok(doubles.every((r) => r.run.state === "resolved"));
  });

  it("refuses a nodeUrl the server does not allow, in a dry run too, naming the allowed ones, and creates nothing", async () => {
    const roots = await server.api<{ runs: unknown[] }>("/runs?limit=1000");
    for (const dryRun of [true, false]) {
      const refused = await post<{ error: { code: string; message: string } }>(
        `/runs/${original.run.id}/rerun`,
        { dryRun, nodeUrl: "http://laptop.example:8765" },
      );
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.equal(refused.body.error.code, "node_url_not_allowed");
      assert.ok(
        refused.body.error.message.includes(`(allowed: ${CLOSED}, ${server.url})`),
        refused.body.error.message,
      );
    }
    const after = await server.api<{ runs: unknown[] }>("/runs?limit=1000");
    assert.equal(after.runs.length, roots.runs.length, "a refused rerun made a root run");
  });
});
