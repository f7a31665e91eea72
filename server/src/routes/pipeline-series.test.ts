/**
 * `GET /pipelines/{stepName}/series` against the real server and sqlite: per metric and label set
 * one value per root run (its last), the page's runs with state and duration, paging by root run,
 * the name filter, the bound on series per page, and bad input refused with a 400 naming it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunEvent } from "../model/events";
import { MAX_SERIES_PER_PAGE } from "../storage/pipeline-series";
import { startTestServer, type TestServer } from "../testing/harness";
import { pipelineRunEvents } from "../testing/pipeline-runs";

interface SeriesPage {
  stepName: string;
  runs: Array<{ rootId: string; state: string; startedAt: number; durationMs: number | null }>;
  successRate: number | null;
  count: number;
  series: Array<{ name: string; labels: Record<string, string>; runs: number[]; values: number[] }>;
  omittedSeries: number;
  nextCursor: string | null;
}

describe("pipeline series route", () => {
  let t: TestServer;
  // 25 runs, each logging 12 points: the ten names at step 0, then loss and val_loss at step 1;
  // run i is labeled lr = 0.1, 0.01, 0.001 by i % 3, and every tenth run fails.
  const train = pipelineRunEvents({ stepName: "train", runs: 25, metricsPerRun: 12 });
  const wide = pipelineRunEvents({ stepName: "wide", runs: 1, metricsPerRun: 0 });

  before(async () => {
    t = await startTestServer();
    const rootId = wide.rootIds[0]!;
    // One run logging more label sets than a page answers.
    const manyLabelSets: RunEvent[] = Array.from(
      { length: MAX_SERIES_PER_PAGE + 5 },
      (_, k): RunEvent => ({
        id: `${rootId}:${rootId}.2:${k + 1}`,
        rootId,
        at: Date.now(),
        type: "metric",
        runId: rootId,
        name: "score",
        value: k,
        labels: { shard: String(k).padStart(3, "0") },
      }),
    );
    await t.api.postInBatches([...train.events, ...wide.events, ...manyLabelSets], 200);
  });
  after(() => t.close());

  it("answers one value per run and label set, the last it logged, with the runs newest first", async () => {
    const res = await t.api.get<SeriesPage>("/pipelines/train/series?limit=1000");
    assert.equal(res.status, 200, res.text);
    const page = res.body;
    assert.equal(page.count, 25);
    assert.equal(page.nextCursor, null);
    assert.deepEqual(
      page.runs.map((r) => r.rootId),
      [...train.rootIds].reverse(),
    );
    assert.equal(page.runs[24 - 9]?.state, "failed", "run 9 (every tenth) failed");
    assert.ok(page.runs.every((r) => r.durationMs !== null && r.durationMs >= 1000));
    // Runs 9 and 19 failed among the 25 ended.
    assert.equal(page.successRate, 23 / 25);
    assert.equal(page.series.length, 10 * 3, "ten names × three label sets");
    assert.deepEqual(
      page.series.map((s) => s.name),
      [...page.series.map((s) => s.name)].sort(),
    );
    assert.equal(
      page.series.reduce((n, s) => n + s.values.length, 0),
      25 * 10,
      "one point per run and series, not one per logged point",
    );
    const loss = page.series.find((s) => s.name === "loss" && s.labels.lr === "0.1")!;
    // Runs 0, 3, ..., 24 (lr 0.1): newest first, at indexes 24 - i.
    assert.deepEqual(
      loss.runs,
      [24, 21, 18, 15, 12, 9, 6, 3, 0].map((i) => 24 - i).sort((a, b) => a - b),
    );
    // Run 0 logged loss 1 at step 0, then 0.5 at step 1: its last value counts.
    assert.equal(loss.values[loss.runs.indexOf(24)], 0.5);
  });

  it("pages by root run, newest first, each run in one page with its series", async () => {
    const roots: string[] = [];
    let points = 0;
    let cursor: string | null = null;
    const sizes: number[] = [];
    do {
      const res: { status: number; body: SeriesPage } = await t.api.get<SeriesPage>(
        `/pipelines/train/series?limit=10${cursor ? `&cursor=${cursor}` : ""}`,
      );
      assert.equal(res.status, 200);
      sizes.push(res.body.runs.length);
      roots.push(...res.body.runs.map((r) => r.rootId));
      for (const s of res.body.series) {
        assert.ok(
          s.runs.every((i) => i < res.body.runs.length),
          "indexes into this page's runs",
        );
        points += s.values.length;
      }
      cursor = res.body.nextCursor;
    } while (cursor !== null);
    assert.deepEqual(sizes, [10, 10, 5]);
    assert.deepEqual(roots, [...train.rootIds].reverse());
    assert.equal(points, 25 * 10);
  });

  it("keeps one metric's series when asked by name", async () => {
    const res = await t.api.get<SeriesPage>("/pipelines/train/series?name=val_loss&limit=1000");
    assert.deepEqual(
      res.body.series.map((s) => [s.name, s.labels.lr]),
      [
        ["val_loss", "0.001"],
        ["val_loss", "0.01"],
        ["val_loss", "0.1"],
      ],
    );
    assert.equal(res.body.runs.length, 25, "the runs of the page, whether or not they logged it");
  });

  it(`answers at most ${MAX_SERIES_PER_PAGE} series a page and counts the others`, async () => {
    const res = await t.api.get<SeriesPage>("/pipelines/wide/series");
    assert.equal(res.body.series.length, MAX_SERIES_PER_PAGE);
    assert.equal(res.body.omittedSeries, 5);
    assert.equal(res.body.series[0]?.labels.shard, "000");
  });

  it("answers an unknown pipeline with no runs and no series", async () => {
    const res = await t.api.get<SeriesPage>("/pipelines/nothing/series");
    assert.deepEqual(res.body, {
      stepName: "nothing",
      runs: [],
      successRate: null,
      count: 0,
      series: [],
      omittedSeries: 0,
      nextCursor: null,
    });
  });

  it("refuses bad input with a 400 naming what was wrong", async () => {
    const cases: Array<[string, RegExp]> = [
      ["limit=0", /"limit"/],
      ["limit=1001", /"limit"/],
      ["limit=ten", /"limit"/],
      ["cursor=xyz", /"cursor" is not a cursor this server issued/],
      ["name=", /"name" is empty/],
      [`name=${"n".repeat(201)}`, /"name" is longer than 200/],
      ["name=a&name=b", /"name" must be given once/],
      ["step=1", /unknown query parameter.*step/],
    ];
    for (const [q, message] of cases) {
      const res = await t.api.get<{ error: { message: string } }>(`/pipelines/train/series?${q}`);
      assert.equal(res.status, 400, q);
      assert.match(res.body.error.message, message, q);
    }
    const longName = await t.api.get(`/pipelines/${"s".repeat(257)}/series`);
    assert.equal(longName.status, 400);
    assert.match(longName.text, /1 to 256 characters/);
  });
});
