/**
 * Cloud runs on a real Slurm cluster: `startSlurmCluster()` (munged, slurmctld, two slurmd, a
 * fake GPU on w1, slurmrestd with JWT; jobs run as an unprivileged user), the real lineage server
 * with its `slurm` executor, and this library's real worker on the nodes. One cluster and one
 * server for the whole file (a cluster takes seconds to start).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import type { SlurmCluster } from "@tsematic/server/lib/slurm-cluster/cluster";
import { cloudProjects, files, lastJson } from "../test-support/cloud-project";
import { requeuedDriverReusesFinishedChildren } from "../test-support/cloud-scenarios";
import { eventually, ServerProcess } from "../test-support/server-process";
import { removeWorkerFiles, slurmRest, slurmServerArgs } from "../test-support/slurm-server";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startSlurmCluster } = require("@tsematic/server/lib/slurm-cluster/cluster") as {
  startSlurmCluster: () => Promise<SlurmCluster>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { outputPath } = require("@tsematic/server/lib/executors/slurm/script") as {
  outputPath: (workerDir: string, isArray: boolean) => string;
};

/** The site's bound (`--slurm-array-parallelism`): above the pipelines' own maxParallelism here. */
const SITE_ARRAY_CAP = 10;
/** The fan-out's own `maxParallelism`: below the 4 CPUs of the cluster, so that the cap shows. */
const MAX_PARALLELISM = 3;
/** Node-local and writable by the cluster's user (the state directory is root's alone). */
const WORKER_DIR = join(tmpdir(), `tsematic-worker-test-${process.pid}`);

let cluster: SlurmCluster;
let server: ServerProcess;
const cloud = cloudProjects(() => server, { shared: true });
const { markers, project, drive, runOf, runsUnder } = cloud;

interface JobView {
  id: string;
  state: string;
  attempt: number;
  handle?: { externalId?: string; node?: string; pendingReason?: string; host: string };
  failure?: {
    kind: string;
    message: string;
    hint: string;
    memory?: { askedMiB: number; usedMiB: number };
  };
}

const jobOf = (runId: string): Promise<JobView> => server.api<JobView>(`/runs/${runId}/job`);
/** slurmrestd's own record of a job (raw v0.0.38), undefined once slurmctld forgot it. */
const slurmJob = (externalId: string) => slurmRest(cluster).job(externalId);
/** Every job slurmctld remembers, raw. */
const slurmJobs = () => slurmRest(cluster).jobs();

function slurmArgs(keyFile: string): string[] {
  return slurmServerArgs(cluster, {
    keyFile,
    workerDir: WORKER_DIR,
    arrayParallelism: SITE_ARRAY_CAP,
    killGraceMs: 3000,
  });
}

const CLI = join(dirname(require.resolve("@tsematic/server/package.json")), "lib", "cli.js");

/** `tsematic show <runId>` against the test server: what a user reads in a terminal. */
async function tsematicShow(runId: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, "show", runId], {
    env: { ...process.env, ...server.clientEnv() },
  });
  return stdout;
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** The node-local output file of a Slurm job ("123" or "123_4"), as the executor names it. */
function outputOf(externalId: string): string {
  const [job, task] = externalId.split("_");
  return outputPath(WORKER_DIR, task !== undefined)
    .replace("%A", job!)
    .replace("%a", task ?? "")
    .replace("%j", job!);
}

before(async () => {
  cluster = await startSlurmCluster();
  server = await ServerProcess.start({
    args: slurmArgs(cluster.jwtKeyFile),
    env: { TSEMATIC_TEST_MARKERS: markers },
  });
});

after(async () => {
  if (process.env.TSEMATIC_TEST_SERVER_LOG) {
    writeFileSync(process.env.TSEMATIC_TEST_SERVER_LOG, server?.output() ?? "");
  }
  cloud.cleanUp();
  await server?.stop();
  await cluster?.stop();
  removeWorkerFiles(WORKER_DIR);
});

