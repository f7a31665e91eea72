/**
 * Cloud runs end to end: the real lineage server (`tsematic server`), its real local executor, and
 * this library's real worker, driven by real Node processes running small scripts in a temporary
 * project (its node_modules is the repository's, as a project that installed tsematic would have).
 * Steps count and coordinate through marker files under TSEMATIC_TEST_MARKERS, which the server
 * passes on to its workers.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { buildPackage } from "../package";
import { submissionRootId } from "../runner/ids";
import { alive } from "../test-support/node-child";
import { cloudProjects, files, lastJson } from "../test-support/cloud-project";
import { requeuedDriverReusesFinishedChildren } from "../test-support/cloud-scenarios";
import { eventually, ServerProcess } from "../test-support/server-process";

let server: ServerProcess;
const cloud = cloudProjects(() => server);
const { markers, project, drive, runOf, runsUnder } = cloud;

before(async () => {
  // Counters generous enough that admission never waits here (admission has its own tests).
  server = await ServerProcess.start({
    args: ["--cpus", "16", "--memory-mib", "16384", "--kill-grace-ms", "1000"],
    env: { TSEMATIC_TEST_MARKERS: markers },
  });
});

after(async () => {
  cloud.cleanUp();
  await server?.stop();
});

/** What a job's worker printed (the local executor's log file). */
function jobLog(jobId: string): string {
  try {
    return readFileSync(join(server.dataDir, "jobs", `${jobId}.log`), "utf8");
  } catch (error) {
    return String(error);
  }
}

