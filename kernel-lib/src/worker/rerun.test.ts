/**
 * Reruns through the API (`POST /runs/{id}/rerun`) end to end: the real lineage server, its local
 * executor, this library's real worker, and a pipeline submitted with `submit()` from a real Node
 * process. Every execution of a step writes its own marker file, so the tests count executions.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { cloudProjects, files, lastJson, type RunDetail } from "../test-support/cloud-project";
import { eventually, ServerProcess } from "../test-support/server-process";

let server: ServerProcess;
const cloud = cloudProjects(() => server);
const { markers, project, drive, runOf, runsUnder } = cloud;

before(async () => {
  server = await ServerProcess.start({
    args: ["--cpus", "16", "--memory-mib", "16384", "--kill-grace-ms", "1000"],
    env: { TSEMATIC_TEST_MARKERS: markers },
  });
});

after(async () => {
  cloud.cleanUp();
  await server?.stop();
});

/**
 * pipeline(n, lr): load(n) → scale(xs, lr) → total(ys), and report(n) beside them; `scale` runs as
 * a job of its own (it asks for a CPU), the others inline in the driver.
 */
const PIPELINE = `
const tick = (step) => mark(step + "-" + process.pid + "-" + Date.now() + "-" + Math.random());
const load = func(function load(n) { tick("load"); return Array.from({ length: n }, (_, i) => i + 1); });
const scale = func({ resources: { cpus: 1 } }, function scale(xs, lr) { tick("scale"); return xs.map((x) => x * lr.rate); });
const total = func(function total(ys) { tick("total"); return ys.reduce((a, b) => a + b, 0); });
const report = func(function report(n) { tick("report"); return "n=" + n; });
const pipeline = func(async function pipeline(n, lr) {
  tick("pipeline");
  const r = report(n);
  const t = total(scale(load(n), lr));
  return { total: await t, report: await r };
});
`;

type Root = RunDetail & {
  run: RunDetail["run"] & { originalRunId?: string | null };
  root: { rerunOf: { runId: string; from: string | null } | null } | null;
};

interface Answer<T> {
  status: number;
  body: T;
}