describe("cloud runs on the slurm executor", () => {
  it("runs steps of different resources as Slurm jobs with those resources, streams their logs, and records outputs, lineage and where each ran", async () => {
    const { main, markers: m } = project(
      "resources",
      `
const small = func({ resources: { cpus: 1, memoryMiB: 400 } }, async function small(n) {
  console.log("small started with", n);
  await waitFor("go");
  return { n: n + 1, user: process.getuid() };
});
const wide = func({ resources: { cpus: 2, memoryMiB: 600 } }, function wide(s) { return s.n * 10; });
const gpu = func({ resources: { cpus: 1, memoryMiB: 300, gpus: 1 } }, function gpu(s) {
  return { v: s.n * 100, gpus: process.env.CUDA_VISIBLE_DEVICES ?? null };
});
const pipeline = func(async function pipeline(n) {
  const s = small(n);
  const [w, g] = await Promise.all([wide(s), gpu(s)]);
  return { s: await s, w, g };
});
pipeline(1).run({ executor: "slurm" }).then(
  (r) => console.log(JSON.stringify({ value: r.value, rootId: r.rootId })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const driver = drive(main);
    // The step's log reaches the server while it runs.
    const smallRun = await eventually(
      "small's log line",
      async () => {
        const roots = await server.api<{ runs: { id: string; stepName: string }[] }>(
          "/runs?name=small&limit=50",
        );
        for (const r of roots.runs.filter((x) => x.stepName === "small")) {
          const logs = await server.api<{ lines: { text: string }[] }>(`/runs/${r.id}/logs`);
          if (logs.lines.some((l) => /small started with 1/.test(l.text))) return r.id;
        }
        return undefined;
      },
      90_000,
    );
    writeFileSync(join(m, "go"), "");
    const { code, output } = await driver.done;
    assert.equal(code, 0, output);
    const { value, rootId } = lastJson<{
      value: { s: { n: number; user: number }; w: number; g: { v: number } };
      rootId: string;
    }>(output);
    assert.deepEqual([value.s.n, value.w, value.g.v], [2, 20, 200]);
    assert.notEqual(value.s.user, 0, "the step ran as the cluster's unprivileged user");

    const runs = await runsUnder(rootId);
    assert.deepEqual(runs.map((r) => `${r.run.stepName}:${r.run.state}`).sort(), [
      "gpu:resolved",
      "pipeline:resolved",
      "small:resolved",
      "wide:resolved",
    ]);
    const small = runs.find((r) => r.run.stepName === "small")!;
    assert.equal(small.run.id, smallRun);
    for (const name of ["wide", "gpu"]) {
      const r = runs.find((x) => x.run.stepName === name)!;
      assert.equal(
        r.inputs[0]?.artifact.id,
        small.outputs[0]?.artifact.id,
        `${name}'s input is small's output`,
      );
    }
    // Each step was a Slurm job with its resources, read back from slurmrestd.
    const asked = { small: [1, 400, ""], wide: [2, 600, ""], gpu: [1, 300, "gres:gpu:1"] };
    for (const [name, [cpus, mem, gres]] of Object.entries(asked)) {
      const run = runs.find((r) => r.run.stepName === name)!;
      const job = await jobOf(run.run.id);
      assert.equal(job.state, "succeeded");
      assert.match(job.handle?.externalId ?? "", /^\d+$/, JSON.stringify(job));
      assert.match(job.handle?.node ?? "", /^w[12]$/);
      const record = await slurmJob(job.handle!.externalId!);
      assert.ok(record, `slurmctld remembers job ${job.handle!.externalId}`);
      assert.equal(record.name, job.id, "the Slurm job is named after its job");
      assert.equal(record.cpus, cpus);
      assert.equal(record.memory_per_node, mem);
      assert.equal(record.tres_per_node, gres);
      if (name === "gpu") assert.equal(job.handle?.node, "w1", "only w1 has a GPU");
      // Its worker reported how it ended: the node-local output served no diagnosis and is gone.
      assert.equal(
        existsSync(outputOf(job.handle!.externalId!)),
        false,
        `${name}'s output removed`,
      );
    }
  });

  it("refuses a request no node can hold before anything is submitted, naming the step, the request and the largest node", async () => {
    const { main, markers: m } = project(
      "impossible",
      `
const root = func(async function root() { mark("root-ran"); return await huge(); });
const huge = func({ resources: { cpus: 16, memoryMiB: 1000 } }, function huge() { return 1; });
root().resolve({ executor: "slurm" }).then(
  () => console.log(JSON.stringify({ ok: true })),
  (e) => console.log(JSON.stringify({ error: e.message })),
);
`,
    );
    const before = (await slurmJobs()).length;
    const { code, output } = await drive(main).done;
    assert.equal(code, 0, output);
    assert.match(
      lastJson<{ error?: string }>(output).error ?? "",
      /step "huge" asks for cpus: 16, memoryMiB: 1000, gpus: 0; the largest the slurm executor has is node w1 of partition tsematic \(cpus: 2, memoryMiB: 3000, gpus: 1\)/,
    );
    assert.equal((await slurmJobs()).length, before, "nothing was submitted to Slurm");
    void m;
  });

  it("ends a step past its memoryMiB as out-of-memory, with what it asked and used", async () => {
    const { main } = project(
      "oom",
      `
const hog = func({ resources: { memoryMiB: 200 } }, async function hog() {
  const held = [];
  for (let i = 0; i < 60; i++) { held.push(Buffer.alloc(20 * 1024 * 1024, 1)); await sleep(50); }
  return held.length;
});
const pipeline = func(async function pipeline() { return await hog(); });
pipeline().resolve({ executor: "slurm" }).then(
  (v) => console.log(JSON.stringify({ v })),
  (e) => console.log(JSON.stringify({ runId: e.runId, failure: e.cause && e.cause.info && e.cause.info.failure })),
);
`,
    );
    const { code, output } = await drive(main).done;
    assert.equal(code, 0, output);
    const result = lastJson<{
      runId?: string;
      failure?: { kind: string; message: string; memory?: { askedMiB: number; usedMiB: number } };
    }>(output);
    assert.equal(result.failure?.kind, "out-of-memory", output);
    assert.equal(result.failure?.memory?.askedMiB, 200);
    // Slurm's cgroup killed it at its limit and keeps no peak: used is at least what it asked.
    assert.ok(result.failure!.memory!.usedMiB >= 200, JSON.stringify(result.failure));
    assert.match(
      result.failure!.message,
      /asked for 200 MiB and (used \d+ MiB|reached that limit)/,
    );
    const hog = await runOf(result.runId!);
    assert.equal(hog.run.state, "failed");
    const job = await jobOf(result.runId!);
    assert.equal((await slurmJob(job.handle!.externalId!))?.job_state, "OUT_OF_MEMORY");
    // A worker that could not report leaves its output for diagnosis, and the failure says where.
    const kept = outputOf(job.handle!.externalId!);
    assert.ok(existsSync(kept), `${kept} is kept`);
    assert.ok(job.failure?.hint.includes(kept), JSON.stringify(job.failure));
  });

  it("ends a step past Slurm's time limit as timeout and keeps the lines it logged last", async () => {
    const { main } = project(
      "timeout",
      `
const stuck = func({ timeoutMs: 60000, resources: { cpus: 1, memoryMiB: 200 } }, async function stuck() {
  for (let i = 1; i <= 3; i++) { console.log("line " + i); await sleep(300); }
  console.log("last words before the loop");
  await sleep(1000);
  for (;;) {} // blocks: only Slurm's time limit ends it
});
const pipeline = func(async function pipeline() { return await stuck(); });
pipeline().resolve({ executor: "slurm" }).then(
  (v) => console.log(JSON.stringify({ v })),
  (e) => console.log(JSON.stringify({ runId: e.runId, failure: e.cause && e.cause.info && e.cause.info.failure })),
);
`,
    );
    const { code, output } = await drive(main).done;
    assert.equal(code, 0, output);
    const result = lastJson<{ runId?: string; failure?: { kind: string; timeoutMs?: number } }>(
      output,
    );
    assert.equal(result.failure?.kind, "timeout", output);
    assert.equal(result.failure?.timeoutMs, 60_000);
    const logs = await server.api<{ lines: { text: string }[] }>(`/runs/${result.runId}/logs`);
    assert.match(logs.lines.map((l) => l.text).join(""), /line 3[\s\S]*last words before the loop/);
  });

  it("cancel of a running root: every run ends canceled and every job is gone from Slurm", async () => {
    const { main, markers: m } = project(
      "cancel",
      `
const busy = func({ resources: { cpus: 1, memoryMiB: 200 } }, async function busy(i) {
  mark("busy-" + i + "-" + process.pid);
  await waitFor("never");
  return i;
});
const pipeline = func(async function pipeline() { return await Promise.all([busy(1), busy(2)]); });
pipeline().submit({ executor: "slurm" }).then(
  (r) => console.log(JSON.stringify({ rootId: r.rootId })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const submitted = await drive(main).done;
    assert.equal(submitted.code, 0, submitted.output);
    const { rootId } = lastJson<{ rootId: string }>(submitted.output);
    await eventually(
      "both steps running",
      async () => (files(m, "busy-").length === 2 ? true : undefined),
      120_000,
    );
    const res = await fetch(`${server.url}/api/v1/runs/${rootId}/cancel`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.token}` },
    });
    assert.ok(res.ok, await res.text());
    const runs = await eventually("every run canceled", async () => {
      const all = await runsUnder(rootId);
      return all.length === 3 && all.every((r) => r.run.state === "canceled") ? all : undefined;
    });
    const externalIds: string[] = [];
    for (const r of runs) {
      const job = await jobOf(r.run.id);
      assert.equal(job.state, "canceled", `${r.run.stepName}: ${JSON.stringify(job)}`);
      if (job.handle?.externalId) externalIds.push(job.handle.externalId);
    }
    assert.equal(externalIds.length, 3, "the driver and both steps were Slurm jobs");
    await eventually("no job left running in Slurm", async () => {
      for (const id of externalIds) {
        const record = await slurmJob(id);
        if (record && !["CANCELLED", "COMPLETED", "FAILED"].includes(String(record.job_state))) {
          return undefined;
        }
      }
      return true;
    });
  });

  it("shows why Slurm has not started a step: its pending reason is on the job's record and in tsematic show, and goes once it runs", async () => {
    const { main, markers: m } = project(
      "pending",
      `
// Both ask for every CPU and the GPU of w1, the only GPU node: the second waits for the first.
const holder = func({ resources: { cpus: 2, memoryMiB: 200, gpus: 1 } }, async function holder() {
  mark("holder-running");
  await waitFor("release");
  return 1;
});
const waiter = func({ resources: { cpus: 2, memoryMiB: 200, gpus: 1 } }, function waiter() { return 2; });
// A future starts when it is awaited: the waiter is called once the holder runs.
const pipeline = func(async function pipeline() {
  const [held, waited] = await Promise.all([
    holder(),
    waitFor("holder-running").then(() => waiter()),
  ]);
  return held + waited;
});
pipeline().run({ executor: "slurm" }).then(
  (r) => console.log(JSON.stringify({ value: r.value, rootId: r.rootId })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const driver = drive(main);
    const waiterRun = await eventually(
      "the waiter's job pending for resources",
      async () => {
        const runs = await server.api<{ runs: { id: string; stepName: string }[] }>(
          "/runs?name=waiter&limit=50",
        );
        for (const r of runs.runs.filter((x) => x.stepName === "waiter")) {
          const job = await jobOf(r.id).catch(() => undefined);
          if (job?.state === "queued" && job.handle?.pendingReason === "Resources") return r.id;
        }
        return undefined;
      },
      120_000,
    );
    const pendingJob = await jobOf(waiterRun);
    assert.equal(
      (await slurmJob(pendingJob.handle!.externalId!))?.state_reason,
      "Resources",
      "Slurm itself says so",
    );
    assert.match(await tsematicShow(waiterRun), /\n\s*pending\s+Resources\n/);
    writeFileSync(join(m, "release"), "");
    const { code, output } = await driver.done;
    assert.equal(code, 0, output);
    assert.equal(lastJson<{ value: number }>(output).value, 3);
    const ran = await jobOf(waiterRun);
    assert.equal(ran.state, "succeeded");
    assert.equal(ran.handle?.pendingReason, undefined, "no pending reason once it ran");
    assert.doesNotMatch(await tsematicShow(waiterRun), /pending\s/);
  });

  it("SIGUSR2 from Slurm (its time-limit warning) does not end the worker: it sends what the step logged, which the server keeps", async () => {
    const { main, markers: m } = project(
      "usr2",
      `
const warned = func({ resources: { cpus: 1, memoryMiB: 200 } }, async function warned() {
  console.log("the step's line before the warning");
  mark("warned-" + process.pid);
  await waitFor("warning-sent");
  console.log("the step's line after the warning");
  await waitFor("done");
  return 7;
});
const pipeline = func(async function pipeline() { return await warned(); });
pipeline().run({ executor: "slurm" }).then(
  (r) => console.log(JSON.stringify({ value: r.value, rootId: r.rootId })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const driver = drive(main);
    await eventually("the step to run", async () => files(m, "warned-")[0], 120_000);
    const runs = await server.api<{ runs: { id: string; stepName: string }[] }>(
      "/runs?name=warned&limit=50",
    );
    const runId = runs.runs.find((r) => r.stepName === "warned")!.id;
    const job = await jobOf(runId);
    const externalId = job.handle!.externalId!;
    // What `--signal=B:USR2@60` sends: SIGUSR2 to the batch step, which is the worker (exec'd).
    await promisify(execFile)("scancel", ["--signal=USR2", "--batch", externalId], {
      env: { ...process.env, ...cluster.env },
    });
    await eventually(
      "the worker to say it got the warning",
      async () =>
        /SIGUSR2: the cluster stops this job soon/.test(readFileSafe(outputOf(externalId)))
          ? true
          : undefined,
      60_000,
    );
    writeFileSync(join(m, "warning-sent"), "");
    await eventually(
      "the line logged after the warning on the server",
      async () => {
        const logs = await server.api<{ lines: { text: string }[] }>(`/runs/${runId}/logs`);
        const text = logs.lines.map((l) => l.text).join("");
        return /line after the warning/.test(text) ? text : undefined;
      },
      60_000,
    );
    assert.equal((await slurmJob(externalId))?.job_state, "RUNNING", "SIGUSR2 did not end it");
    writeFileSync(join(m, "done"), "");
    const { code, output } = await driver.done;
    assert.equal(code, 0, output);
    assert.equal(lastJson<{ value: number }>(output).value, 7);
    const logs = await server.api<{ lines: { text: string }[] }>(`/runs/${runId}/logs`);
    assert.match(
      logs.lines.map((l) => l.text).join(""),
      /line before the warning[\s\S]*line after the warning/,
    );
  });

  it("a 50-way fan-out goes to Slurm as one job array whose cap is the pipeline's maxParallelism, and runs at most that many at once", async () => {
    const { main, markers: m } = project(
      "fanout",
      `
const sq = func({ resources: { cpus: 1, memoryMiB: 150 } }, async function sq(i) {
  const started = Date.now();
  await sleep(300);
  mark("sq-" + i, started + " " + Date.now());
  return i * i;
});
const pipeline = func(async function pipeline() {
  const all = [];
  for (let i = 0; i < 50; i++) all.push(sq(i));
  return (await Promise.all(all)).reduce((a, b) => a + b, 0);
});
pipeline().run({ executor: "slurm", maxParallelism: ${MAX_PARALLELISM} }).then(
  (r) => console.log(JSON.stringify({ value: r.value, rootId: r.rootId })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const driver = drive(main);
    let pending: string | undefined;
    while (driver.child.exitCode === null && pending === undefined) {
      const roots = await server
        .api<{ runs: { id: string; stepName: string; state: string }[] }>("/runs?name=sq&limit=200")
        .catch(() => ({ runs: [] }));
      for (const r of roots.runs.filter((x) => x.stepName === "sq" && x.state !== "resolved")) {
        const job = await jobOf(r.id).catch(() => undefined);
        if (job?.handle?.pendingReason) pending = job.handle.pendingReason;
        if (pending) break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const { code, output } = await driver.done;
    assert.equal(code, 0, output);
    const { value, rootId } = lastJson<{ value: number; rootId: string }>(output);
    assert.equal(value, 40425);
    assert.ok(pending, "a waiting task showed Slurm's pending reason");
    const runs = (await runsUnder(rootId)).filter((r) => r.run.stepName === "sq");
    assert.equal(runs.length, 50);
    const arrays = new Set<string>();
    for (const r of runs) {
      const job = await jobOf(r.run.id);
      const [array] = (job.handle?.externalId ?? "").split("_");
      arrays.add(array!);
      assert.match(job.handle?.externalId ?? "", /^\d+_\d+$/, "a task of an array");
    }
    assert.equal(arrays.size, 1, `one job array, not ${arrays.size}: ${[...arrays].join(", ")}`);
    const record = await slurmJob([...arrays][0]!);
    assert.equal(record?.array_max_tasks, MAX_PARALLELISM, "the pipeline's cap, below the site's");
    // Never more tasks at once than the cap (each task's body marked when it ran).
    const spans = files(m, "sq-").map(
      (f) => readFileSync(join(m, f), "utf8").split(" ").map(Number) as [number, number],
    );
    assert.equal(spans.length, 50);
    const most = Math.max(
      ...spans.map(([start]) => spans.filter(([s, e]) => s <= start && start < e).length),
    );
    assert.ok(most <= MAX_PARALLELISM, `at most ${MAX_PARALLELISM} at once, saw ${most}`);
  });

  it("the driver of a submitted run killed with -9 is requeued as attempt 2, which runs none of its children again", () =>
    requeuedDriverReusesFinishedChildren(cloud, {
      executor: "slurm",
      dispatchSteps: true,
      timeoutMs: 120_000,
      jobOf,
    }));

  it("a server given a JWT key slurmctld does not know refuses to start, saying the token was not accepted and what to do", async () => {
    const wrongKey = join(cluster.stateDir, "wrong-jwt.key");
    writeFileSync(wrongKey, Buffer.alloc(32, 7), { mode: 0o600 });
    await assert.rejects(
      ServerProcess.start({ args: slurmArgs(wrongKey) }),
      /slurmrestd at http:\/\/127\.0\.0\.1:\d+ did not accept the JWT for user "tsematic-slurm" \(HTTP 500\): give the key file slurm\.conf's AuthAltParameters=jwt_key names \(--slurm-jwt-key FILE\)/,
    );
  });
});
