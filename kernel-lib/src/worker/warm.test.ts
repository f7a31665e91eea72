/**
 * Warm workers end to end (the server's scheduler/handoff.ts, this library's worker/main.ts): a
 * step job's worker that finished asks for the next step job of its root and runs it in the same
 * process. The real server, its real local executor (2 CPUs here, so that jobs queue) and real
 * worker processes, driven by scripts in temporary projects.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { cloudProjects, files, lastJson } from "../test-support/cloud-project";
import { alive } from "../test-support/node-child";
import { eventually, ServerProcess } from "../test-support/server-process";

let server: ServerProcess;
const cloud = cloudProjects(() => server);

before(async () => {
  // Idle long enough that a driver on a loaded machine dispatches its next step in time.
  server = await ServerProcess.start({
    args: ["--cpus", "2", "--memory-mib", "16384", "--kill-grace-ms", "1000"].concat([
      "--warm-idle-ms",
      "8000",
    ]),
    env: { TSEMATIC_TEST_MARKERS: cloud.markers },
  });
});

after(async () => {
  cloud.cleanUp();
  await server?.stop();
});

interface JobView {
  attempt: number;
  state: string;
  handle?: { pid?: number };
  failure?: { kind: string };
}

const jobOf = (runId: string): Promise<JobView> => server.api<JobView>(`/runs/${runId}/job`);

async function value(artifactId: string): Promise<unknown> {
  const res = await fetch(`${server.url}/api/v1/artifacts/${artifactId}/value`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  assert.equal(res.status, 200);
  return JSON.parse(await res.text()) as unknown;
}

const pidOf = (marker: string): number => Number(marker.slice(marker.lastIndexOf("-") + 1));

describe("warm workers", () => {
  it("runs a fan-out of N steps with resources in fewer than N processes, each step with its own output, lineage and logs", async () => {
    const { main } = cloud.project(
      "fan",
      `
const sq = func({ resources: { cpus: 1 } }, function sq(i) {
  console.log("log of step " + i);
  return { v: i * i, pid: process.pid };
});
const fan = func(async function fan(n) {
  return await Promise.all(Array.from({ length: n }, (_, i) => sq(i)));
});
fan(8).run({ executor: "local" }).then(
  (r) => console.log(JSON.stringify({ value: r.value, rootId: r.rootId })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const { code, output } = await cloud.drive(main).done;
    assert.equal(code, 0, output);
    const result = lastJson<{ value: Array<{ v: number; pid: number }>; rootId: string }>(output);
    assert.deepEqual(
      result.value.map((r) => r.v),
      [0, 1, 4, 9, 16, 25, 36, 49],
    );
    const pids = new Set(result.value.map((r) => r.pid));
    assert.ok(pids.size < 8, `8 steps ran in ${pids.size} processes`);

    const runs = (await cloud.runsUnder(result.rootId)).filter((r) => r.run.stepName === "sq");
    assert.equal(runs.length, 8);
    const seen = new Set<number>();
    for (const run of runs) {
      assert.equal(run.run.state, "resolved");
      const i = (await value(run.inputs[0]!.artifact.id)) as number;
      seen.add(i);
      const out = (await value(run.outputs[0]!.artifact.id)) as { v: number; pid: number };
      assert.equal(out.v, i * i, `run ${run.run.id} recorded its own output`);
      const job = await jobOf(run.run.id);
      assert.deepEqual([job.state, job.attempt], ["succeeded", 1]);
      assert.equal(job.handle?.pid, out.pid, "the job's record names the process that ran it");
      const logs = await server.api<{ lines: Array<{ text: string }> }>(`/runs/${run.run.id}/logs`);
      const text = logs.lines.map((l) => l.text).join("");
      assert.deepEqual(
        text.match(/log of step \d+/g),
        [`log of step ${i}`],
        `run ${run.run.id} has its own log only`,
      );
    }
    assert.equal(seen.size, 8);
  });

  it("never hands a job of one root to a warm worker of another, with two roots running at once", async () => {
    const { main } = cloud.project(
      "two-roots",
      `
const nap = func({ resources: { cpus: 1 } }, async function nap(i) {
  await sleep(150);
  return { root: runContext().rootId, pid: process.pid };
});
const fan = func(async function fan(n) {
  return await Promise.all(Array.from({ length: n }, (_, i) => nap(i)));
});
fan(6).run({ executor: "local" }).then(
  (r) => console.log(JSON.stringify({ value: r.value, rootId: r.rootId })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const [a, b] = await Promise.all([cloud.drive(main).done, cloud.drive(main).done]);
    assert.equal(a.code, 0, a.output);
    assert.equal(b.code, 0, b.output);
    type Result = { value: Array<{ root: string; pid: number }>; rootId: string };
    const ra = lastJson<Result>(a.output);
    const rb = lastJson<Result>(b.output);
    assert.notEqual(ra.rootId, rb.rootId);
    for (const r of [ra, rb]) {
      assert.equal(r.value.length, 6);
      for (const step of r.value) assert.equal(step.root, r.rootId);
    }
    const pidsA = new Set(ra.value.map((s) => s.pid));
    const shared = rb.value.map((s) => s.pid).filter((pid) => pidsA.has(pid));
    assert.deepEqual(shared, [], "no process served both roots");
  });

  it("requeues the job a warm worker was serving when it is killed with -9 (not the job it served before): attempt 2 resolves", async () => {
    const { main, markers: m } = cloud.project(
      "kill-warm",
      `
const s = func({ resources: { cpus: 2 } }, async function s(i) {
  mark("s" + i + "-" + process.pid);
  if (i === 1 && !has("killed")) await sleep(120000);
  return i * 2;
});
const pipeline = func(async function pipeline() {
  const a = await s(0);
  const b = await s(1);
  return [a, b];
});
pipeline().run({ executor: "local" }).then(
  (r) => console.log(JSON.stringify({ value: r.value, rootId: r.rootId })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const driver = cloud.drive(main);
    const second = await eventually("the second step", async () => files(m, "s1-")[0]);
    const first = files(m, "s0-")[0]!;
    assert.equal(pidOf(second), pidOf(first), "the second step ran in the first one's process");
    writeFileSync(join(m, "killed"), "");
    process.kill(pidOf(second), "SIGKILL");
    const { code, output } = await driver.done;
    assert.equal(code, 0, output);
    const result = lastJson<{ value: number[]; rootId: string }>(output);
    assert.deepEqual(result.value, [0, 2]);
    assert.equal(files(m, "s0-").length, 1, "the first step ran once");
    assert.equal(files(m, "s1-").length, 2, "the second step ran in two processes");
    const runs = (await cloud.runsUnder(result.rootId)).filter((r) => r.run.stepName === "s");
    assert.equal(runs.length, 2, "no run was duplicated");
    const jobs = await Promise.all(runs.map((r) => jobOf(r.run.id)));
    const byInput = await Promise.all(runs.map((r) => value(r.inputs[0]!.artifact.id)));
    const job0 = jobs[byInput.indexOf(0)]!;
    const job1 = jobs[byInput.indexOf(1)]!;
    assert.deepEqual([job0.attempt, job0.state], [1, "succeeded"]);
    assert.deepEqual([job1.attempt, job1.state], [2, "succeeded"]);
  });

  it("classifies an out-of-memory kill of a warm worker against the job it was running", async () => {
    const { main, markers: m } = cloud.project(
      "oom-warm",
      `
const grow = func({ resources: { cpus: 2, memoryMiB: 150 } }, async function grow(i) {
  mark("g" + i + "-" + process.pid, runContext().runId);
  if (i === 0) return 0;
  const held = [];
  for (let k = 0; k < 40; k++) { held.push(Buffer.alloc(20 * 1024 * 1024, 1)); await sleep(25); }
  return held.length;
});
const pipeline = func(async function pipeline() {
  await grow(0);
  return await grow(1);
});
pipeline().run({ executor: "local" }).then(
  (r) => console.log(JSON.stringify({ value: r.value })),
  (e) => console.log(JSON.stringify({ runId: e.runId, failure: e.cause && e.cause.info && e.cause.info.failure })),
);
`,
    );
    const { code, output } = await cloud.drive(main).done;
    assert.equal(code, 0, output);
    const result = lastJson<{ runId?: string; failure?: { kind: string } }>(output);
    assert.equal(result.failure?.kind, "out-of-memory", output);
    assert.equal(
      pidOf(files(m, "g1-")[0]!),
      pidOf(files(m, "g0-")[0]!),
      "the second step ran in the first one's process",
    );
    const failed = await cloud.runOf(result.runId!);
    assert.equal(failed.run.state, "failed");
    assert.equal(failed.run.error?.failure?.kind, "out-of-memory");
    const failedJob = await jobOf(result.runId!);
    assert.deepEqual([failedJob.state, failedJob.failure?.kind], ["failed", "out-of-memory"]);
    const firstRun = readFileSync(join(m, files(m, "g0-")[0]!), "utf8");
    assert.notEqual(firstRun, result.runId);
    const firstJob = await jobOf(firstRun);
    assert.deepEqual([firstJob.state, firstJob.attempt], ["succeeded", 1]);
  });

  it("stops a warm worker serving a root when the root is canceled", async () => {
    const { main, markers: m } = cloud.project(
      "cancel-warm",
      `
const c = func({ resources: { cpus: 2 } }, async function c(i) {
  mark("c" + i + "-" + process.pid);
  if (i === 1) await waitFor("never");
  return i;
});
const pipeline = func(async function pipeline() {
  mark("driver-" + process.pid);
  await c(0);
  return await c(1);
});
pipeline().submit({ executor: "local" }).then(
  (r) => console.log(JSON.stringify({ rootId: r.rootId })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const submitted = await cloud.drive(main).done;
    assert.equal(submitted.code, 0, submitted.output);
    const { rootId } = lastJson<{ rootId: string }>(submitted.output);
    const serving = await eventually("the second step", async () => files(m, "c1-")[0]);
    assert.equal(pidOf(serving), pidOf(files(m, "c0-")[0]!), "served by a warm worker");
    const pids = [pidOf(serving), pidOf(files(m, "driver-")[0]!)];
    for (const pid of pids) assert.ok(alive(pid), `process ${pid} runs before the cancel`);
    await server.api(`/runs/${rootId}/cancel`, { method: "POST" });
    await eventually("every process to end", async () =>
      pids.every((pid) => !alive(pid)) ? true : undefined,
    );
    const runs = (await cloud.runsUnder(rootId)).filter((r) => r.run.stepName === "c");
    const states = await Promise.all(runs.map(async (r) => (await jobOf(r.run.id)).state));
    assert.deepEqual(states.sort(), ["canceled", "succeeded"]);
  });

  it("lets an idle warm worker exit after the idle time, freeing its CPUs for a job that asks for all of them", async () => {
    const { main } = cloud.project(
      "idle",
      `
const one = func({ resources: { cpus: 1 } }, function one() { return process.pid; });
const all = func({ resources: { cpus: 2 } }, function all() { return process.pid; });
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
const inUse = async () => {
  const res = await fetch(process.env.TSEMATIC_URL + "/api/v1/executors", {
    headers: { authorization: "Bearer " + process.env.TSEMATIC_TOKEN },
  });
  return (await res.json()).executors.find((e) => e.name === "local").inUse.cpus;
};
const pipeline = func(async function pipeline() {
  const p = await one();
  const heldWhileIdle = await inUse();
  while (alive(p)) await sleep(100);
  let freed = await inUse();
  for (let i = 0; i < 100 && freed !== 0; i++) { await sleep(100); freed = await inUse(); }
  const q = await all();
  return { p, q, heldWhileIdle, freed };
});
pipeline().run({ executor: "local" }).then(
  (r) => console.log(JSON.stringify({ value: r.value })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const { code, output } = await cloud.drive(main).done;
    assert.equal(code, 0, output);
    const { value: v } = lastJson<{
      value: { p: number; q: number; heldWhileIdle: number; freed: number };
    }>(output);
    assert.equal(v.heldWhileIdle, 1, "the idle worker holds its CPU while it waits");
    assert.equal(v.freed, 0, "its CPU was freed when it exited");
    assert.notEqual(v.q, v.p);
  });
});