async function post<T>(path: string, body: unknown): Promise<Answer<T>> {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

const rerun = (runId: string, body: object) =>
  post<{ rootId: string; rerunOf: string; from: string | null; job: { kind: string } }>(
    `/runs/${runId}/rerun`,
    body,
  );

async function resolved(rootId: string): Promise<Root> {
  return eventually(`root ${rootId} to resolve`, async () => {
    const r = (await runOf(rootId).catch(() => undefined)) as Root | undefined;
    if (r && ["failed", "canceled"].includes(r.run.state)) {
      throw new Error(`root ${rootId} ${r.run.state}: ${JSON.stringify(r.run.error)}`);
    }
    return r?.run.state === "resolved" ? r : undefined;
  });
}

async function outputOf(run: RunDetail): Promise<unknown> {
  const res = await fetch(`${server.url}/api/v1/artifacts/${run.outputs[0]!.artifact.id}/value`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  return JSON.parse(await res.text()) as unknown;
}

/** How many times each step executed so far. */
function executions(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const step of ["pipeline", "load", "scale", "total", "report"]) {
    out[step] = files(dir, `${step}-`).length;
  }
  return out;
}

describe("reruns through the API", () => {
  let original: Root;
  let dir: string;
  const stepRun = (runs: RunDetail[], name: string): RunDetail =>
    runs.find((r) => r.run.stepName === name)!;

  before(async () => {
    const { main, markers: m } = project(
      "rerun",
      `${PIPELINE}
pipeline(3, { rate: 2 }).submit({ executor: "local" }).then(
  (r) => console.log(JSON.stringify({ rootId: r.rootId })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    dir = m;
    const submitted = await drive(main).done;
    assert.equal(submitted.code, 0, submitted.output);
    original = await resolved(lastJson<{ rootId: string }>(submitted.output).rootId);
  });

  it("a dry run checks the rerun and answers its inputs, and creates nothing", async () => {
    const before = executions(dir);
    const roots = await server.api<{ runs: unknown[] }>("/runs?limit=1000");
    const dry = await post<{ ok: boolean; inputs: Record<string, { typeName: string }> }>(
      `/runs/${original.run.id}/rerun`,
      { dryRun: true, inputs: { lr: { value: { rate: 5 } } } },
    );
    assert.equal(dry.status, 200, JSON.stringify(dry.body));
    assert.equal(dry.body.ok, true);
    assert.deepEqual(Object.keys(dry.body.inputs), ["n", "lr"]);
    assert.equal(dry.body.inputs.n!.typeName, "json");
    const after = await server.api<{ runs: unknown[] }>("/runs?limit=1000");
    assert.equal(after.runs.length, roots.runs.length, "a dry run made a root run");
    assert.deepEqual(executions(dir), before);
  });

  it("from scratch: every step executes again, the output is the same, the new root names the original", async () => {
    const before = executions(dir);
    const answer = await rerun(original.run.id, {});
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    assert.equal(answer.body.rerunOf, original.run.id);
    assert.equal(answer.body.from, null);
    assert.equal(answer.body.job.kind, "root");
    const again = await resolved(answer.body.rootId);
    assert.deepEqual(again.root?.rerunOf, { runId: original.run.id, from: null });
    const roots = await server.api<{ runs: { id: string; rerunOf?: unknown }[] }>(
      "/runs?root=true&limit=1000",
    );
    const listed = (id: string) => roots.runs.find((r) => r.id === id)?.rerunOf;
    assert.deepEqual(listed(again.run.id), { runId: original.run.id, from: null });
    assert.equal(listed(original.run.id), null);
    assert.deepEqual(await outputOf(again), await outputOf(original));
    const now = executions(dir);
    for (const step of Object.keys(now)) {
      assert.equal(now[step], before[step]! + 1, `${step} executed once more`);
    }
  });

  it("from a step: that step and its dependents execute again, the rest is reused from the original", async () => {
    const originalRuns = await runsUnder(original.run.id);
    const scale = stepRun(originalRuns, "scale");
    const before = executions(dir);
    const answer = await rerun(original.run.id, { from: scale.run.id });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const again = await resolved(answer.body.rootId);
    assert.deepEqual(again.root?.rerunOf, { runId: original.run.id, from: scale.run.id });
    assert.deepEqual(await outputOf(again), { total: 12, report: "n=3" });
    const now = executions(dir);
    // The root's body makes the calls again; scale and total (which consumed scale's output)
    // execute; load and report, not downstream of scale, do not.
    assert.deepEqual(Object.fromEntries(Object.keys(now).map((s) => [s, now[s]! - before[s]!])), {
      pipeline: 1,
      load: 0,
      scale: 1,
      total: 1,
      report: 0,
    });
    const runs = (await runsUnder(again.run.id)) as Root[];
    for (const name of ["load", "report"]) {
      const run = stepRun(runs, name) as Root;
      assert.equal(run.run.state, "resolved");
      assert.equal(run.run.originalRunId, stepRun(originalRuns, name).run.id, `${name} reused`);
    }
    for (const name of ["scale", "total"]) {
      assert.equal((stepRun(runs, name) as Root).run.originalRunId ?? null, null, `${name} ran`);
    }
  });

  it("with new inputs: the new value flows through to the output", async () => {
    const answer = await rerun(original.run.id, { inputs: { lr: { value: { rate: 3 } } } });
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const again = await resolved(answer.body.rootId);
    assert.deepEqual(await outputOf(again), { total: 18, report: "n=3" });
    const lr = again.inputs.find((i) => i.name === "lr")!;
    assert.notEqual(lr.artifact.id, original.inputs.find((i) => i.name === "lr")!.artifact.id);
    // Another stored artifact of the same type, by id: the original's lr again.
    const byId = await rerun(again.run.id, {
      inputs: { lr: { artifactId: original.inputs.find((i) => i.name === "lr")!.artifact.id } },
    });
    assert.equal(byId.status, 201, JSON.stringify(byId.body));
    assert.deepEqual(await outputOf(await resolved(byId.body.rootId)), {
      total: 12,
      report: "n=3",
    });
  });

  it("refuses new inputs of another shape, or an unknown parameter, with a 400 naming it", async () => {
    const before = executions(dir);
    const wrong = await post<{ error: { code: string; message: string; parameter: string } }>(
      `/runs/${original.run.id}/rerun`,
      { inputs: { lr: { value: { rate: "fast" } } } },
    );
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.body.error, {
      code: "bad_input",
      message: "inputs.lr: expected number, got string at .rate",
      parameter: "lr",
    });
    const n = await post<{ error: { message: string; parameter: string } }>(
      `/runs/${original.run.id}/rerun`,
      { inputs: { n: { value: "3" } } },
    );
    assert.equal(n.status, 400);
    assert.equal(n.body.error.message, "inputs.n: expected number, got string");
    const unknown = await post<{ error: { message: string; parameter: string } }>(
      `/runs/${original.run.id}/rerun`,
      { inputs: { rate: { value: 1 } } },
    );
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.parameter, "rate");
    assert.match(unknown.body.error.message, /has no parameter "rate": its parameters are n, lr/);
    const missing = await post<{ error: { message: string; parameter: string } }>(
      `/runs/${original.run.id}/rerun`,
      { inputs: { lr: { artifactId: "e".repeat(64) } } },
    );
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.parameter, "lr");
    assert.match(missing.body.error.message, /^inputs\.lr: no artifact e{64} on this server/);
    assert.deepEqual(executions(dir), before);
  });

  it("refuses a step run as the run to rerun, and a from that is not a run of the root", async () => {
    const runs = await runsUnder(original.run.id);
    const step = await rerun(stepRun(runs, "load").run.id, {});
    assert.equal(step.status, 400);
    assert.equal((step.body as unknown as { error: { code: string } }).error.code, "not_a_root");
    const from = await rerun(original.run.id, { from: "0".repeat(32) });
    assert.equal(from.status, 400);
    assert.equal((from.body as unknown as { error: { code: string } }).error.code, "bad_from");
  });

  it("a root made in a kernel without a code package is refused with 409 no_package", async () => {
    const { main } = project(
      "rerun-kernel",
      `
const one = func(function one() { return 1; });
one().run().then((r) => console.log(JSON.stringify({ rootId: r.rootId })), (e) => { console.error(e); process.exit(1); });
`,
    );
    const done = await drive(main).done;
    assert.equal(done.code, 0, done.output);
    const { rootId } = lastJson<{ rootId: string }>(done.output);
    const answer = await post<{ error: { code: string; message: string } }>(
      `/runs/${rootId}/rerun`,
      {},
    );
    assert.equal(answer.status, 409);
    assert.deepEqual(answer.body.error, {
      code: "no_package",
      message:
        `Run ${rootId} was made in a notebook kernel without a code package, so it cannot be ` +
        "rerun without its notebook: rerun its cell instead.",
    });
  });
});

describe("a rerun from scratch takes nothing from the cache", () => {
  it("not even in a step that runs as its own job: the steps nested in it execute again", async () => {
    const { main, markers: dir } = project(
      "rerun-nested",
      `
const tick = (step) => mark(step + "-" + process.pid + "-" + Date.now() + "-" + Math.random());
const square = func({ cache: true }, function square(x) { tick("square"); return x * x; });
const squares = func({ resources: { cpus: 1 }, cache: true }, async function squares(n) {
  tick("squares");
  return Promise.all(Array.from({ length: n }, (_, i) => square(i)));
});
const sumOf = func(async function sumOf(n) { return (await squares(n)).reduce((a, b) => a + b, 0); });
sumOf(3).submit({ executor: "local" }).then(
  (r) => console.log(JSON.stringify({ rootId: r.rootId })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const submitted = await drive(main).done;
    assert.equal(submitted.code, 0, submitted.output);
    const original = await resolved(lastJson<{ rootId: string }>(submitted.output).rootId);
    assert.equal(files(dir, "square-").length, 3);

    const answer = await rerun(original.run.id, {});
    assert.equal(answer.status, 201, JSON.stringify(answer.body));
    const again = await resolved(answer.body.rootId);
    assert.deepEqual(await outputOf(again), 5);
    assert.equal(files(dir, "squares-").length, 2, "the dispatched step executed again");
    assert.equal(
      files(dir, "square-").length,
      6,
      "the steps nested in the dispatched step executed again, not taken from the cache",
    );
  });
});
