/**
 * A Slurm job that ended without its worker's report and that slurmctld forgot before the server
 * saw how it ended (slurmctld keeps an ended job for MinJobAge only: 2 s on this cluster, 300 s by
 * default). The server must not wait for it forever: it ends the job `lost`, saying what Slurm said
 * of it last and where its output is, and the run's next attempt resolves.
 *
 * To make "the server did not look in time" certain rather than likely, the server is stopped
 * (SIGSTOP) while the worker is killed and slurmctld forgets its job, then continued (SIGCONT).
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startSlurmCluster, type SlurmCluster } from "@tsematic/server/lib/slurm-cluster/cluster";
import { cloudProjects, files, lastJson } from "../test-support/cloud-project";
import { eventually, ServerProcess } from "../test-support/server-process";
import { slurmRest, slurmServerArgs } from "../test-support/slurm-server";

let cluster: SlurmCluster;
let server: ServerProcess;
const cloud = cloudProjects(() => server, { shared: true });

before(async () => {
  cluster = await startSlurmCluster({ minJobAgeSeconds: 2 });
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

interface JobView {
  id: string;
  state: string;
  attempt: number;
  handle?: { externalId?: string; node?: string };
  failure?: { kind: string; message: string };
}

describe("a Slurm job that slurmctld forgot", { timeout: 600_000 }, () => {
  it("with no report from its worker, ends lost with what Slurm said of it last, and the run's next attempt resolves", async () => {
    const { main, markers } = cloud.project(
      "forgotten",
      `
const step = func({ resources: { cpus: 1, memoryMiB: 200 } }, async function step(x) {
  mark("ran-" + process.pid);
  await waitFor("go");
  return x * 2;
});
const pipeline = func(async function pipeline(x) { return await step(x); });
pipeline(21).run({ executor: "slurm" }).then(
  (r) => console.log(JSON.stringify({ value: r.value, rootId: r.rootId })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const driver = cloud.drive(main);
    const ran = await eventually("the step to run", async () => files(markers, "ran-")[0], 180_000);
    const runs = await server.api<{ runs: { id: string; stepName: string }[] }>(
      "/runs?name=step&limit=10",
    );
    const runId = runs.runs.find((r) => r.stepName === "step")!.id;
    const first = await eventually(
      "the running job's Slurm id",
      async () => {
        const job = await server.api<JobView>(`/runs/${runId}/job`);
        return job.state === "running" && job.handle?.node ? job : undefined;
      },
      60_000,
    );
    const externalId = first.handle!.externalId!;
    const rest = slurmRest(cluster);

    process.kill(server.pid, "SIGSTOP");
    try {
      // The worker dies without a word (as under the OOM killer of a node's kernel).
      process.kill(Number(ran.slice("ran-".length)), "SIGKILL");
      await eventually("slurmctld to forget the job", async () =>
        (await rest.job(externalId)) === undefined ? true : undefined,
      );
    } finally {
      process.kill(server.pid, "SIGCONT");
    }

    const lost = await eventually(
      "the first attempt to end",
      async () => {
        const spec = await server.api<{ job: JobView }>(`/jobs/${first.id}/spec`);
        return spec.job.state !== "running" ? spec.job : undefined;
      },
      120_000,
    );
    assert.equal(lost.state, "lost", JSON.stringify(lost));
    assert.equal(lost.failure?.kind, "lost");
    // What Slurm said last is what the server's last poll saw. The job counts as running once its
    // worker reported it (that is what the test waited for); the poll that would see RUNNING may
    // not have come yet, since polls back off while Slurm's answer does not change, and on a loaded
    // machine no poll may have listed the job at all before the server was stopped (seen in a
    // fresh-clone run). Each is what the server knew, and the message must say which.
    assert.match(
      lost.failure!.message,
      new RegExp(
        `^Slurm no longer knows job ${externalId} \\((Slurm last said (RUNNING on ${first.handle!.node}|PENDING)|no poll of Slurm had listed it yet)\\) and its worker never reported how it ended; its output on its node: /tmp/tsematic-slurm-`,
      ),
    );

    writeFileSync(join(markers, "go"), "");
    const { code, output } = await driver.done;
    assert.equal(code, 0, output);
    assert.equal(lastJson<{ value: number }>(output).value, 42);
    const job = await server.api<JobView>(`/runs/${runId}/job`);
    assert.deepEqual([job.attempt, job.state], [2, "succeeded"]);
    assert.notEqual(job.handle?.externalId, externalId, "attempt 2 is a new Slurm job");
    assert.equal(files(markers, "ran-").length, 2, "the step ran once per attempt");
  });
});
