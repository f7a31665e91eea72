/**
 * Node death on a real Slurm cluster (server/src/slurm-cluster): `kill -9` of the slurmd running a step,
 * with every process of its job, as a machine losing power. Slurm notices the silent node, requeues the job
 * (`--requeue`), and the worker's attempt 2 (SLURM_RESTART_COUNT=1) resolves the same run: no second run,
 * no second output, and the pipeline completes. Slurm needs ~1 minute for this (SlurmdTimeout, then
 * the requeue), hence the generous timeouts.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startSlurmCluster, type SlurmCluster } from "@tsematic/server/lib/slurm-cluster/cluster";
import { cloudProjects, files, lastJson } from "../test-support/cloud-project";
import { eventually, ServerProcess } from "../test-support/server-process";
import { slurmServerArgs } from "../test-support/slurm-server";

let cluster: SlurmCluster;
let server: ServerProcess;
const cloud = cloudProjects(() => server, { shared: true });

before(async () => {
  cluster = await startSlurmCluster();
  server = await ServerProcess.start({
    args: slurmServerArgs(cluster),
    env: { TSEMATIC_TEST_MARKERS: cloud.markers },
  });
});

after(async () => {
  cloud.cleanUp();
  await server?.stop();
  await cluster?.stop();
});

describe("a Slurm node dies under a running step", { timeout: 600_000 }, () => {
  it("requeues its job: attempt 2 resolves the same run, with one output, and the pipeline completes", async () => {
    const { main, markers } = cloud.project(
      "node-death",
      `
const victim = func({ resources: { cpus: 1, memoryMiB: 300 } }, async function victim(x) {
  const attempt = process.env.SLURM_RESTART_COUNT ?? "0";
  mark("victim-" + attempt + "-" + process.env.SLURMD_NODENAME, runContext().runId);
  if (!has("node-killed")) await sleep(600000);
  return x * 2;
});
const next = func({ resources: { cpus: 1, memoryMiB: 300 } }, function next(y) { return y + 1; });
const pipeline = func(async function pipeline(x) { return await next(await victim(x)); });
pipeline(20).run({ executor: "slurm" }).then(
  (r) => console.log(JSON.stringify({ value: r.value, rootId: r.rootId })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const driver = cloud.drive(main);
    const first = await eventually(
      "the victim's first attempt running on a node",
      async () => files(markers, "victim-0-")[0],
      180_000,
    );
    const node = first.slice("victim-0-".length);
    assert.ok(
      cluster.nodes.some((n) => n.name === node),
      `ran on a node of the cluster: ${first}`,
    );
    writeFileSync(join(markers, "node-killed"), "");
    await cluster.killNode(node);

    const { code, output } = await driver.done;
    assert.equal(code, 0, output);
    const result = lastJson<{ value: number; rootId: string }>(output);
    assert.equal(result.value, 41);
    const attempts = files(markers, "victim-").sort();
    assert.equal(
      attempts.length,
      2,
      `the body ran twice, once per attempt: ${attempts.join(", ")}`,
    );
    assert.match(attempts[1]!, /^victim-1-/, "attempt 2 is Slurm's first restart of the same job");

    const runs = await cloud.runsUnder(result.rootId);
    assert.deepEqual(
      runs.map((r) => r.run.stepName).sort(),
      ["next", "pipeline", "victim"],
      "no duplicate run",
    );
    assert.ok(runs.every((r) => r.run.state === "resolved"));
    const victim = runs.find((r) => r.run.stepName === "victim")!;
    assert.equal(victim.outputs.length, 1, "one output, from attempt 2");
    const job = await server.api<{ attempt: number; state: string }>(`/runs/${victim.run.id}/job`);
    assert.deepEqual(
      [job.attempt, job.state],
      [2, "succeeded"],
      `${JSON.stringify(job)}\n${server.output()}`,
    );
    const next = runs.find((r) => r.run.stepName === "next")!;
    assert.deepEqual(
      next.inputs.map((i) => [i.artifact.id, i.producers.map((p) => p.runId)]),
      [[victim.outputs[0]!.artifact.id, [victim.run.id]]],
      "the next step read the one output of the victim's run",
    );

    await cluster.startNode(node);
  });
});
