import assert from "node:assert/strict";
import { setHandle } from "../storage/jobs";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { schemaValidator } from "../http/contract";
import type { RunView } from "../model/api";
import type { Job } from "../model/jobs";
import { startTestServer, tempDir, type TestServer } from "../testing/harness";
import {
  alive,
  FAKE_WORKER,
  KernelRoot,
  settledJob,
  until,
  workerPid,
} from "../testing/job-fixture";
import { idOf, packageArchive, sha256 } from "../testing/package-fixture";

const LIMITS = { cpus: 2, memoryMiB: 4096, gpus: 0 };

describe("jobs on the local executor (real worker processes)", () => {
  let t: TestServer;
  const workers = tempDir("tsematic-workers-");
  const pkg = packageArchive();
  const packageId = idOf(pkg);
  const validJob = schemaValidator("Job");

  before(async () => {
    process.env.TSEMATIC_TEST_WORKER_DIR = workers;
    t = await startTestServer({
      workerEntry: FAKE_WORKER,
      executor: LIMITS,
      heartbeatTimeoutMs: 60_000,
      killGraceMs: 2_000,
    });
    const up = await t.api.request("POST", "/api/v1/packages", {
      raw: pkg,
      headers: { "content-type": "application/json" },
    });
    assert.equal(up.status, 201);
  });
  beforeEach(() => {
    process.env.TSEMATIC_TEST_WORKER_MODE = "succeed";
    delete process.env.TSEMATIC_TEST_WORKER_SHARE_TOKEN;
  });
  after(async () => {
    await t.close();
    rmSync(workers, { recursive: true, force: true });
    delete process.env.TSEMATIC_TEST_WORKER_DIR;
    delete process.env.TSEMATIC_TEST_WORKER_MODE;
  });

  const dispatch = (runId: string, stepName: string, resources: object = { cpus: 1 }) =>
    t.api.post<Job>(`/runs/${runId}/jobs`, {
      packageId,
      stepName,
      inputs: [],
      resources,
      executor: "local",
    });
  const run = async (runId: string): Promise<RunView> =>
    (await t.api.get<{ run: RunView }>(`/runs/${runId}`)).body.run;
  const jobsOf = (rootId: string): Job[] =>
    t.server.context.db
      .prepare<[string], { id: string }>("SELECT id FROM jobs WHERE root_id = ? ORDER BY attempt")
      .all(rootId)
      .map((r) => t.server.context.scheduler.spec(r.id).job);

  it("runs a dispatched run as a job in its own process, which succeeds; re-dispatch answers the same job", async () => {
    const root = await new KernelRoot(t.api).start();
    const step = await root.step("train");
    const first = await dispatch(step, "train");
    assert.equal(first.status, 201, first.text);
    assert.ok(validJob(first.body), JSON.stringify(validJob.errors));
    assert.equal(first.body.kind, "step");
    assert.equal(first.body.rootId, root.rootId);
    assert.equal(first.body.runId, step);
    assert.equal(first.body.attempt, 1);
    assert.equal(first.body.executor, "local");
    assert.deepEqual(first.body.resources, { cpus: 1 });
    const again = await dispatch(step, "train");
    assert.equal(again.status, 200);
    assert.equal(again.body.id, first.body.id);

    const done = await settledJob(t.api, step);
    assert.equal(done.state, "succeeded");
    assert.ok(validJob(done), JSON.stringify(validJob.errors));
    assert.match(done.outputArtifactId!, /^[0-9a-f]{64}$/);
    const pid = await workerPid(workers, done.id);
    assert.notEqual(pid, process.pid);
    assert.equal(done.handle?.pid, pid);
    assert.equal((await run(step)).state, "resolved");
    const value = await t.api.get<{ ranIn: number }>(`/artifacts/${done.outputArtifactId}/value`);
    assert.equal(value.body.ranIn, pid);
    const later = await dispatch(step, "train");
    assert.equal(later.status, 200, "a succeeded job is answered, not run again");
    assert.equal(later.body.id, first.body.id);
  });

  it("takes a run its worker resolved before exiting without `finished` as a succeeded job, not a lost one", async () => {
    process.env.TSEMATIC_TEST_WORKER_MODE = "no-finished";
    const root = await new KernelRoot(t.api).start();
    const step = await root.step("terse");
    assert.equal((await dispatch(step, "terse")).status, 201);
    const done = await settledJob(t.api, step);
    assert.equal(done.state, "succeeded");
    assert.equal(done.attempt, 1);
    const outputs = await t.api.get<{ outputs: { artifact: { id: string } }[] }>(`/runs/${step}`);
    assert.equal(done.outputArtifactId, outputs.body.outputs[0]!.artifact.id);
  });

  it("answers GET /runs/{id}/job?waitMs as soon as the job ends, before waitMs", async () => {
    const root = await new KernelRoot(t.api).start();
    const step = await root.step("quick");
    assert.equal((await dispatch(step, "quick")).status, 201);
    const started = Date.now();
    const res = await t.api.get<Job>(`/runs/${step}/job?waitMs=30000`);
    assert.equal(res.status, 200);
    assert.equal(res.body.state, "succeeded");
    assert.ok(Date.now() - started < 30_000, "answered when the job ended, not at waitMs");
  });

  it("refuses an impossible request with 422 naming the step, the request and the largest possible, before any job exists", async () => {
    const root = await new KernelRoot(t.api).start();
    const step = await root.step("train");
    const res = await dispatch(step, "train", { cpus: 64, memoryMiB: 4096 });
    assert.equal(res.status, 422);
    assert.deepEqual(res.body, {
      error: {
        code: "resources_unsatisfiable",
        message:
          'step "train" asks for cpus: 64, memoryMiB: 4096, gpus: 0; the largest the local executor ' +
          "can give is cpus: 2, memoryMiB: 4096, gpus: 0: lower the request, or raise the " +
          "executor's limits (tsematic serve --cpus N --memory-mib N --gpus N)",
      },
    });
    assert.equal((await t.api.get(`/runs/${step}/job`)).status, 404);
    const unknown = await t.api.post(`/runs/${step}/jobs`, {
      packageId,
      stepName: "train",
      inputs: [],
      resources: {},
      executor: "kubernetes",
    });
    assert.equal(unknown.status, 400);
    assert.match(
      (unknown.body as { error: { message: string } }).error.message,
      /use one of local/,
    );
    // Slurm is an executor this server could have: the answer says how to configure it.
    const slurm = await t.api.post(`/runs/${step}/jobs`, {
      packageId,
      stepName: "train",
      inputs: [],
      resources: {},
      executor: "slurm",
    });
    assert.equal(slurm.status, 422);
    assert.match(
      (slurm.body as { error: { message: string } }).error.message,
      /no executor "slurm" on this server: use one of local, or start the server with --slurm-url URL --slurm-user USER --slurm-jwt-key FILE/,
    );
  });

  it("ends a step error's job failed with its failure, without another attempt", async () => {
    process.env.TSEMATIC_TEST_WORKER_MODE = "fail";
    const root = await new KernelRoot(t.api).start();
    const step = await root.step("explode");
    assert.equal((await dispatch(step, "explode")).status, 201);
    const done = await settledJob(t.api, step);
    assert.equal(done.state, "failed");
    assert.equal(done.attempt, 1);
    assert.deepEqual(done.failure, {
      kind: "step-error",
      message: 'Error in step "explode": the step failed on purpose',
      hint: `see the step's log: tsematic logs ${step}`,
    });
    const failed = await run(step);
    assert.equal(failed.state, "failed");
    assert.equal(failed.error?.message, "the step failed on purpose");
  });

  it("requeues the run of a worker killed with kill -9 as attempt 2, which succeeds, with no duplicate runs", async () => {
    process.env.TSEMATIC_TEST_WORKER_MODE = "hang-then-succeed";
    const root = await new KernelRoot(t.api).start();
    const step = await root.step("flaky");
    const first = (await dispatch(step, "flaky")).body;
    const pid = await workerPid(workers, first.id);
    await until(async () => (await run(step)).state === "running");
    process.kill(pid, "SIGKILL");
    const done = await settledJob(t.api, step);
    assert.equal(done.state, "succeeded");
    assert.equal(done.attempt, 2);
    const [lost, second] = jobsOf(root.rootId);
    assert.equal(lost!.state, "lost");
    assert.equal(lost!.requeuedAs, second!.id);
    assert.equal(lost!.failure?.kind, "signal");
    assert.equal(lost!.failure?.signal, "SIGKILL");
    assert.equal(second!.id, done.id);
    const runs = t.server.context.db
      .prepare<[string], { n: number }>("SELECT count(*) AS n FROM runs WHERE root_id = ?")
      .get(root.rootId)!.n;
    assert.equal(runs, 2, "the root and its one step: attempt 2 replayed nothing");
    const resolved = await run(step);
    assert.equal(resolved.state, "resolved");
    assert.equal(resolved.attempt, 2);
  });

  it("fails a run for good with failure exit-code after its worker exits 3 on each of 3 attempts", async () => {
    process.env.TSEMATIC_TEST_WORKER_MODE = "exit3";
    const root = await new KernelRoot(t.api).start();
    const step = await root.step("crashy");
    assert.equal((await dispatch(step, "crashy")).status, 201);
    const done = await settledJob(t.api, step);
    assert.equal(done.state, "lost");
    assert.equal(done.attempt, 3);
    assert.equal(done.requeuedAs, undefined);
    assert.deepEqual(
      jobsOf(root.rootId).map((j) => [j.attempt, j.state, j.failure?.kind, j.failure?.exitCode]),
      [
        [1, "lost", "exit-code", 3],
        [2, "lost", "exit-code", 3],
        [3, "lost", "exit-code", 3],
      ],
    );
    const failed = await run(step);
    assert.equal(failed.state, "failed");
    assert.equal(failed.error?.name, "WorkerFailedError");
    assert.equal(failed.error?.failure?.kind, "exit-code");
    assert.equal(failed.error?.failure?.exitCode, 3);
    assert.equal(failed.error?.message, `${done.failure!.message} (attempt 3 of 3: not retried)`);
    assert.deepEqual(failed.error?.path, ["pipeline", "crashy"]);
  });

  it("cancel of a root kills every job process and ends its runs canceled", async () => {
    process.env.TSEMATIC_TEST_WORKER_MODE = "hang";
    const root = await new KernelRoot(t.api).start();
    const a = await root.step("a");
    const b = await root.step("b");
    const jobs = [(await dispatch(a, "a")).body, (await dispatch(b, "b")).body];
    const pids = await Promise.all(jobs.map((j) => workerPid(workers, j.id)));
    await until(
      async () => (await run(a)).state === "running" && (await run(b)).state === "running",
    );
    assert.ok(pids.every(alive));
    const res = await t.api.post<{ canceledRuns: number }>(`/runs/${root.rootId}/cancel`);
    assert.equal(res.status, 200);
    assert.deepEqual(
      pids.map((pid) => alive(pid)),
      [false, false],
      "every worker is gone when cancel answers",
    );
    for (const id of [root.rootId, a, b]) assert.equal((await run(id)).state, "canceled");
    assert.deepEqual(
      jobsOf(root.rootId).map((j) => j.state),
      ["canceled", "canceled"],
    );
    assert.equal((await settledJob(t.api, a)).failure?.kind, "canceled");
  });

  it("cancel of a submitted root whose driver has not created its root run kills the driver", async () => {
    process.env.TSEMATIC_TEST_WORKER_MODE = "hang-early";
    const sub = await t.api.post<{ rootId: string; job: Job }>("/submissions", {
      kind: "program",
      packageId,
      executor: "local",
    });
    assert.equal(sub.status, 201, sub.text);
    const pid = await workerPid(workers, sub.body.job.id);
    assert.equal((await t.api.get(`/runs/${sub.body.rootId}`)).status, 404);
    // A driver heartbeats before its program creates the root run: its job answers for it.
    const beat = await t.api.post<{ lease: { lease: string; attempt: number } }>(
      `/runs/${sub.body.rootId}/heartbeat?attempt=1`,
    );
    assert.equal(beat.status, 200, beat.text);
    assert.deepEqual(beat.body.lease, {
      runId: sub.body.rootId,
      attempt: 1,
      lease: "held",
      runState: "created",
    });
    const res = await t.api.post(`/runs/${sub.body.rootId}/cancel`);
    assert.equal(res.status, 200, res.text);
    assert.equal(alive(pid), false);
    assert.equal((await settledJob(t.api, sub.body.rootId)).state, "canceled");
  });

  it("records a submitted root failed, with its inputs, when its driver fails before creating the root run", async () => {
    process.env.TSEMATIC_TEST_WORKER_MODE = "fail-early";
    const elsewhere = await new KernelRoot(t.api).start();
    const n = await elsewhere.input(await elsewhere.step("source"), "n", 4);
    const sub = await t.api.post<{ rootId: string; job: Job }>("/submissions", {
      kind: "root",
      packageId,
      stepName: "pipeline",
      inputs: [{ name: "n", artifactId: n }],
      executor: "local",
    });
    assert.equal(sub.status, 201, sub.text);
    assert.equal((await settledJob(t.api, sub.body.rootId)).state, "failed");
    // Before: GET /runs/{rootId} stayed 404, though submit had answered that id.
    await until(async () => (await t.api.get(`/runs/${sub.body.rootId}`)).status === 200);
    const got = await t.api.get<{
      run: RunView;
      root: { mode: string; status: string };
      inputs: Array<{ name: string; artifact: { id: string } }>;
    }>(`/runs/${sub.body.rootId}`);
    assert.equal(got.body.run.state, "failed");
    assert.equal(got.body.run.stepName, "pipeline");
    assert.equal(got.body.root.mode, "cloud");
    assert.match(
      got.body.run.error?.message ?? "",
      /project folder of package [0-9a-f]{64} is gone/,
    );
    assert.equal(got.body.run.error?.failure?.kind, "step-error");
    assert.deepEqual(
      got.body.inputs.map((i) => [i.name, i.artifact.id]),
      [["n", n]],
    );
  });

  it("drops the pending reason an executor gave once the job's worker reports it started", async () => {
    process.env.TSEMATIC_TEST_WORKER_MODE = "hang-early";
    process.env.TSEMATIC_TEST_WORKER_SHARE_TOKEN = "1";
    const root = await new KernelRoot(t.api).start();
    const step = await root.step("waited");
    const job = (await dispatch(step, "waited")).body;
    await workerPid(workers, job.id);
    // As a Slurm poll records it while the job pends (the local executor has no reasons).
    assert.ok(
      setHandle(t.server.context.db, job.id, {
        executor: "local",
        host: "",
        pendingReason: "Resources",
      }),
    );
    const token = readFileSync(join(workers, `${job.id}.token`), "utf8");
    const started = await t.api.request("POST", `/api/v1/jobs/${job.id}/started`, {
      token,
      json: { pid: process.pid, host: "w1", attempt: 1 },
    });
    assert.equal(started.status, 200, started.text);
    const now = (await t.api.get<Job>(`/runs/${step}/job`)).body;
    assert.equal(now.state, "running");
    assert.equal(now.handle?.pendingReason, undefined, "it runs: no reason to pend");
    await t.api.post(`/runs/${root.rootId}/cancel`);
  });

  it("scopes a worker token to its root: 403 for another root's runs and events (nothing ingested) and for submissions", async () => {
    process.env.TSEMATIC_TEST_WORKER_MODE = "hang";
    process.env.TSEMATIC_TEST_WORKER_SHARE_TOKEN = "1";
    const other = await new KernelRoot(t.api).start();
    const otherStep = await other.step("secret");
    const secret = await other.input(otherStep, "data", { secret: true });
    const cached = await other.cachedOutput(await other.step("cached"), { hit: 1 }, "c".repeat(64));
    const otherPackage = packageArchive("module.exports = { other: true };\n");
    await t.api.request("POST", "/api/v1/packages", {
      raw: otherPackage,
      headers: { "content-type": "application/json" },
    });
    const root = await new KernelRoot(t.api).start();
    const step = await root.step("scoped");
    const mine = await root.input(step, "data", { mine: true });
    const job = (await dispatch(step, "scoped")).body;
    await workerPid(workers, job.id);
    await until(async () => (await run(step)).state === "running");
    const token = readFileSync(join(workers, `${job.id}.token`), "utf8");
    assert.notEqual(token, t.server.token);
    const as = (method: string, path: string, json?: unknown) =>
      t.api.request<{ error: { code: string; message: string } }>(method, `/api/v1${path}`, {
        token,
        ...(json !== undefined && { json }),
      });

    assert.equal((await as("GET", `/runs/${step}`)).status, 200);
    assert.equal((await as("GET", `/jobs/${job.id}/spec`)).status, 200);
    assert.equal((await as("GET", `/packages/${packageId}`)).status, 200);
    const foreignPackage = await as("GET", `/packages/${idOf(otherPackage)}`);
    assert.equal(foreignPackage.status, 403);
    assert.match(foreignPackage.body.error.message, /is not its job's package/);
    // Prebuilt dependencies: a worker may read them (404 when none); only the admin stores them.
    const deps = `/dependencies/${"e".repeat(64)}`;
    assert.equal((await as("GET", deps)).status, 404);
    const putDeps = await as("PUT", deps);
    assert.equal(putDeps.status, 403);
    assert.match(putDeps.body.error.message, /PUT \/dependencies\/e+ is not open to workers/);
    assert.equal((await as("GET", `/artifacts/${mine}/value`)).status, 200);
    for (const path of [`/artifacts/${secret}`, `/artifacts/${secret}/value`]) {
      const res = await as("GET", path);
      assert.equal(res.status, 403, path);
      assert.match(
        res.body.error.message,
        /is neither an input of its job, nor on a run of its root, nor a cached output/,
      );
    }
    // A cache hit inside the worker reads a cached output of any root, as GET /cache/{key} names it.
    assert.equal((await as("GET", `/cache/${"c".repeat(64)}`)).status, 200);
    assert.equal((await as("GET", `/artifacts/${cached}/value`)).status, 200);
    for (const path of [`/runs/${other.rootId}`, `/runs/${otherStep}`]) {
      const res = await as("GET", path);
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, "worker_forbidden");
      assert.match(res.body.error.message, /belongs to another root run: a worker token/);
    }
    const before = t.server.context.db.prepare("SELECT count(*) AS n FROM logs").get();
    const events = await as("POST", "/events", {
      events: [
        {
          type: "log",
          id: `${root.rootId}:${step}.1:900`,
          rootId: root.rootId,
          at: Date.now(),
          runId: step,
          stream: "stdout",
          text: "mine\n",
        },
        {
          type: "log",
          id: `${other.rootId}:${step}.1:901`,
          rootId: other.rootId,
          at: Date.now(),
          runId: otherStep,
          stream: "stdout",
          text: "not mine\n",
        },
      ],
    });
    assert.equal(events.status, 403);
    assert.match(events.body.error.message, /^event 1 is of root run [0-9a-f]+, not of its root/);
    assert.deepEqual(t.server.context.db.prepare("SELECT count(*) AS n FROM logs").get(), before);
    const submit = await as("POST", "/submissions", {
      kind: "program",
      packageId,
      executor: "local",
    });
    assert.equal(submit.status, 403);
    assert.match(submit.body.error.message, /may only fetch its job's spec/);
    assert.equal((await as("GET", "/runs")).status, 403);
    assert.equal((await as("GET", `/jobs/${"0".repeat(32)}/spec`)).status, 403);

    await t.api.post(`/runs/${root.rootId}/cancel`);
    assert.equal((await as("GET", `/runs/${step}`)).status, 401, "revoked when its job ended");
  });

  it("builds the worker's environment from scratch: the admin token never reaches it", async () => {
    process.env.TSEMATIC_TEST_WORKER_SHARE_TOKEN = "1";
    const root = await new KernelRoot(t.api).start();
    const step = await root.step("env");
    const job = (await dispatch(step, "env")).body;
    await settledJob(t.api, step);
    const keys = JSON.parse(readFileSync(join(workers, `${job.id}.env`), "utf8")) as string[];
    const expected = [
      "HOME",
      "LANG",
      "PATH",
      "TSEMATIC_JOB_ID",
      "TSEMATIC_SERVER_URL",
      "TSEMATIC_TEST_WORKER_DIR",
      "TSEMATIC_TEST_WORKER_MODE",
      "TSEMATIC_TEST_WORKER_SHARE_TOKEN",
      "TSEMATIC_TOKEN",
      "TSEMATIC_WORKER_CACHE",
      "TSEMATIC_WORKER_IDLE_MS",
    ].filter((k) => !["HOME", "LANG", "PATH"].includes(k) || process.env[k] !== undefined);
    assert.deepEqual(keys, expected);
    assert.notEqual(readFileSync(join(workers, `${job.id}.token`), "utf8"), t.server.token);
  });

  it("refuses a submission whose package has an impossible step with 422, before any job exists", async () => {
    const big = packageArchive(undefined, (a) => {
      a.manifest.steps = [
        { name: "prep", sourceHash: sha256("prep"), resources: { cpus: 1 } },
        { name: "train", sourceHash: sha256("train"), resources: { cpus: 1, gpus: 8 } },
      ];
    });
    const up = await t.api.request("POST", "/api/v1/packages", {
      raw: big,
      headers: { "content-type": "application/json" },
    });
    assert.equal(up.status, 201, up.text);
    const jobsBefore = t.server.context.db.prepare("SELECT count(*) AS n FROM jobs").get();
    const res = await t.api.post("/submissions", {
      kind: "program",
      packageId: idOf(big),
      executor: "local",
    });
    assert.equal(res.status, 422);
    assert.deepEqual(res.body, {
      error: {
        code: "resources_unsatisfiable",
        message:
          'step "train" asks for cpus: 1, memoryMiB: 0, gpus: 8; the largest the local executor ' +
          "can give is cpus: 2, memoryMiB: 4096, gpus: 0: lower the request, or raise the " +
          "executor's limits (tsematic serve --cpus N --memory-mib N --gpus N)",
      },
    });
    assert.deepEqual(
      t.server.context.db.prepare("SELECT count(*) AS n FROM jobs").get(),
      jobsBefore,
    );
  });

  it("runs a submitted root as a driver job that creates and resolves the root run", async () => {
    const sub = await t.api.post<{ rootId: string; job: Job; watch: { cli: string } }>(
      "/submissions",
      { kind: "root", packageId, stepName: "pipeline", inputs: [], executor: "local" },
    );
    assert.equal(sub.status, 201, sub.text);
    assert.equal(sub.body.job.runId, sub.body.rootId);
    assert.equal(sub.body.watch.cli, `tsematic show ${sub.body.rootId}`);
    const done = await settledJob(t.api, sub.body.rootId);
    assert.equal(done.state, "succeeded");
    const rootRun = await run(sub.body.rootId);
    assert.equal(rootRun.state, "resolved");
    const root = await t.api.get<{ root: { mode: string; environment: { packageId?: string } } }>(
      `/runs/${sub.body.rootId}`,
    );
    assert.equal(root.body.root.mode, "cloud");
    assert.equal(
      root.body.root.environment.packageId,
      packageId,
      "the package is named in lineage",
    );
  });

  it("fails a run that outgrows its memoryMiB for good, with out-of-memory asked vs used, without another attempt", async () => {
    process.env.TSEMATIC_TEST_WORKER_MODE = "oom";
    const root = await new KernelRoot(t.api).start();
    const step = await root.step("greedy");
    assert.equal((await dispatch(step, "greedy", { cpus: 1, memoryMiB: 150 })).status, 201);
    const done = await settledJob(t.api, step);
    assert.equal(done.state, "failed");
    assert.equal(done.attempt, 1);
    assert.equal(done.failure?.kind, "out-of-memory");
    assert.equal(done.failure?.memory?.askedMiB, 150);
    assert.ok(done.failure!.memory!.usedMiB > 150);
    const failed = await run(step);
    assert.equal(failed.state, "failed");
    assert.equal(failed.error?.name, "WorkerFailedError");
    assert.deepEqual(failed.error?.failure, done.failure);
  });
});

describe("jobs across a server's life: silent workers, stops and restarts", () => {
  const workers = tempDir("tsematic-workers-");
  const pkg = packageArchive();
  const packageId = idOf(pkg);
  after(() => {
    rmSync(workers, { recursive: true, force: true });
    delete process.env.TSEMATIC_TEST_WORKER_DIR;
    delete process.env.TSEMATIC_TEST_WORKER_MODE;
  });
  before(() => {
    process.env.TSEMATIC_TEST_WORKER_DIR = workers;
  });

  const setUp = async (t: TestServer): Promise<void> => {
    const up = await t.api.request("POST", "/api/v1/packages", {
      raw: pkg,
      headers: { "content-type": "application/json" },
    });
    assert.ok(up.status === 201 || up.status === 200);
  };
  const dispatch = (t: TestServer, runId: string) =>
    t.api.post<Job>(`/runs/${runId}/jobs`, {
      packageId,
      stepName: "step",
      inputs: [],
      resources: { cpus: 1 },
      executor: "local",
    });
  const runState = async (t: TestServer, runId: string): Promise<string> =>
    (await t.api.get<{ run: RunView }>(`/runs/${runId}`)).body.run.state;

  it("stops a worker whose lease expired while its process still runs, and requeues its run", async () => {
    process.env.TSEMATIC_TEST_WORKER_MODE = "silent-then-succeed";
    const t = await startTestServer({
      workerEntry: FAKE_WORKER,
      executor: LIMITS,
      heartbeatTimeoutMs: 1_500,
      killGraceMs: 500,
    });
    try {
      await setUp(t);
      const root = await new KernelRoot(t.api).start();
      // The kernel resolving the root stays alive: only the worker goes silent.
      const kernel = setInterval(() => void t.api.post(`/runs/${root.rootId}/heartbeat`), 200);
      try {
        const step = await root.step("quiet");
        const first = (await dispatch(t, step)).body;
        const pid = await workerPid(workers, first.id);
        const done = await settledJob(t.api, step);
        assert.equal(done.state, "succeeded");
        assert.equal(done.attempt, 2);
        const lost = t.server.context.scheduler.spec(first.id).job;
        assert.equal(lost.state, "lost");
        assert.equal(lost.failure?.kind, "lost");
        assert.match(
          lost.failure!.message,
          /sent no heartbeat for [\d.]+ s while its process still ran/,
        );
        assert.equal(alive(pid), false, "the silent worker was stopped");
        assert.equal(await runState(t, step), "resolved");
      } finally {
        clearInterval(kernel);
      }
    } finally {
      await t.close();
    }
  });

  it("leaves no worker behind when the server stops, and requeues its jobs when it starts again", async () => {
    const dataDir = tempDir();
    try {
      process.env.TSEMATIC_TEST_WORKER_MODE = "hang";
      const options = { dataDir, workerEntry: FAKE_WORKER, executor: LIMITS, killGraceMs: 500 };
      let t = await startTestServer(options);
      await setUp(t);
      const root = await new KernelRoot(t.api).start();
      const step = await root.step("survivor");
      const first = (await dispatch(t, step)).body;
      const pid = await workerPid(workers, first.id);
      await until(async () => (await runState(t, step)) === "running");
      await t.close();
      assert.equal(alive(pid), false, "the stopped server's worker is gone");

      process.env.TSEMATIC_TEST_WORKER_MODE = "succeed";
      t = await startTestServer(options);
      try {
        const done = await settledJob(t.api, step);
        assert.equal(done.state, "succeeded");
        assert.equal(done.attempt, 2);
        const left = t.server.context.scheduler.spec(first.id).job;
        assert.equal(left.state, "lost");
        assert.match(left.failure!.message, /the server restarted while job/);
        assert.equal(await runState(t, step), "resolved");
      } finally {
        await t.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
