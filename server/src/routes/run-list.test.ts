import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { pipelineFixture } from "../testing/fixture";
import { startTestServer, type TestServer } from "../testing/harness";

interface Run {
  id: string;
  stepName: string;
  state: string;
}
interface Page {
  runs: Run[];
  nextCursor: string | null;
}

/** The root-run filters the runs side panel sends: part of the name, several states, a tag, pages. */
describe("listing root runs as the runs panel does", () => {
  let t: TestServer;
  const done = pipelineFixture({ seed: "list-done", tags: ["nightly"] });
  const running = pipelineFixture({ seed: "list-running", unfinished: true, tags: ["adhoc"] });
  const list = async (query: string): Promise<string[]> => {
    const res = await t.api.get<Page>(`/runs?${query}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.runs.map((r) => r.id);
  };

  before(async () => {
    t = await startTestServer();
    for (const fx of [done, running]) {
      await t.api.uploadArtifacts(fx.artifacts);
      await t.api.postInBatches(fx.events, 50);
    }
  });
  after(() => t.close());

  it("matches part of the step name in any case", async () => {
    assert.deepEqual(
      (await list("root=true&nameContains=PIPE")).sort(),
      [done.rootId, running.rootId].sort(),
    );
    assert.deepEqual(await list("root=true&nameContains=load"), []);
    // Steps too, when not only roots: three train runs per pipeline.
    assert.equal((await list("nameContains=RaI")).length, 6);
  });

  it("says how each root ran, and filters by mode and executor", async () => {
    const res = await t.api.get<{ runs: Array<Run & { mode: string; executor: string | null }> }>(
      "/runs?root=true",
    );
    assert.deepEqual(
      res.body.runs.map((r) => [r.mode, r.executor]),
      [
        ["local", null],
        ["local", null],
      ],
    );
    assert.deepEqual(
      (await list("root=true&mode=local")).sort(),
      [done.rootId, running.rootId].sort(),
    );
    assert.deepEqual(await list("root=true&mode=cloud"), []);
    // No step of these ran as a job: no executor has them.
    assert.deepEqual(await list("root=true&executor=local"), []);
  });

  it("takes one state or several separated by commas", async () => {
    assert.deepEqual(await list("root=true&state=running"), [running.rootId]);
    assert.deepEqual(await list("root=true&state=resolved"), [done.rootId]);
    assert.deepEqual(
      (await list("root=true&state=resolved,running,resolved")).sort(),
      [done.rootId, running.rootId].sort(),
    );
    assert.deepEqual(await list("root=true&state=failed,nested-failed"), []);
  });

  it("names the bad state of a list", async () => {
    const res = await t.api.get<{ error: { message: string } }>("/runs?state=running,done");
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /"state" has "done": use one or more of created, /);
    assert.equal((await t.api.get("/runs?state=")).status, 400);
  });

  it("combines name, states and tag, and pages through the roots newest first", async () => {
    assert.deepEqual(await list("root=true&nameContains=pipe&state=resolved&tag=nightly"), [
      done.rootId,
    ]);
    assert.deepEqual(await list("root=true&state=running&tag=nightly"), []);
    const first = await t.api.get<Page>("/runs?root=true&limit=1");
    assert.ok(first.body.nextCursor);
    const second = await t.api.get<Page>(`/runs?root=true&limit=1&cursor=${first.body.nextCursor}`);
    assert.equal(second.body.nextCursor, null);
    assert.deepEqual(
      [...first.body.runs, ...second.body.runs].map((r) => r.id).sort(),
      [done.rootId, running.rootId].sort(),
    );
  });

  it("reads the roots through their own index", () => {
    const plan = t.server.context.db
      .prepare(
        `EXPLAIN QUERY PLAN SELECT r.id FROM runs r WHERE r.id = r.root_id AND r.state IN (?, ?)
         ORDER BY r.created_at DESC, r.id DESC LIMIT 51`,
      )
      .all("failed", "running") as { detail: string }[];
    assert.match(plan.map((p) => p.detail).join("\n"), /USING INDEX runs_roots_created/);
  });

  it("with summary=true, gives each root its step, cache hit and failure counts and first inputs", async () => {
    const res = await t.api.get<{ runs: (Run & { summary?: unknown })[] }>(
      `/runs?root=true&summary=true&pipeline=pipeline`,
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const root = res.body.runs.find((r) => r.id === done.rootId);
    // load, three train, evaluateAll, three evaluate, plot.
    assert.deepEqual(root?.summary, {
      steps: 9,
      cached: 0,
      failed: 0,
      inputs: [
        { name: "n", preview: "100" },
        { name: "lrs", preview: "[0.1,0.01,0.001]" },
      ],
    });
    // Without it (and on steps), no summary: the plain listing costs what it did.
    const plain = await t.api.get<{ runs: (Run & { summary?: unknown })[] }>("/runs?root=true");
    assert.ok(plain.body.runs.every((r) => r.summary === undefined));
  });
});
