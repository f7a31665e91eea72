import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { tableFromIPC } from "apache-arrow";
import {
  ARROW_MEDIA_TYPE,
  type Fixture,
  jsonArtifact,
  pipelineFixture,
  VEGA_LITE_MEDIA_TYPE,
} from "../testing/fixture";
import { startTestServer, type TestServer } from "../testing/harness";

interface Run {
  id: string;
  parentId: string | null;
  stepName: string;
  state: string;
  startedAt: number | null;
  endedAt: number | null;
}

describe("a tracked pipeline with fan-out, nesting, a table and a plot", () => {
  let t: TestServer;
  let fx: Fixture;

  before(async () => {
    t = await startTestServer();
    fx = pipelineFixture({ seed: "api" });
    await t.api.uploadArtifacts(fx.artifacts);
    await t.api.postInBatches(fx.events, 10);
  });
  after(() => t.close());

  it("returns the root's whole graph: every run, edge and artifact", async () => {
    const res = await t.api.get<{
      root: { status: string; mode: string; environment: { gitCommit: string } };
      runs: Run[];
      edges: { runId: string; direction: string; artifactId: string }[];
      artifacts: { id: string }[];
    }>(`/runs/${fx.rootId}/graph`);
    assert.equal(res.status, 200);
    const { root, runs, edges, artifacts } = res.body;
    // pipeline, load, 3 train, evaluateAll, 3 evaluate, plot
    assert.equal(runs.length, 10);
    assert.ok(runs.every((r) => r.state === "resolved"));
    assert.equal(root.status, "finished");
    assert.equal(root.mode, "local");
    assert.equal(root.environment.gitCommit, "1".repeat(40));
    const evaluates = runs.filter((r) => r.stepName === "evaluate");
    assert.ok(evaluates.every((r) => r.parentId === fx.runs.evaluateAll));
    const edgeCount = fx.events.filter((e) => e.type === "edge").length;
    assert.equal(edges.length, edgeCount);
    const ids = new Set(artifacts.map((a) => a.id));
    assert.ok(ids.has(fx.artifactIds.table!) && ids.has(fx.artifactIds.plot!));
    assert.ok(edges.every((e) => ids.has(e.artifactId)));
  });

  it("returns one run with its inputs, outputs, children and timings", async () => {
    const res = await t.api.get<{
      run: Run & { sourceText: string; cacheKey: string };
      inputs: { name: string; artifact: { typeName: string } }[];
      outputs: { name: string; artifact: { id: string } }[];
      childIds: string[];
      root: null;
    }>(`/runs/${fx.runs.train1}`);
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.inputs.map((p) => [p.name, p.artifact.typeName]),
      [
        ["data", "arrow.table"],
        ["lr", "json"],
      ],
    );
    assert.equal(res.body.outputs[0]!.artifact.id, fx.artifactIds.model1);
    assert.match(res.body.run.sourceText, /function train/);
    assert.match(res.body.run.cacheKey, /^[0-9a-f]{64}$/);
    assert.ok(res.body.run.startedAt! <= res.body.run.endedAt!);
    assert.equal(res.body.root, null);

    const nested = await t.api.get<{ childIds: string[] }>(`/runs/${fx.runs.evaluateAll}`);
    assert.deepEqual(
      nested.body.childIds.sort(),
      [fx.runs.evaluate0, fx.runs.evaluate1, fx.runs.evaluate2].sort(),
    );
    const root = await t.api.get<{ root: { rootId: string } }>(`/runs/${fx.rootId}`);
    assert.equal(root.body.root.rootId, fx.rootId);
  });

  it("streams a table artifact as Arrow IPC and a plot with its media type", async () => {
    const table = await fetch(`${t.api.url}/api/v1/artifacts/${fx.artifactIds.table}/value`, {
      headers: { authorization: `Bearer ${t.api.token}` },
    });
    assert.equal(table.status, 200);
    assert.equal(table.headers.get("content-type"), ARROW_MEDIA_TYPE);
    const parsed = tableFromIPC(new Uint8Array(await table.arrayBuffer()));
    assert.equal(parsed.numRows, 100);
    assert.deepEqual(
      parsed.schema.fields.map((f) => f.name),
      ["x", "y"],
    );
    const plot = await t.api.get<{ mark: string }>(`/artifacts/${fx.artifactIds.plot}/value`);
    assert.equal(plot.headers.get("content-type"), VEGA_LITE_MEDIA_TYPE);
    assert.equal(plot.body.mark, "bar");
  });

  it("returns artifact summaries, with whether the bytes are stored", async () => {
    const res = await t.api.get<{
      typeName: string;
      stored: boolean;
      summary: { numRows: number };
    }>(`/artifacts/${fx.artifactIds.table}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.typeName, "arrow.table");
    assert.equal(res.body.summary.numRows, 100);
    assert.equal(res.body.stored, true);
  });

  it("returns the lineage of an artifact: producers and consumers", async () => {
    const table = await t.api.get<{
      producedBy: { name: string; run: Run }[];
      consumedBy: { name: string; run: Run }[];
    }>(`/artifacts/${fx.artifactIds.table}/lineage`);
    assert.deepEqual(
      table.body.producedBy.map((l) => [l.run.id, l.name]),
      [[fx.runs.load, "output"]],
    );
    assert.deepEqual(
      table.body.consumedBy.map((l) => l.run.id).sort(),
      [fx.runs.train0, fx.runs.train1, fx.runs.train2].sort(),
    );
    // The best model is the output of train2 and of the pipeline itself: one artifact, two producers.
    const model = await t.api.get<{ producedBy: { run: Run }[]; consumedBy: { run: Run }[] }>(
      `/artifacts/${fx.artifactIds.model2}/lineage`,
    );
    assert.deepEqual(
      model.body.producedBy.map((l) => l.run.id).sort(),
      [fx.runs.train2, fx.rootId].sort(),
    );
    assert.deepEqual(
      model.body.consumedBy.map((l) => l.run.stepName),
      ["evaluate"],
    );
  });

  it("pages a run's logs in order", async () => {
    const first = await t.api.get<{ lines: { text: string }[]; nextCursor: string }>(
      `/runs/${fx.runs.train0}/logs?limit=1`,
    );
    assert.equal(first.status, 200);
    assert.equal(first.body.lines[0]!.text, "training with lr=0.1\n");
    assert.ok(first.body.nextCursor);
    const second = await t.api.get<{ lines: { text: string }[]; nextCursor: string | null }>(
      `/runs/${fx.runs.train0}/logs?limit=1&cursor=${first.body.nextCursor}`,
    );
    assert.equal(second.body.lines[0]!.text, "loss 0.500\n");
    assert.equal(second.body.nextCursor, null);
  });

  it("keeps notes on a run", async () => {
    const added = await t.api.post<{ id: number; text: string }>(`/runs/${fx.runs.load}/notes`, {
      text: "data looks fine",
      author: "ada",
    });
    assert.equal(added.status, 201);
    const list = await t.api.get<{ notes: { text: string; author: string }[] }>(
      `/runs/${fx.runs.load}/notes`,
    );
    assert.deepEqual(
      list.body.notes.map((n) => [n.author, n.text]),
      [["ada", "data looks fine"]],
    );
  });

  it("lists and searches runs by pipeline, step name, state, tag, time and text, with a cursor", async () => {
    const roots = await t.api.get<{ runs: Run[] }>("/runs?root=true");
    assert.deepEqual(
      roots.body.runs.map((r) => r.id),
      [fx.rootId],
    );
    const trains = await t.api.get<{ runs: Run[] }>("/runs?name=train&pipeline=pipeline");
    assert.equal(trains.body.runs.length, 3);
    assert.equal((await t.api.get<{ runs: Run[] }>("/runs?pipeline=other")).body.runs.length, 0);
    assert.equal((await t.api.get<{ runs: Run[] }>("/runs?state=failed")).body.runs.length, 0);
    assert.equal((await t.api.get<{ runs: Run[] }>("/runs?tag=demo")).body.runs.length, 1);
    assert.equal((await t.api.get<{ runs: Run[] }>("/runs?q=EVAL")).body.runs.length, 4);
    assert.equal(
      (await t.api.get<{ runs: Run[] }>(`/runs?q=${fx.runs.plot!.slice(0, 10)}`)).body.runs.length,
      1,
    );
    assert.equal((await t.api.get<{ runs: Run[] }>("/runs?until=1")).body.runs.length, 0);
    assert.equal((await t.api.get<{ runs: Run[] }>("/runs?since=1")).body.runs.length, 10);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { runs: Run[]; nextCursor: string | null } } = await t.api.get(
        `/runs?limit=3${cursor ? `&cursor=${cursor}` : ""}`,
      );
      seen.push(...page.body.runs.map((r) => r.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.equal(seen.length, 10);
    assert.equal(new Set(seen).size, 10);
  });

  it("answers a cache lookup with the resolved run and its outputs, and 404 for an unknown key", async () => {
    const train = await t.api.get<{ run: { cacheKey: string } }>(`/runs/${fx.runs.train0}`);
    const hit = await t.api.get<{
      run: Run;
      outputs: { name: string; artifact: { id: string } }[];
    }>(`/cache/${train.body.run.cacheKey}`);
    assert.equal(hit.status, 200);
    assert.equal(hit.body.run.id, fx.runs.train0);
    assert.deepEqual(
      hit.body.outputs.map((o) => [o.name, o.artifact.id]),
      [["output", fx.artifactIds.model0]],
    );
    const miss = await t.api.get<{ error: { code: string } }>(`/cache/${"a".repeat(64)}`);
    assert.equal(miss.status, 404);
    assert.equal(miss.body.error.code, "cache_miss");
  });

  it("refuses to cancel a finished pipeline, naming why", async () => {
    const res = await t.api.post<{ error: { code: string; message: string } }>(
      `/runs/${fx.rootId}/cancel`,
    );
    assert.equal(res.status, 409);
    assert.match(res.body.error.message, /already ended/);
  });

  it("refuses graph and cancel on a step, naming its root run", async () => {
    const res = await t.api.get<{ error: { code: string; message: string } }>(
      `/runs/${fx.runs.load}/graph`,
    );
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, "not_a_root");
    assert.ok(res.body.error.message.includes(fx.rootId));
  });
});

describe("cancel and heartbeat of a running pipeline", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it("hands a cancel request to the client in its next heartbeat answer", async () => {
    const fx = pipelineFixture({ seed: "cancel", unfinished: true });
    await t.api.postEvents(fx.events);
    const before = await t.api.post<{ cancelRequested: boolean; status: string }>(
      `/runs/${fx.rootId}/heartbeat`,
    );
    assert.deepEqual(before.body, { cancelRequested: false, status: "active" });
    const cancel = await t.api.post<{ cancelRequested: boolean; canceledRuns: number }>(
      `/runs/${fx.rootId}/cancel`,
    );
    assert.equal(cancel.status, 200);
    assert.equal(cancel.body.canceledRuns, 0);
    const afterCancel = await t.api.post<{ cancelRequested: boolean }>(
      `/runs/${fx.rootId}/heartbeat`,
    );
    assert.equal(afterCancel.body.cancelRequested, true);
    // The client then reports the cancellation itself.
    const last = Number(fx.events[fx.events.length - 1]!.id.split(":")[1]);
    const res = await t.api.postEvents([
      {
        type: "run-state",
        id: `${fx.rootId}:${last + 1}`,
        rootId: fx.rootId,
        at: Date.now(),
        runId: fx.rootId,
        state: "canceled",
        attempt: 1,
      },
    ]);
    assert.equal(res.status, 200);
    const root = await t.api.get<{ run: { state: string }; root: { status: string } }>(
      `/runs/${fx.rootId}`,
    );
    assert.equal(root.body.run.state, "canceled");
    assert.equal(root.body.root.status, "finished");
  });
});

describe("batch routes: artifact uploads and cache lookups", () => {
  let t: TestServer;
  const fx = pipelineFixture({ seed: "batch" });
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it("stores many small artifacts in one request, verified, and serves them like the others", async () => {
    const res = await t.api.uploadArtifactBatch(fx.artifacts);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { received: fx.artifacts.length, created: fx.artifacts.length });
    assert.equal((await t.api.uploadArtifactBatch(fx.artifacts)).body.created, 0);
    await t.api.postEvents(fx.events);
    const table = fx.artifacts.find((a) => a.id === fx.artifactIds.table)!;
    const head = await t.api.request("HEAD", `/api/v1/artifacts/${table.id}/value`);
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), String(table.bytes.length));
    const value = await fetch(`${t.api.url}/api/v1/artifacts/${table.id}/value`, {
      headers: { authorization: `Bearer ${t.api.token}` },
    });
    assert.equal(value.headers.get("content-type"), ARROW_MEDIA_TYPE);
    assert.deepEqual(new Uint8Array(await value.arrayBuffer()), table.bytes);
  });

  it("refuses a whole batch when one artifact's bytes do not match its id", async () => {
    const good = jsonArtifact("good-one");
    const bad = { ...jsonArtifact("bad-one"), bytes: new TextEncoder().encode('"tampered"') };
    const res = await t.api.uploadArtifactBatch([good, bad]);
    assert.equal(res.status, 400);
    assert.match(res.text, /artifacts\[1\]/);
    assert.equal((await t.api.request("HEAD", `/api/v1/artifacts/${good.id}/value`)).status, 404);
  });

  it("answers many cache lookups at once, with small values inline", async () => {
    const keys = await Promise.all(
      [fx.runs.train0, fx.runs.train1].map(
        async (id) =>
          (await t.api.get<{ run: { cacheKey: string } }>(`/runs/${id}`)).body.run.cacheKey,
      ),
    );
    const missing = "c".repeat(64);
    const res = await t.api.post<{
      hits: Record<
        string,
        { run: { id: string }; outputs: { artifact: { id: string }; bytes?: string }[] }
      >;
    }>("/cache/lookups", { keys: [...keys, missing], inlineBytes: 1024 });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body.hits).sort(), [...keys].sort());
    const hit = res.body.hits[keys[0]!]!;
    assert.equal(hit.run.id, fx.runs.train0);
    const model = fx.artifacts.find((a) => a.id === fx.artifactIds.model0)!;
    assert.deepEqual(Buffer.from(hit.outputs[0]!.bytes!, "base64"), Buffer.from(model.bytes));
    const noInline = await t.api.post<{ hits: Record<string, { outputs: { bytes?: string }[] }> }>(
      "/cache/lookups",
      { keys },
    );
    assert.equal(noInline.body.hits[keys[0]!]!.outputs[0]!.bytes, undefined);
  });

  it("answers cache lookups asked with run id with each hit's run id alone, and the same outputs", async () => {
    const keys = await Promise.all(
      [fx.runs.train0, fx.runs.train1].map(
        async (id) =>
          (await t.api.get<{ run: { cacheKey: string } }>(`/runs/${id}`)).body.run.cacheKey,
      ),
    );
    type Hits = Record<string, { run: Record<string, unknown>; outputs: unknown[] }>;
    const full = await t.api.post<{ hits: Hits }>("/cache/lookups", { keys, inlineBytes: 1024 });
    const ids = await t.api.post<{ hits: Hits }>("/cache/lookups", {
      keys,
      inlineBytes: 1024,
      run: "id",
    });
    assert.equal(ids.status, 200);
    assert.deepEqual(ids.body.hits[keys[0]!]!.run, { id: fx.runs.train0 });
    assert.deepEqual(ids.body.hits[keys[1]!]!.run, { id: fx.runs.train1 });
    assert.equal(full.body.hits[keys[0]!]!.run.stepName, "train", "whole runs by default");
    for (const key of keys) {
      assert.deepEqual(ids.body.hits[key]!.outputs, full.body.hits[key]!.outputs);
    }
    const wrong = await t.api.post("/cache/lookups", { keys, run: "some" });
    assert.equal(wrong.status, 400);
  });
});
