import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FlowView, InputPortView, LineageRunView, OutputPortView } from "../model/api";
import type { RunEvent } from "../model/events";
import { EventRecorder, fixtureId, jsonArtifact, pipelineFixture } from "../testing/fixture";
import { rowCounts, startTestServer, type TestServer } from "../testing/harness";
import { reuseFixture } from "../testing/lineage-fixture";

interface RunAnswer {
  inputs: InputPortView[];
  outputs: OutputPortView[];
}

interface LineagePage {
  runs: LineageRunView[];
  nextCursor: string | null;
  truncated: boolean;
}

describe("recorded data flows: ingest, the graph, run ports and run lineage", () => {
  let t: TestServer;
  const fx = pipelineFixture({ seed: "flows" });
  const reuse = reuseFixture(fx, "flows-reuse");
  const name = (id: string): string =>
    Object.entries({ ...fx.runs, hit: reuse.hit, report: reuse.report, again: reuse.rootId }).find(
      ([, v]) => v === id,
    )?.[0] ?? id;

  before(async () => {
    t = await startTestServer();
    await t.api.postInBatches(fx.events, 7);
    await t.api.postEvents(reuse.events);
  });
  after(() => t.close());

  /** Every page of a run's lineage, checking each page's size and that cursors never repeat a run. */
  const lineage = async (
    runId: string,
    direction: "upstream" | "downstream",
    limit = 1000,
  ): Promise<{ runs: LineageRunView[]; pages: number }> => {
    const runs: LineageRunView[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? "" : `&cursor=${cursor}`;
      const res = await t.api.get<LineagePage>(
        `/runs/${runId}/lineage?direction=${direction}&limit=${limit}${query}`,
      );
      assert.equal(res.status, 200, res.text);
      assert.ok(res.body.runs.length <= limit);
      assert.equal(res.body.truncated, false);
      runs.push(...res.body.runs);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor !== null);
    return { runs, pages };
  };

  const byDepth = (runs: LineageRunView[]): string[] =>
    runs.map((r) => `${r.depth}:${name(r.runId)}`).sort();

  it("stores flows once: a re-ingested batch adds none", async () => {
    const before = rowCounts(t.server.context.db);
    const flowEvents = fx.events.filter((e) => e.type === "flow");
    const recorded = flowEvents.reduce((n, e) => n + (e.type === "flow" ? e.flows.length : 0), 0);
    assert.ok(before.flows! >= recorded);
    const res = await t.api.postEvents(fx.events);
    assert.deepEqual(res.body, {
      received: fx.events.length,
      ingested: 0,
      duplicates: fx.events.length,
    });
    assert.deepEqual(rowCounts(t.server.context.db), before);
  });

  it("gives the graph exactly the recorded flows, nothing inferred from equal values", async () => {
    const graph = await t.api.get<{ flows: FlowView[] }>(`/runs/${fx.rootId}/graph`);
    assert.equal(graph.status, 200);
    const drawn = graph.body.flows.map((f) =>
      `${name(f.from)} -> ${name(f.to)} ${f.kind} ${f.path ?? ""}`.trim(),
    );
    assert.deepEqual(drawn.sort(), [
      "evaluate0 -> evaluateAll awaited",
      "evaluate1 -> evaluateAll awaited",
      "evaluate2 -> evaluateAll awaited",
      "evaluateAll -> pipeline awaited",
      "evaluateAll -> plot parent scores",
      "load -> train0 future data",
      "load -> train1 future data",
      "load -> train2 future data",
      "train0 -> evaluate0 reference model",
      "train0 -> evaluateAll future models[0]",
      "train1 -> evaluate1 reference model",
      "train1 -> evaluateAll future models[1]",
      "train2 -> evaluate2 reference model",
      "train2 -> evaluateAll future models[2]",
    ]);
    // A flow into a run of another root belongs to that root's graph.
    const other = await t.api.get<{ flows: FlowView[] }>(`/runs/${reuse.rootId}/graph`);
    assert.deepEqual(
      other.body.flows.map((f) => `${name(f.from)} -> ${name(f.to)} ${f.kind}`),
      ["hit -> report future", "load -> report reference"],
    );
  });

  it("lists each input's producers and each output's consumers on GET /runs/{id}", async () => {
    const all = await t.api.get<RunAnswer>(`/runs/${fx.runs.evaluateAll}`);
    assert.deepEqual(
      all.body.inputs.map((p) => p.producers.map((x) => [x.stepName, x.kind, x.path])),
      [
        [
          ["train", "future", "models[0]"],
          ["train", "future", "models[1]"],
          ["train", "future", "models[2]"],
        ],
      ],
    );
    assert.deepEqual(
      all.body.outputs.map((p) => p.consumers.map((c) => [name(c.runId), c.kind, c.parameter])),
      [
        [
          ["pipeline", "awaited", undefined],
          ["plot", "parent", "scores"],
        ],
      ],
    );
    const train = await t.api.get<RunAnswer>(`/runs/${fx.runs.train1}`);
    const [data, lr] = train.body.inputs;
    assert.deepEqual(data!.producers, [
      { runId: fx.runs.load, stepName: "load", kind: "future", path: "data" },
    ]);
    // A constant: no producer recorded, and none guessed from the equal artifact.
    assert.deepEqual(lr!.producers, []);
    assert.equal((train.body as { flowsRecorded?: boolean }).flowsRecorded, true);
    const load = await t.api.get<RunAnswer>(`/runs/${fx.runs.load}`);
    assert.deepEqual(load.body.outputs[0]!.consumers.map((c) => name(c.runId)).sort(), [
      "report",
      "train0",
      "train1",
      "train2",
    ]);
    assert.equal(load.body.outputs[0]!.more, undefined);
  });

  it("cuts producers and consumers at 100 with more: true", async () => {
    const rootId = fixtureId("wide-flows", "root");
    const rec = new EventRecorder(rootId, 1_900_000_000_000);
    rec.created({
      id: rootId,
      parentId: null,
      stepName: "wide",
      sourceText: "async function wide() {}",
      parameters: [],
      mode: "local",
    });
    const source = fixtureId("wide-flows", "source");
    rec.step(source, rootId, "source", [], jsonArtifact(0));
    const sink = fixtureId("wide-flows", "sink");
    const parts = Array.from({ length: 120 }, (_, i) => fixtureId("wide-flows", String(i)));
    for (const part of parts) {
      rec.step(
        part,
        rootId,
        "part",
        [["x", jsonArtifact(0)]],
        jsonArtifact(1),
        [],
        [{ from: source, kind: "future", parameter: "x", path: "x" }],
      );
    }
    rec.step(
      sink,
      rootId,
      "sink",
      [["xs", jsonArtifact(parts.map(() => 1))]],
      jsonArtifact(2),
      [],
      [
        ...parts.map((from, i) => ({
          from,
          kind: "future" as const,
          parameter: "xs",
          path: `xs[${i}]`,
        })),
      ],
    );
    await t.api.postInBatches(rec.events, 500);
    const s = await t.api.get<RunAnswer>(`/runs/${source}`);
    assert.equal(s.body.outputs[0]!.consumers.length, 100);
    assert.equal(s.body.outputs[0]!.more, true);
    const k = await t.api.get<RunAnswer>(`/runs/${sink}`);
    assert.equal(k.body.inputs[0]!.producers.length, 100);
    assert.equal(k.body.inputs[0]!.more, true);
    assert.equal(k.body.inputs[0]!.producers[99]!.path, "xs[99]");
  });

  it("walks upstream through futures, references, the parent and awaited children", async () => {
    const { runs } = await lineage(fx.runs.plot!, "upstream");
    assert.deepEqual(byDepth(runs), [
      "1:evaluateAll",
      "2:evaluate0",
      "2:evaluate1",
      "2:evaluate2",
      "2:train0",
      "2:train1",
      "2:train2",
      "3:load",
    ]);
    const evaluateAll = runs.find((r) => r.runId === fx.runs.evaluateAll)!;
    assert.deepEqual(evaluateAll.via, { runId: fx.runs.plot, kind: "parent" });
    assert.equal(evaluateAll.run!.stepName, "evaluateAll");
  });

  it("counts a cache hit's original run upstream of the hit, across root runs", async () => {
    const { runs } = await lineage(reuse.report, "upstream");
    assert.deepEqual(byDepth(runs), ["1:hit", "1:load", "2:train0"]);
    const original = runs.find((r) => r.runId === fx.runs.train0)!;
    assert.deepEqual(original.via, { runId: reuse.hit, kind: "cached" });
  });

  it("walks downstream across root runs and cache hits", async () => {
    const { runs } = await lineage(fx.runs.load!, "downstream");
    assert.deepEqual(byDepth(runs), [
      "1:report",
      "1:train0",
      "1:train1",
      "1:train2",
      "2:evaluate0",
      "2:evaluate1",
      "2:evaluate2",
      "2:evaluateAll",
      "2:hit",
      "3:pipeline",
      "3:plot",
    ]);
  });

  it("pages a lineage with stable cursors: every run exactly once, in the same order", async () => {
    const whole = await lineage(fx.runs.load!, "downstream");
    for (const limit of [1, 2, 4]) {
      const paged = await lineage(fx.runs.load!, "downstream", limit);
      assert.equal(paged.pages, Math.ceil(whole.runs.length / limit));
      assert.deepEqual(paged.runs, whole.runs);
    }
  });

  it("names a producer that is not ingested yet by id, and by step once it arrives", async () => {
    const rootId = fixtureId("late", "root");
    const consumer = fixtureId("late", "consumer");
    const producer = fixtureId("late", "producer");
    const rec = new EventRecorder(rootId, 2_000_000_000_000);
    rec.created({
      id: rootId,
      parentId: null,
      stepName: "late",
      sourceText: "async function late() {}",
      parameters: [],
      mode: "local",
    });
    rec.step(
      consumer,
      rootId,
      "consume",
      [["x", jsonArtifact(7)]],
      jsonArtifact(8),
      [],
      [{ from: producer, kind: "future", parameter: "x", path: "x" }],
    );
    await t.api.postEvents(rec.events);
    const before = await t.api.get<RunAnswer>(`/runs/${consumer}`);
    assert.deepEqual(before.body.inputs[0]!.producers, [
      { runId: producer, stepName: null, kind: "future", path: "x" },
    ]);
    const up = await t.api.get<LineagePage>(`/runs/${consumer}/lineage?direction=upstream`);
    assert.deepEqual(
      up.body.runs.map((r) => [r.runId, r.run]),
      [[producer, null]],
    );
    const seq = rec.events.length;
    rec.step(producer, rootId, "produce", [], jsonArtifact(7));
    await t.api.postEvents(rec.events.slice(seq));
    const afterwards = await t.api.get<RunAnswer>(`/runs/${consumer}`);
    assert.equal(afterwards.body.inputs[0]!.producers[0]!.stepName, "produce");
  });

  it("refuses a flow of a run into itself and an awaited flow with a path, storing nothing", async () => {
    const flow = fx.events.find(
      (e): e is Extract<RunEvent, { type: "flow" }> => e.type === "flow",
    )!;
    const counts = rowCounts(t.server.context.db);
    const self = await t.api.postEvents([
      {
        ...flow,
        id: `${fx.rootId}:90001`,
        flows: [{ from: flow.runId, kind: "future", parameter: "x", path: "x" }],
      },
    ]);
    assert.equal(self.status, 422);
    assert.match(self.text, /into itself/);
    const awaited = await t.api.postEvents([
      {
        ...flow,
        id: `${fx.rootId}:90001`,
        flows: [{ from: fx.runs.load!, kind: "awaited", path: "x" }],
      },
    ]);
    assert.equal(awaited.status, 422);
    assert.match(awaited.text, /awaited flow names only the child/);
    const kind = await t.api.postEvents([
      {
        ...flow,
        id: `${fx.rootId}:90001`,
        flows: [{ from: fx.runs.load!, kind: "guessed" as "future" }],
      },
    ]);
    assert.equal(kind.status, 400);
    assert.deepEqual(rowCounts(t.server.context.db), counts);
  });

  it("stops a walk at 256 levels and says so on its last page", async () => {
    const rootId = fixtureId("chain", "root");
    const rec = new EventRecorder(rootId, 2_100_000_000_000);
    rec.created({
      id: rootId,
      parentId: null,
      stepName: "chain",
      sourceText: "async function chain() {}",
      parameters: [],
      mode: "local",
    });
    const links = Array.from({ length: 260 }, (_, i) => fixtureId("chain", String(i)));
    links.forEach((id, i) =>
      rec.step(
        id,
        rootId,
        "next",
        [["x", jsonArtifact(i)]],
        jsonArtifact(i + 1),
        [],
        i === 0 ? [] : [{ from: links[i - 1]!, kind: "future", parameter: "x", path: "x" }],
      ),
    );
    await t.api.postInBatches(rec.events, 1000);
    const first = await t.api.get<LineagePage>(
      `/runs/${links[259]}/lineage?direction=upstream&limit=200`,
    );
    assert.equal(first.body.runs.length, 200);
    assert.equal(first.body.truncated, false);
    const last = await t.api.get<LineagePage>(
      `/runs/${links[259]}/lineage?direction=upstream&limit=200&cursor=${first.body.nextCursor}`,
    );
    assert.equal(last.body.runs.length, 56);
    assert.equal(last.body.runs[55]!.depth, 256);
    assert.equal(last.body.runs[55]!.runId, links[3]);
    assert.equal(last.body.nextCursor, null);
    assert.equal(last.body.truncated, true);
    const whole = await t.api.get<LineagePage>(`/runs/${links[10]}/lineage?direction=upstream`);
    assert.equal(whole.body.runs.length, 10);
    assert.equal(whole.body.truncated, false);
  });

  it("refuses a lineage query without a direction and a cursor it did not issue", async () => {
    const none = await t.api.get<{ error: { message: string } }>(`/runs/${fx.runs.load}/lineage`);
    assert.equal(none.status, 400);
    assert.match(none.body.error.message, /"direction" is required: upstream/);
    const bad = await t.api.get(`/runs/${fx.runs.load}/lineage?direction=upstream&cursor=xyz`);
    assert.equal(bad.status, 400);
    const unknown = await t.api.get(`/runs/${"0".repeat(32)}/lineage?direction=upstream`);
    assert.equal(unknown.status, 404);
  });
});