describe("cloud runs on the local executor", () => {
  it("runs each step that declares resources in its own process, inline steps inline, with the outputs and lineage of a local run", async () => {
    const { main } = project(
      "pipeline",
      `
const prepare = func(function prepare(n) { return { n: n + 1, pid: process.pid }; });
const train = func({ resources: { cpus: 1, memoryMiB: 256 } }, function train(p, lr) {
  console.log("training on", p.n);
  return { model: p.n * lr, pid: process.pid };
});
const evaluate = func({ remote: true }, function evaluate(m) { return { score: m.model + 1, pid: process.pid }; });
const pipeline = func(async function pipeline(n) {
  const p = prepare(n);
  const [a, b] = await Promise.all([train(p, 10), train(p, 100)]);
  const e = await evaluate(a);
  return { prepare: await p, a, b, e, driver: process.pid };
});
const executor = process.argv[2] === "local-run" ? undefined : "local";
pipeline(1).run(executor ? { executor } : {}).then(
  (r) => console.log(JSON.stringify({ value: r.value, rootId: r.rootId, me: process.pid })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const remote = drive(main);
    const { code, output } = await remote.done;
    assert.equal(code, 0, output);
    type P = { pid: number };
    const result = lastJson<{
      value: {
        prepare: P & { n: number };
        a: P & { model: number };
        b: P & { model: number };
        e: P & { score: number };
        driver: number;
      };
      rootId: string;
      me: number;
    }>(output);
    const v = result.value;
    assert.deepEqual([v.prepare.n, v.a.model, v.b.model, v.e.score], [2, 20, 200, 21]);
    assert.equal(v.prepare.pid, result.me, "the inline step ran in the driver");
    const pids = [v.a.pid, v.b.pid, v.e.pid];
    assert.equal(new Set(pids).size, 3, "each dispatched step had its own process");
    for (const pid of pids) assert.notEqual(pid, result.me);

    const runs = await runsUnder(result.rootId);
    assert.deepEqual(runs.map((r) => [r.run.stepName, r.run.state]).sort(), [
      ["evaluate", "resolved"],
      ["pipeline", "resolved"],
      ["prepare", "resolved"],
      ["train", "resolved"],
      ["train", "resolved"],
    ]);
    const root = runs[0]!;
    assert.equal((root.run as { mode?: string }).mode ?? "cloud", "cloud");
    // Lineage as recorded where the data flowed: evaluate's input is the output of the train run
    // that made it (a future flow), the trains' inputs are prepare's output.
    const trains = runs.filter((r) => r.run.stepName === "train");
    const prepare = runs.find((r) => r.run.stepName === "prepare")!;
    for (const t of trains) {
      assert.equal(
        t.inputs.find((i) => i.name === "p")?.artifact.id,
        prepare.outputs[0]?.artifact.id,
      );
      assert.equal(t.outputs.length, 1);
    }
    const evaluate = runs.find((r) => r.run.stepName === "evaluate")!;
    const from = evaluate.inputs[0]!.producers;
    assert.equal(from.length, 1, JSON.stringify(from));
    assert.equal(from[0]!.kind, "reference", "evaluate got the very object a train returned");
    const producer = trains.find((t) => t.run.id === from[0]!.runId);
    assert.ok(producer, "evaluate's input came from a train run");
    assert.equal(producer.outputs[0]!.artifact.id, evaluate.inputs[0]!.artifact.id);
    // The dispatched run's log was recorded by its worker.
    const logs = await server.api<{ lines: Array<{ text: string }> }>(
      `/runs/${trains[0]!.run.id}/logs`,
    );
    assert.match(logs.lines.map((l) => l.text).join(""), /training on 2/);

    // The same script without an executor: the same values, every step in one process.
    const local = await drive(main, ["local-run"]).done;
    assert.equal(local.code, 0, local.output);
    const localValue = lastJson<{ value: typeof v; me: number }>(local.output);
    const strip = (x: typeof v) => [x.prepare.n, x.a.model, x.b.model, x.e.score];
    assert.deepEqual(strip(localValue.value), strip(v));
    assert.equal(localValue.value.a.pid, localValue.me);
  });

  it("refuses an impossible request before anything runs, naming the step and the largest it could get", async () => {
    const { main, markers: m } = project(
      "impossible",
      `
const root = func(function root() { mark("root-ran"); return 1; });
const huge = func({ resources: { cpus: 64 } }, function huge() { return 1; });
root().resolve({ executor: "local" }).then(
  () => console.log(JSON.stringify({ ok: true })),
  (e) => console.log(JSON.stringify({ error: e.message })),
);
`,
    );
    const { code, output } = await drive(main).done;
    assert.equal(code, 0, output);
    const { error } = lastJson<{ error?: string }>(output);
    assert.match(
      error ?? "",
      /step "huge" asks for cpus: 64, memoryMiB: 0, gpus: 0; the largest the local executor can give is cpus: 16, memoryMiB: 16384, gpus: 0/,
    );
    assert.equal(existsSync(join(m, "root-ran")), false, "nothing ran");
  });

  it("ends a step that allocates past its memoryMiB with failure kind out-of-memory", async () => {
    const { main } = project(
      "oom",
      `
const hog = func({ resources: { memoryMiB: 100 } }, async function hog() {
  const held = [];
  for (let i = 0; i < 40; i++) { held.push(Buffer.alloc(20 * 1024 * 1024, 1)); await sleep(25); }
  return held.length;
});
const pipeline = func(async function pipeline() { return await hog(); });
pipeline().resolve({ executor: "local" }).then(
  (v) => console.log(JSON.stringify({ v })),
  (e) => console.log(JSON.stringify({ message: e.message, runId: e.runId, failure: e.cause && e.cause.info && e.cause.info.failure })),
);
`,
    );
    const { code, output } = await drive(main).done;
    assert.equal(code, 0, output);
    const result = lastJson<{
      message?: string;
      runId?: string;
      failure?: { kind: string; memory?: { askedMiB: number; usedMiB: number } };
    }>(output);
    assert.equal(result.failure?.kind, "out-of-memory", output);
    assert.equal(result.failure?.memory?.askedMiB, 100);
    assert.ok(result.failure!.memory!.usedMiB > 100);
    const hog = await runOf(result.runId!);
    assert.equal(hog.run.stepName, "hog");
    assert.equal(hog.run.state, "failed");
    assert.equal(hog.run.error?.failure?.kind, "out-of-memory");
  });

  it("requeues a dispatched step whose worker was killed with -9: attempt 2 resolves, and no run is duplicated", async () => {
    const { main, markers: m } = project(
      "kill-worker",
      `
const slow = func({ resources: { cpus: 1 } }, async function slow(x) {
  mark("slow-" + process.pid, runContext().runId);
  if (!has("killed-once")) await sleep(120000);
  return x * 2;
});
const pipeline = func(async function pipeline(x) { return await slow(x); });
pipeline(21).run({ executor: "local" }).then(
  (r) => console.log(JSON.stringify({ value: r.value, rootId: r.rootId })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const driver = drive(main);
    const first = await eventually("the first worker", async () => files(m, "slow-")[0]);
    writeFileSync(join(m, "killed-once"), "");
    process.kill(Number(first.slice("slow-".length)), "SIGKILL");
    const { code, output } = await driver.done;
    assert.equal(code, 0, output);
    const result = lastJson<{ value: number; rootId: string }>(output);
    assert.equal(result.value, 42);
    assert.equal(files(m, "slow-").length, 2, "the body ran in two workers");
    const runs = await runsUnder(result.rootId);
    const slows = runs.filter((r) => r.run.stepName === "slow");
    assert.equal(slows.length, 1, "one run of slow, in two attempts");
    assert.equal(slows[0]!.run.state, "resolved");
    const job = await server.api<{ attempt: number; state: string }>(
      `/runs/${slows[0]!.run.id}/job`,
    );
    assert.deepEqual([job.attempt, job.state], [2, "succeeded"]);
  });

  it("submit() returns before the pipeline ends, the submitting process exits, and the run still resolves", async () => {
    const { main, markers: m } = project(
      "submit",
      `
const wait = func({ resources: { cpus: 1 } }, async function wait(x) {
  mark("wait-started");
  await waitFor("go");
  return x + 1;
});
const pipeline = func(async function pipeline(x) { return (await wait(x)) * 2; });
pipeline(1).submit({ executor: "local" }).then(
  async (r) => {
    console.log(JSON.stringify({ rootId: r.rootId, job: r.job, pid: process.pid }));
    if (process.argv[2] === "wait") console.log(JSON.stringify({ result: await r.result() }));
  },
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const { code, output } = await drive(main).done;
    assert.equal(code, 0, output);
    const { rootId, job } = lastJson<{ rootId: string; job: { kind: string } }>(output);
    assert.match(rootId, /^[0-9a-f]{32}$/);
    assert.equal(job.kind, "root");
    assert.equal(existsSync(join(m, "go")), false, "the pipeline could not have ended");
    await eventually("the step to start", async () =>
      existsSync(join(m, "wait-started")) ? true : undefined,
    );
    writeFileSync(join(m, "go"), "");
    const root = await eventually("the root to resolve", async () => {
      const r = await runOf(rootId);
      return r.run.state === "resolved" ? r : undefined;
    });
    assert.equal(root.outputs.length, 1);
    const value = await fetch(
      `${server.url}/api/v1/artifacts/${root.outputs[0]!.artifact.id}/value`,
      { headers: { authorization: `Bearer ${server.token}` } },
    );
    assert.equal(await value.text(), "4");
    // result() of another submission long-polls the root's job and decodes its output.
    const again = await drive(main, ["wait"]).done;
    assert.equal(again.code, 0, again.output);
    assert.equal(lastJson<{ result: number }>(again.output).result, 4);
  });

  it("a requeued driver of a submitted run, after kill -9, does not execute its finished children again", () =>
    requeuedDriverReusesFinishedChildren(cloud, {
      executor: "local",
      dispatchSteps: false,
      jobOf: (runId) => server.api(`/runs/${runId}/job`),
    }));

  it("shows a running remote step's logs within 3 s, and cancel stops every process of the run", async () => {
    const { main, markers: m } = project(
      "cancel",
      `
const busy = func({ resources: { cpus: 1 } }, async function busy(i) {
  console.log("hello from busy " + i);
  mark("busy-" + process.pid, runContext().runId);
  await waitFor("never");
  return i;
});
const pipeline = func(async function pipeline() {
  mark("driver-" + process.pid);
  return await Promise.all([busy(1), busy(2)]);
});
pipeline().submit({ executor: "local" }).then(
  (r) => console.log(JSON.stringify({ rootId: r.rootId })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const submitted = await drive(main).done;
    assert.equal(submitted.code, 0, submitted.output);
    const { rootId } = lastJson<{ rootId: string }>(submitted.output);
    const first = await eventually("a busy step", async () => files(m, "busy-")[0]);
    const runId = readFileSync(join(m, first), "utf8");
    await eventually(
      "the step's log line",
      async () => {
        const logs = await server.api<{ lines: Array<{ text: string }> }>(`/runs/${runId}/logs`);
        return logs.lines.some((l) => /hello from busy/.test(l.text)) ? true : undefined;
      },
      3_000,
    );
    await eventually("both busy steps", async () =>
      files(m, "busy-").length === 2 ? true : undefined,
    );
    const pids = [...files(m, "busy-"), ...files(m, "driver-")].map((f) =>
      Number(f.slice(f.indexOf("-") + 1)),
    );
    assert.equal(pids.length, 3);
    for (const pid of pids) assert.ok(alive(pid), `process ${pid} runs before the cancel`);
    await server.api(`/runs/${rootId}/cancel`, { method: "POST" });
    await eventually("every process to end", async () =>
      pids.every((pid) => !alive(pid)) ? true : undefined,
    );
    await eventually("the root to end canceled", async () => {
      const r = await runOf(rootId);
      return r.run.state === "canceled" ? r : undefined;
    });
  });

  it("runs a submitted program: its first root takes the submitted root id, a later root (outlasting heartbeats on the ended first) is a tracked root of the same submission", async () => {
    const {
      main,
      dir,
      markers: m,
    } = project(
      "program",
      `
const pipeline = func(async function pipeline(n) { return n * 3; });
// Longer than two heartbeats: the first root's run has ended meanwhile, and the program goes on.
const other = func(async function other() {
  await new Promise((r) => setTimeout(r, 4000));
  return "second root";
});
(async () => {
  const v = await pipeline(5);
  mark("first-" + v);
  const w = await other();
  mark("second-" + w.length);
})();
`,
    );
    const pkg = await buildPackage(main);
    const headers = {
      authorization: `Bearer ${server.token}`,
      "content-type": "application/octet-stream",
    };
    const upload = await fetch(`${server.url}/api/v1/packages`, {
      method: "POST",
      headers,
      body: pkg.bytes,
    });
    assert.ok(upload.ok, await upload.text());
    const submitted = await fetch(`${server.url}/api/v1/submissions`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({
        kind: "program",
        packageId: pkg.id,
        executor: "local",
        localProject: { host: hostname(), root: dir, dependencyKey: pkg.dependencyKey },
      }),
    });
    const body = (await submitted.json()) as { rootId: string };
    assert.equal(submitted.status, 201, JSON.stringify(body));
    const root = await eventually("the program's first root to resolve", async () => {
      const r = await runOf(body.rootId).catch(() => undefined);
      return r?.run.state === "resolved" ? r : undefined;
    });
    assert.equal(root.run.stepName, "pipeline");
    const job = await eventually("the program's job to end", async () => {
      const j = await server.api<{ id: string; state: string; outputArtifactId?: string }>(
        `/runs/${body.rootId}/job`,
      );
      return j.state === "succeeded" ? j : undefined;
    });
    assert.equal(job.outputArtifactId, root.outputs[0]!.artifact.id);
    assert.deepEqual(files(m, "first-"), ["first-15"]);
    assert.deepEqual(
      files(m, "second-"),
      ["second-11"],
      `the program went on after its first root; its log:\n${jobLog(job.id)}`,
    );
    // The later root: tracked, with the id derived from the submitted root, the same package.
    const later = await runOf(submissionRootId(body.rootId, 1));
    assert.equal(later.run.stepName, "other");
    assert.equal(later.run.state, "resolved");
    const env = (later as unknown as { root: { environment: { packageId?: string } } }).root;
    assert.equal(env.environment.packageId, pkg.id);
  });

  it("finds a dispatched step's result in the cache under the resolver's key: a second run dispatches nothing", async () => {
    const { main, markers: m } = project(
      "cache",
      `
const cached = func({ cache: true, resources: { cpus: 1 } }, function cached(x) {
  mark("cached-" + process.pid + "-" + Date.now());
  return x * 7;
});
const pipeline = func(async function pipeline(x) { return await cached(x); });
pipeline(6).resolve({ executor: "local" }).then(
  (v) => console.log(JSON.stringify({ v })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    for (let i = 0; i < 2; i++) {
      const { code, output } = await drive(main).done;
      assert.equal(code, 0, output);
      assert.equal(lastJson<{ v: number }>(output).v, 42);
    }
    assert.equal(files(m, "cached-").length, 1, "the step ran once, in one worker");
  });

  it("stops a dispatched step's worker when the resolver cancels the run (the caller's AbortSignal)", async () => {
    const { main, markers: m } = project(
      "abort",
      `
const busy = func({ resources: { cpus: 1 } }, async function busy() {
  mark("busy-" + process.pid);
  await waitFor("never");
  return 1;
});
const pipeline = func(async function pipeline() { return await busy(); });
const controller = new AbortController();
const started = setInterval(() => {
  if (fs.readdirSync(M).some((f) => f.startsWith("busy-"))) {
    clearInterval(started);
    controller.abort();
  }
}, 50);
pipeline().resolve({ executor: "local", signal: controller.signal }).then(
  (v) => console.log(JSON.stringify({ v })),
  (e) => console.log(JSON.stringify({ error: e.message })),
);
`,
    );
    const { code, output } = await drive(main).done;
    assert.equal(code, 0, output);
    assert.match(lastJson<{ error?: string }>(output).error ?? "", /canceled/);
    const [busy] = files(m, "busy-");
    const pid = Number(busy!.slice("busy-".length));
    await eventually("the worker to stop", async () => (alive(pid) ? undefined : true), 30_000);
  });
});
