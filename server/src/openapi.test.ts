import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import type { Router } from "express";
import { createApp } from "./app";
import { ARTIFACT_LINEAGE_PARAMS } from "./routes/artifacts";
import {
  PIPELINE_METRICS_PARAMS,
  PIPELINE_SERIES_PARAMS,
  PIPELINE_SUMMARY_PARAMS,
} from "./routes/metrics";
import { CHILDREN_PARAMS, LINEAGE_PARAMS, LIST_PARAMS, NOTES_PARAMS } from "./routes/runs";
import { contract, schemaValidator } from "./http/contract";
import { pipelineFixture } from "./testing/fixture";
import {
  type Answer,
  type RequestOptions,
  startTestServer,
  type TestServer,
} from "./testing/harness";
import { OpenApiChecker } from "./testing/openapi-check";
import { FAKE_WORKER, KernelRoot, settledJob } from "./testing/job-fixture";
import { idOf as packageId, packageArchive } from "./testing/package-fixture";
import { createJobToken } from "./storage/jobs";

describe("the server conforms to openapi.yaml", () => {
  let t: TestServer;
  const checker = new OpenApiChecker();
  const fx = pipelineFixture({ seed: "openapi" });
  const running = pipelineFixture({ seed: "openapi-running", unfinished: true });

  before(async () => {
    t = await startTestServer({ maxBatchBytes: 64 * 1024, workerEntry: FAKE_WORKER });
  });
  after(() => t.close());

  /** A request whose answer is checked against the operation's documented responses. */
  const call = async (method: string, path: string, o: RequestOptions = {}): Promise<Answer> => {
    const res = await t.api.request(method, `/api/v1${path}`, o);
    checker.check(method, path, res.status, res.body, res.headers.get("content-type"));
    return res;
  };

  it("compiles every schema of the file (all $refs resolve)", () => {
    for (const name of Object.keys(contract().doc.components.schemas)) schemaValidator(name);
  });

  it("documents exactly the routes the server has", () => {
    const app = createApp(t.server.context) as unknown as { router: Router };
    const served = new Set<string>();
    for (const layer of app.router.stack as { handle: { stack?: Router["stack"] } }[]) {
      for (const inner of layer.handle.stack ?? []) {
        const route = (inner as { route?: { path: string; methods: Record<string, boolean> } })
          .route;
        if (!route) continue;
        for (const method of Object.keys(route.methods)) {
          served.add(`${method.toUpperCase()} ${route.path.replace(/:(\w+)/g, "{$1}")}`);
        }
      }
    }
    const documented = new Set(checker.operations.map((o) => `${o.method} ${o.template}`));
    assert.deepEqual([...served].sort(), [...documented].sort());
  });

  it("documents exactly the query parameters of the routes that take them", () => {
    const accepted: Record<string, string[]> = {
      "/runs": LIST_PARAMS,
      "/runs/{runId}/lineage": LINEAGE_PARAMS,
      "/runs/{runId}/children": CHILDREN_PARAMS,
      "/runs/{runId}/notes": NOTES_PARAMS,
      "/artifacts/{artifactId}/lineage": ARTIFACT_LINEAGE_PARAMS,
      "/pipelines/{stepName}/metrics": PIPELINE_METRICS_PARAMS,
      "/pipelines/{stepName}/series": PIPELINE_SERIES_PARAMS,
      "/pipelines/{stepName}/summary": PIPELINE_SUMMARY_PARAMS,
    };
    for (const [template, params] of Object.entries(accepted)) {
      const op = checker.operations.find((o) => o.method === "GET" && o.template === template)!;
      const documented = (op.operation.parameters ?? [])
        .filter((p) => (p as { in?: string }).in === "query")
        .map((p) => (p as { name: string }).name);
      assert.deepEqual([...documented].sort(), [...params].sort(), template);
    }
  });

  it("answers every documented call with a documented status and a body that matches its schema", async () => {
    const json = (value: unknown): RequestOptions => ({ json: value });
    await call("GET", "/health", { token: null });

    const batch = (artifacts: typeof fx.artifacts): RequestOptions =>
      json({
        artifacts: artifacts.map((a) => ({
          id: a.id,
          typeName: a.typeName,
          bytes: Buffer.from(a.bytes).toString("base64"),
        })),
      });
    assert.equal(
      (await call("POST", "/artifact-uploads", batch(fx.artifacts.slice(2)))).status,
      200,
    );
    assert.equal((await call("POST", "/artifact-uploads", json({ artifacts: [] }))).status, 400);
    await t.api.uploadArtifacts(fx.artifacts.slice(1, 2));
    const first = fx.artifacts[0]!;
    assert.equal((await call("HEAD", `/artifacts/${first.id}/value`)).status, 404);
    const put = (typeName: string, bytes: Uint8Array): Promise<Answer> =>
      call("PUT", `/artifacts/${first.id}/value?typeName=${typeName}`, {
        raw: bytes,
        headers: { "content-type": "application/octet-stream" },
      });
    assert.equal((await put(first.typeName, first.bytes)).status, 201);
    assert.equal((await put(first.typeName, first.bytes)).status, 200);
    assert.equal((await put("other.type", first.bytes)).status, 400);
    assert.equal((await call("HEAD", `/artifacts/${first.id}/value`)).status, 200);

    assert.equal((await call("POST", "/events", json({ events: fx.events }))).status, 200);
    assert.equal((await call("POST", "/events", json({ events: fx.events }))).status, 200);
    assert.equal((await call("POST", "/events", json({ events: running.events }))).status, 200);
    assert.equal((await call("POST", "/events", json({ events: [] }))).status, 400);
    assert.equal(
      (await call("POST", "/events", { raw: "x", headers: { "content-type": "text/plain" } }))
        .status,
      415,
    );
    assert.equal(
      (await call("POST", "/events", json({ events: [{ pad: "x".repeat(70_000) }] }))).status,
      413,
    );
    const log = running.events.find((e) => e.type === "log")!;
    const orphan = { ...log, id: `${fx.rootId}:99999`, rootId: fx.rootId };
    assert.equal((await call("POST", "/events", json({ events: [orphan] }))).status, 422);
    // A run of fx created again under another root.
    const stolen = fx.events.find((e) => e.type === "run-created" && e.run.id !== fx.rootId)!;
    assert.equal(
      (
        await call(
          "POST",
          "/events",
          json({
            events: [
              {
                ...stolen,
                id: `${running.rootId}:7777`,
                rootId: running.rootId,
                run: {
                  ...(stolen as { run: object }).run,
                  rootId: running.rootId,
                  parentId: running.rootId,
                },
              },
            ],
          }),
        )
      ).status,
      409,
    );
    assert.equal((await call("GET", "/runs", { token: "wrong" })).status, 401);

    assert.equal((await call("GET", "/runs?root=true&limit=1")).status, 200);
    assert.equal(
      (await call("GET", "/runs?root=true&nameContains=PIPE&state=running,resolved")).status,
      200,
    );
    assert.equal((await call("GET", "/runs?state=running,nope")).status, 400);
    assert.equal((await call("GET", "/runs?limit=0")).status, 400);
    assert.equal((await call("GET", `/runs/${fx.runs.train0}`)).status, 200);
    assert.equal((await call("GET", `/runs/${fx.rootId}`)).status, 200);
    assert.equal((await call("GET", `/runs/${"0".repeat(32)}`)).status, 404);
    assert.equal((await call("GET", `/runs/${fx.rootId}/graph`)).status, 200);
    assert.equal((await call("GET", `/runs/${fx.runs.load}/graph`)).status, 400);
    assert.equal((await call("GET", `/runs/${fx.runs.train0}/logs?limit=1`)).status, 200);
    assert.equal((await call("GET", `/runs/${"0".repeat(32)}/logs`)).status, 404);
    assert.equal(
      (await call("POST", `/runs/${fx.runs.train0}/notes`, json({ text: "good" }))).status,
      201,
    );
    assert.equal(
      (await call("POST", `/runs/${fx.runs.train0}/notes`, json({ txt: "typo" }))).status,
      400,
    );
    assert.equal((await call("GET", `/runs/${fx.runs.train0}/notes?limit=1`)).status, 200);
    assert.equal((await call("GET", `/runs/${fx.rootId}/children?limit=2`)).status, 200);
    assert.equal((await call("GET", `/runs/${"0".repeat(32)}/children`)).status, 404);
    const upstream = await call("GET", `/runs/${fx.runs.plot}/lineage?direction=upstream&limit=2`);
    assert.equal(upstream.status, 200);
    const next = (upstream.body as { nextCursor: string }).nextCursor;
    assert.equal(
      (await call("GET", `/runs/${fx.runs.plot}/lineage?direction=upstream&cursor=${next}`)).status,
      200,
    );
    assert.equal(
      (await call("GET", `/runs/${fx.runs.load}/lineage?direction=downstream`)).status,
      200,
    );
    assert.equal((await call("GET", `/runs/${fx.runs.load}/lineage?direction=up`)).status, 400);
    assert.equal((await call("POST", `/runs/${running.rootId}/heartbeat`)).status, 200);
    assert.equal((await call("POST", `/runs/${running.rootId}/cancel`)).status, 200);
    assert.equal((await call("POST", `/runs/${fx.rootId}/cancel`)).status, 409);
    assert.equal((await call("GET", `/artifacts/${fx.artifactIds.table}`)).status, 200);
    assert.equal((await call("GET", `/artifacts/${"e".repeat(64)}`)).status, 404);
    assert.equal((await call("GET", `/artifacts/${fx.artifactIds.table}/value`)).status, 200);
    assert.equal((await call("GET", `/artifacts/${fx.artifactIds.scores}/value`)).status, 200);
    assert.equal((await call("GET", `/artifacts/${fx.artifactIds.table}/lineage`)).status, 200);
    assert.equal(
      (await call("GET", `/artifacts/${fx.artifactIds.table}/lineage?limit=1&cursor=o1`)).status,
      200,
    );
    assert.equal((await call("GET", "/artifacts/xyz/lineage")).status, 400);
    const train = await t.api.get<{ run: { cacheKey: string } }>(`/runs/${fx.runs.train0}`);
    assert.equal((await call("GET", `/cache/${train.body.run.cacheKey}`)).status, 200);
    assert.equal((await call("GET", `/cache/${"d".repeat(64)}`)).status, 404);
    const lookups = json({ keys: [train.body.run.cacheKey, "d".repeat(64)], inlineBytes: 4096 });
    assert.equal((await call("POST", "/cache/lookups", lookups)).status, 200);
    const idLookups = json({ keys: [train.body.run.cacheKey], inlineBytes: 4096, run: "id" });
    assert.equal((await call("POST", "/cache/lookups", idLookups)).status, 200);
    assert.equal((await call("POST", "/cache/lookups", json({ keys: ["x"] }))).status, 400);
    assert.equal((await call("GET", `/live/${fx.rootId}`)).status, 426);
    assert.equal((await call("GET", `/live/notes/${fx.rootId}`)).status, 426);
    const metric = (seq: number, step: number) => ({
      id: `${fx.rootId}:${fx.runs.train0}.1:${seq}`,
      rootId: fx.rootId,
      at: Date.now(),
      type: "metric",
      runId: fx.runs.train0,
      name: "loss",
      value: 1 / (step + 1),
      step,
      labels: { lr: "0.1" },
    });
    assert.equal((await call("POST", "/events", json({ events: [metric(1, 0)] }))).status, 200);
    const badMetric = { ...metric(2, 1), labels: { lr: "x".repeat(201) } };
    assert.equal((await call("POST", "/events", json({ events: [badMetric] }))).status, 400);
    assert.equal((await call("GET", `/runs/${fx.rootId}/metrics`)).status, 200);
    assert.equal((await call("GET", `/runs/${fx.runs.train0}/metrics`)).status, 200);
    assert.equal((await call("GET", `/runs/${"0".repeat(32)}/metrics`)).status, 404);
    assert.equal((await call("GET", `/runs/${fx.rootId}/notes-pane`)).status, 200);
    assert.equal((await call("GET", `/runs/${fx.runs.load}/notes-pane`)).status, 400);
    assert.equal((await call("GET", `/runs/${"0".repeat(32)}/notes-pane`)).status, 404);
    const pipelineMetrics = await call("GET", "/pipelines/pipeline/metrics?name=loss&limit=1");
    assert.equal(pipelineMetrics.status, 200);
    const metricsCursor = (pipelineMetrics.body as { nextCursor: string | null }).nextCursor;
    if (metricsCursor !== null) {
      const next = await call("GET", `/pipelines/pipeline/metrics?cursor=${metricsCursor}`);
      assert.equal(next.status, 200);
    }
    assert.equal((await call("GET", "/pipelines/pipeline/metrics?limit=0")).status, 400);
    assert.equal((await call("GET", "/pipelines/pipeline/metrics?cursor=xyz")).status, 400);
    const series = await call("GET", "/pipelines/pipeline/series?name=loss&limit=1");
    assert.equal(series.status, 200);
    const seriesCursor = (series.body as { nextCursor: string | null }).nextCursor;
    if (seriesCursor !== null) {
      const next = await call("GET", `/pipelines/pipeline/series?cursor=${seriesCursor}`);
      assert.equal(next.status, 200);
    }
    assert.equal((await call("GET", "/pipelines/pipeline/series?limit=1001")).status, 400);
    assert.equal((await call("GET", "/pipelines/pipeline/summary?limit=5")).status, 200);
    assert.equal((await call("GET", "/pipelines/pipeline/summary?limit=5000")).status, 400);
    const pkg = packageArchive();
    const upload = (raw: Uint8Array | string): Promise<Answer> =>
      call("POST", "/packages", { raw, headers: { "content-type": "application/json" } });
    assert.equal((await upload(pkg)).status, 201);
    assert.equal((await upload(pkg)).status, 200);
    assert.equal((await upload("{}")).status, 400);
    assert.equal((await call("GET", `/packages/${packageId(pkg)}`)).status, 200);
    assert.equal((await call("GET", `/packages/${packageId(pkg)}/manifest`)).status, 200);
    assert.equal((await call("GET", `/packages/${"0".repeat(64)}/manifest`)).status, 404);
    assert.equal((await call("GET", "/packages/xyz")).status, 400);
    const deps = `/dependencies/${"e".repeat(64)}`;
    const gzip = (raw: Uint8Array | string): RequestOptions => ({
      raw,
      headers: { "content-type": "application/gzip" },
    });
    assert.equal((await call("GET", deps)).status, 404);
    assert.equal((await call("PUT", deps, gzip(gzipSync("node_modules")))).status, 201);
    assert.equal((await call("PUT", deps, gzip(gzipSync("node_modules")))).status, 200);
    assert.equal((await call("PUT", deps, gzip("not gzip"))).status, 400);
    assert.equal((await call("GET", deps)).status, 200);
    assert.equal((await call("GET", "/dependencies/xyz")).status, 400);

    // Jobs, submissions and executors (the fake worker speaks the worker protocol).
    await call("GET", "/executors");
    const steps = (resources: object) => json({ steps: [{ name: "train", resources }] });
    assert.equal((await call("POST", "/executors/local/validate", steps({ cpus: 1 }))).status, 200);
    assert.equal(
      (await call("POST", "/executors/local/validate", steps({ gpus: 99 }))).status,
      422,
    );
    assert.equal((await call("POST", "/executors/nope/validate", steps({}))).status, 400);
    const root = await new KernelRoot(t.api).start();
    const step = await root.step("train");
    const dispatch = (runId: string, executor = "local"): Promise<Answer> =>
      call(
        "POST",
        `/runs/${runId}/jobs`,
        json({ packageId: packageId(pkg), stepName: "train", inputs: [], resources: {}, executor }),
      );
    assert.equal((await call("GET", `/runs/${step}/job`)).status, 404);
    const job = (await dispatch(step)).body as { id: string };
    assert.equal((await dispatch(step)).status, 200);
    assert.equal((await dispatch(step, "nope")).status, 400);
    assert.equal((await dispatch("0".repeat(32))).status, 404);
    assert.equal((await call("GET", `/jobs/${job.id}/spec`)).status, 200);
    assert.equal((await call("GET", "/jobs/xyz/spec")).status, 400);
    assert.equal((await call("GET", `/runs/${step}/job?waitMs=25000`)).status, 200);
    await settledJob(t.api, step);
    assert.equal((await dispatch(step)).status, 200);
    const started = json({ pid: 1, host: "h", attempt: 1 });
    assert.equal((await call("POST", `/jobs/${job.id}/started`, started)).status, 409);
    const finished = json({ state: "succeeded", outputArtifactId: "e".repeat(64) });
    assert.equal((await call("POST", `/jobs/${job.id}/finished`, finished)).status, 409);
    assert.equal((await call("POST", `/jobs/${"0".repeat(32)}/finished`, finished)).status, 404);
    assert.equal((await call("POST", `/jobs/${job.id}/next?waitMs=0`, json({}))).status, 204);
    assert.equal((await call("POST", `/jobs/${job.id}/next`, json({ finished: {} }))).status, 400);
    assert.equal((await call("POST", `/jobs/${job.id}/next`, finished)).status, 400);
    const late = json({ finished: { state: "succeeded", outputArtifactId: "e".repeat(64) } });
    assert.equal((await call("POST", `/jobs/${job.id}/next`, late)).status, 409);
    assert.equal((await call("POST", "/jobs/xyz/next", json({}))).status, 400);
    assert.equal((await call("POST", `/jobs/${"0".repeat(32)}/next`, json({}))).status, 404);
    assert.equal((await call("POST", `/jobs/${job.id}/next`, { raw: "x" })).status, 415);
    const ended = await root.step("ended");
    await t.api.postEvents([
      {
        type: "run-state",
        id: `${root.rootId}:${ended}.1:1`,
        rootId: root.rootId,
        at: Date.now(),
        runId: ended,
        state: "canceled",
        attempt: 1,
      },
    ]);
    assert.equal((await dispatch(ended)).status, 409);
    const submission = (body: object): Promise<Answer> => call("POST", "/submissions", json(body));
    const program = { kind: "program", packageId: packageId(pkg), executor: "local" };
    const submitted = await submission(program);
    assert.equal(submitted.status, 201);
    await settledJob(t.api, (submitted.body as { rootId: string }).rootId);
    assert.equal((await submission({ ...program, packageId: "0".repeat(64) })).status, 404);
    assert.equal((await submission({ kind: "root", packageId: packageId(pkg) })).status, 400);
    const big = packageArchive(undefined, (a) => {
      a.manifest.steps = [{ name: "big", sourceHash: "a".repeat(64), resources: { gpus: 9 } }];
    });
    await upload(big);
    assert.equal((await submission({ ...program, packageId: packageId(big) })).status, 422);
    const workerToken = createJobToken(t.server.context.db, job.id, root.rootId, Date.now());
    const asWorker = { ...json(program), token: workerToken };
    assert.equal((await call("POST", "/submissions", asWorker)).status, 403);

    // Reruns: a kernel root without a package, a step, a packaged root (dry and real).
    const rerun = (runId: string, body: object): Promise<Answer> =>
      call("POST", `/runs/${runId}/rerun`, json(body));
    assert.equal((await rerun(root.rootId, {})).status, 409);
    assert.equal((await rerun(step, {})).status, 400);
    assert.equal((await rerun("0".repeat(32), {})).status, 404);
    const packaged = await new KernelRoot(t.api).start(packageId(pkg));
    await packaged.input(packaged.rootId, "n", 3);
    assert.equal((await rerun(packaged.rootId, { inputs: { n: { value: "x" } } })).status, 400);
    assert.equal((await rerun(packaged.rootId, { dryRun: true })).status, 200);
    const rerunAnswer = await rerun(packaged.rootId, { inputs: { n: { value: 4 } } });
    assert.equal(rerunAnswer.status, 201);
    await settledJob(t.api, (rerunAnswer.body as { rootId: string }).rootId);

    const missed = checker.operations
      .map((o) => `${o.method} ${o.template}`)
      .filter((op) => !checker.covered.has(op));
    assert.deepEqual(missed, [], "every documented operation was called");
  });
});
