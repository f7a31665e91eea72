/**
 * Metrics over HTTP against the real server and sqlite: ingested with a batch, read per run and per
 * pipeline (paged by root run, newest first), the pipeline summary, bad metrics refused with a 400
 * that names the event while nothing of the batch is stored, and worker tokens kept to their root.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunEvent } from "../model/events";
import { createJobToken } from "../storage/jobs";
import { rowCounts, startTestServer, type TestServer } from "../testing/harness";
import { pipelineRunEvents } from "../testing/pipeline-runs";

interface PipelineMetric {
  runId: string;
  rootId: string;
  name: string;
  value: number;
  step: number | null;
  labels: Record<string, string>;
  rootState: string;
  rootStartedAt: number;
}

describe("metrics routes", () => {
  let t: TestServer;
  const train = pipelineRunEvents({ stepName: "train", runs: 25, metricsPerRun: 12 });
  const other = pipelineRunEvents({ stepName: "other", runs: 2, metricsPerRun: 1 });

  before(async () => {
    t = await startTestServer();
    await t.api.postInBatches([...train.events, ...other.events], 200);
  });
  after(() => t.close());

  it("pages a pipeline's metrics by root run, newest first, each root's points whole", async () => {
    const pages: PipelineMetric[][] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { metrics: PipelineMetric[]; nextCursor: string | null } } =
        await t.api.get(`/pipelines/train/metrics?limit=10${cursor ? `&cursor=${cursor}` : ""}`);
      pages.push(res.body.metrics);
      cursor = res.body.nextCursor;
    } while (cursor !== null);
    assert.deepEqual(
      pages.map((p) => new Set(p.map((m) => m.rootId)).size),
      [10, 10, 5],
    );
    const order = [...new Set(pages.flat().map((m) => m.rootId))];
    assert.deepEqual(order, [...train.rootIds].reverse(), "newest root first, each once");
    assert.equal(pages.flat().length, 25 * 12);
    const oldest = pages.flat().filter((m) => m.rootId === train.rootIds[0]);
    assert.deepEqual(oldest.map((m) => [m.name, m.step]).slice(9, 12), [
      ["epoch_seconds", 0],
      ["loss", 1],
      ["val_loss", 1],
    ]);
    const failed = pages.flat().find((m) => m.rootId === train.rootIds[9]);
    assert.equal(failed?.rootState, "failed");
    assert.equal(oldest[0]?.rootState, "resolved");
    assert.ok(oldest.every((m) => m.rootStartedAt === oldest[0]!.rootStartedAt));
  });

  it("filters a pipeline's metrics by name", async () => {
    const res = await t.api.get<{ metrics: PipelineMetric[]; nextCursor: string | null }>(
      "/pipelines/train/metrics?name=loss&limit=1000",
    );
    assert.equal(res.body.nextCursor, null);
    assert.equal(res.body.metrics.length, 25 * 2);
    assert.ok(res.body.metrics.every((m) => m.name === "loss" && m.labels.lr !== undefined));
    const none = await t.api.get<{ metrics: unknown[] }>("/pipelines/nothing/metrics");
    assert.deepEqual(none.body, { metrics: [], nextCursor: null });
  });

  it("summarizes a pipeline: newest runs with state and duration, success rate, count", async () => {
    const res = await t.api.get<{
      stepName: string;
      runs: Array<{ rootId: string; state: string; durationMs: number; mode: string }>;
      successRate: number;
      count: number;
    }>("/pipelines/train/summary?limit=10");
    assert.equal(res.status, 200);
    assert.equal(res.body.stepName, "train");
    assert.equal(res.body.count, 25);
    assert.deepEqual(
      res.body.runs.map((r) => r.rootId),
      train.rootIds.slice(15).reverse(),
    );
    // Of runs 15..24, run 19 failed (every tenth).
    assert.equal(res.body.successRate, 0.9);
    assert.equal(res.body.runs.find((r) => r.rootId === train.rootIds[19])?.state, "failed");
    assert.ok(res.body.runs.every((r) => r.durationMs >= 1000 && r.mode === "local"));
  });

  it("reads a run's metrics with those of the runs below it", async () => {
    const rootId = train.rootIds[3]!;
    const res = await t.api.get<{ metrics: PipelineMetric[] }>(`/runs/${rootId}/metrics`);
    assert.equal(res.body.metrics.length, 12);
    assert.ok(res.body.metrics.every((m) => m.runId === rootId && !("rootState" in m)));
  });

  it("refuses a bad metric with a 400 naming the event, and stores nothing of its batch", async () => {
    const rootId = train.rootIds[0]!;
    const metric = (seq: number, extra: Record<string, unknown> = {}): RunEvent =>
      ({
        id: `${rootId}:${rootId}.2:${seq}`,
        rootId,
        at: Date.now(),
        type: "metric",
        runId: rootId,
        name: "late",
        value: 1,
        ...extra,
      }) as RunEvent;
    const before = rowCounts(t.server.context.db);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ labels: { notes: "x".repeat(201) } }, /\/events\/1\/labels\/notes/],
      [{ value: null }, /\/events\/1\/value/],
      [{ name: "" }, /\/events\/1\/name/],
      [{ step: -1 }, /\/events\/1\/step/],
      [
        { labels: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"])) },
        /\/events\/1\/labels/,
      ],
    ];
    for (const [bad, where] of cases) {
      const res = await t.api.postEvents([metric(1), metric(2, bad)]);
      assert.equal(res.status, 400, res.text);
      assert.match(res.text, where);
      assert.match(
        res.text,
        /\(event 1: metric [0-9a-f]{32}:[0-9a-f]{32}\.2:2\); nothing in this batch was stored/,
      );
    }
    const unknownRun = await t.api.postEvents([metric(1), metric(2, { runId: "0".repeat(32) })]);
    assert.equal(unknownRun.status, 422);
    assert.match(
      unknownRun.text,
      /event 1 \(metric .*\) refers to run 0{32}.*nothing in this batch was stored/,
    );
    assert.deepEqual(rowCounts(t.server.context.db), before);
    // The same batch without the bad event is stored whole.
    assert.equal((await t.api.postEvents([metric(1), metric(2)])).status, 200);
    const after = await t.api.get<{ metrics: PipelineMetric[] }>(`/runs/${rootId}/metrics`);
    assert.equal(after.body.metrics.filter((m) => m.name === "late").length, 2);
  });

  it("lets a worker token write metrics of its own root only", async () => {
    const own = other.rootIds[0]!;
    const foreign = other.rootIds[1]!;
    const token = createJobToken(t.server.context.db, "job-metrics", own, Date.now());
    const metric = (rootId: string): RunEvent => ({
      id: `${rootId}:${rootId}.3:1`,
      rootId,
      at: Date.now(),
      type: "metric",
      runId: rootId,
      name: "from_worker",
      value: 3,
    });
    const refused = await t.api.request("POST", "/api/v1/events", {
      json: { events: [metric(foreign)] },
      token,
    });
    assert.equal(refused.status, 403, refused.text);
    assert.match(refused.text, /worker_forbidden/);
    const stored = await t.api.request("POST", "/api/v1/events", {
      json: { events: [metric(own)] },
      token,
    });
    assert.equal(stored.status, 200, stored.text);
    const ownMetrics = await t.api.get<{ metrics: PipelineMetric[] }>(`/runs/${own}/metrics`);
    assert.ok(ownMetrics.body.metrics.some((m) => m.name === "from_worker"));
    const foreignMetrics = await t.api.get<{ metrics: PipelineMetric[] }>(
      `/runs/${foreign}/metrics`,
    );
    assert.ok(!foreignMetrics.body.metrics.some((m) => m.name === "from_worker"));
  });
});
