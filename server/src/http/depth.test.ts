import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { pipelineFixture } from "../testing/fixture";
import { startTestServer, type TestServer } from "../testing/harness";

/** JSON text of an object nested `depth` levels: {"a":{"a":...1...}}. */
export function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

interface ErrorAnswer {
  error: { code: string; message: string };
}

describe("deeply nested free-form JSON", () => {
  let t: TestServer;
  const fx = pipelineFixture({ seed: "nested", unfinished: true });
  let seq = 10_000;
  const eventId = (): string => `${fx.rootId}:${seq++}`;
  before(async () => {
    t = await startTestServer();
    await t.api.uploadArtifacts(fx.artifacts);
    const res = await t.api.postEvents(fx.events);
    assert.equal(res.status, 200, res.text);
  });
  after(() => t.close());

  /** Posts one event whose JSON text has `deep` spliced in where the placeholder string is. */
  const postWith = (event: object, deep: string): Promise<{ status: number; body: ErrorAnswer }> =>
    t.api
      .request<ErrorAnswer>("POST", "/api/v1/events", {
        raw: JSON.stringify({ events: [event] }).replace('"@DEEP@"', deep),
        headers: { "content-type": "application/json" },
      })
      .then((r) => ({ status: r.status, body: r.body }));

  const failedRoot = (): object => ({
    type: "run-state",
    id: eventId(),
    rootId: fx.rootId,
    at: Date.now(),
    runId: fx.rootId,
    state: "failed",
    attempt: 1,
    error: {
      name: "Error",
      message: "boom",
      stepName: "pipeline",
      path: ["pipeline"],
      runId: fx.rootId,
      cause: "@DEEP@",
    },
  });

  const artifactEvent = (): object => ({
    type: "artifact",
    id: eventId(),
    rootId: fx.rootId,
    at: Date.now(),
    artifact: {
      id: "7".repeat(64),
      typeName: "json",
      mediaType: "application/json",
      size: 1,
      summary: { preview: "@DEEP@" },
    },
  });

  const assertReadsAnswer = async (): Promise<void> => {
    for (const path of ["/runs?root=true", `/runs/${fx.rootId}`, `/runs/${fx.rootId}/graph`]) {
      const res = await t.api.get(path);
      assert.equal(res.status, 200, `${path}: ${res.text.slice(0, 300)}`);
    }
  };

  for (const depth of [4100, 20_000]) {
    it(`refuses an error nested ${depth} levels with a 400 naming the field, and the runs list still answers`, async () => {
      const res = await postWith(failedRoot(), nestedJson(depth));
      assert.equal(res.status, 400);
      assert.match(res.body.error.message, /events\[0\]\.error\.cause/);
      await assertReadsAnswer();
    });

    it(`refuses an artifact summary nested ${depth} levels with a 400 naming the field`, async () => {
      const res = await postWith(artifactEvent(), nestedJson(depth));
      assert.equal(res.status, 400);
      assert.match(res.body.error.message, /events\[0\]\.artifact\.summary\.preview/);
      assert.match(res.body.error.message, /64/);
      await assertReadsAnswer();
    });
  }

  it("refuses an artifact summary over 1 MiB with a 413 naming the field", async () => {
    const res = await postWith(artifactEvent(), JSON.stringify("x".repeat(1024 * 1024 + 1)));
    assert.equal(res.status, 413);
    assert.match(res.body.error.message, /events\[0\]\.artifact\.summary is \d+ bytes/);
  });

  it("refuses unknown properties of error, resources and environment (their shape is known)", async () => {
    const res = await postWith(failedRoot(), '"just text"');
    assert.equal(res.status, 400);
    assert.match(res.body.error.message, /unknown property "cause"/);
  });

  it("reads rows already stored too deep or unreadable as marked placeholders, not 500s", async () => {
    const { db } = t.server.context;
    db.prepare("UPDATE runs SET error_json = ? WHERE id = ?").run(
      `{"name":"E","message":"m","stepName":"s","path":[],"runId":"${fx.rootId}","x":${nestedJson(5000)}}`,
      fx.rootId,
    );
    db.prepare("UPDATE runs SET resources_json = ?, tags_json = ? WHERE id = ?").run(
      "{not json",
      nestedJson(3000),
      fx.runs.load!,
    );
    db.prepare("UPDATE artifacts SET summary_json = ? WHERE id = ?").run(
      nestedJson(6000),
      fx.artifactIds.table!,
    );
    await assertReadsAnswer();
    const list = await t.api.get<{
      runs: { id: string; error: { name: string; message: string } | null }[];
    }>("/runs?root=true");
    const root = list.body.runs.find((r) => r.id === fx.rootId)!;
    assert.equal(root.error?.name, "UnreadableStoredValue");
    assert.match(root.error!.message, /could not be read/);
    const load = await t.api.get<{ run: { resources: object; tags: string[] } }>(
      `/runs/${fx.runs.load}`,
    );
    assert.equal(load.status, 200);
    assert.deepEqual(load.body.run.resources, {});
    assert.deepEqual(load.body.run.tags, []);
    const artifact = await t.api.get<{ summary: { unreadable?: string } }>(
      `/artifacts/${fx.artifactIds.table}`,
    );
    assert.equal(artifact.status, 200);
    assert.match(artifact.body.summary.unreadable ?? "", /could not be read/);
  });
});
