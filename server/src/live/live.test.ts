import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { FlowView } from "../model/api";
import { fixtureId, pipelineFixture } from "../testing/fixture";
import { startTestServer, type TestServer } from "../testing/harness";
import { handshakeStatus, LiveClient } from "../testing/live-client";

describe("live run graphs over y-websocket", () => {
  let t: TestServer;
  let wsBase: string;
  const fx = pipelineFixture({ seed: "live" });
  const loadResolved = fx.events.findIndex(
    (e) => e.type === "run-state" && e.runId === fx.runs.load && e.state === "resolved",
  );

  before(async () => {
    t = await startTestServer({ corsOrigins: ["http://localhost:8888"] });
    wsBase = t.server.url.replace(/^http/, "ws");
    await t.api.postEvents(fx.events.slice(0, loadResolved));
  });
  after(() => t.close());

  const liveUrl = (rootId: string, token = t.server.token): string =>
    `${wsBase}/api/v1/live/${rootId}?token=${token}`;

  it("syncs the current graph, then sends state changes as they are ingested", async () => {
    const client = new LiveClient(liveUrl(fx.rootId));
    try {
      await client.synced;
      assert.equal(client.runs().get(fx.runs.load!)!.state, "running");
      assert.equal(client.runs().get(fx.rootId)!.stepName, "pipeline");
      assert.equal(client.doc.getMap("root").get("status"), "active");

      await t.api.postEvents(fx.events.slice(loadResolved, loadResolved + 1));
      await client.until(() => client.runs().get(fx.runs.load!)?.state === "resolved");

      await t.api.postEvents(fx.events.slice(loadResolved + 1));
      await client.until(() => client.runs().get(fx.rootId)?.state === "resolved");
      const edges = client.doc.getMap("edges");
      assert.equal(edges.size, fx.events.filter((e) => e.type === "edge").length);
      const table = client.doc.getMap<{ typeName: string }>("artifacts").get(fx.artifactIds.table!);
      assert.equal(table?.typeName, "arrow.table");
      assert.equal(client.runs().size, 10);
    } finally {
      await client.close();
    }
  });

  it("mirrors the recorded flows in the map flows, as they are ingested and for a new client", async () => {
    const expected = (await t.api.get<{ flows: FlowView[] }>(`/runs/${fx.rootId}/graph`)).body
      .flows;
    assert.equal(expected.length, 14);
    const keyed = Object.fromEntries(
      expected.map((f) => [`${f.to}|${f.from}|${f.kind}|${f.path ?? ""}`, f]),
    );
    const fresh = new LiveClient(liveUrl(fx.rootId));
    try {
      await fresh.synced;
      assert.deepEqual(fresh.doc.getMap("flows").toJSON(), keyed);
    } finally {
      await fresh.close();
    }
    // Flows that arrive while a client watches: a second pipeline, ingested a few events at a time.
    const other = pipelineFixture({ seed: "live-flows" });
    await t.api.postEvents(other.events.slice(0, 1));
    const watcher = new LiveClient(liveUrl(other.rootId));
    try {
      await watcher.synced;
      const flows = watcher.doc.getMap("flows");
      assert.equal(flows.size, 0);
      await t.api.postInBatches(other.events.slice(1), 5);
      await watcher.until(() => flows.size === 14);
      const plotKey = `${other.runs.plot}|${other.runs.evaluateAll}|parent|scores`;
      assert.deepEqual(flows.get(plotKey), {
        from: other.runs.evaluateAll,
        to: other.runs.plot,
        kind: "parent",
        parameter: "scores",
        path: "scores",
      });
    } finally {
      await watcher.close();
    }
  });

  it("ignores writes from clients: the server is the only writer", async () => {
    const writer = new LiveClient(liveUrl(fx.rootId));
    await writer.synced;
    writer.runs().set("evil", { state: "resolved" });
    writer.runs().delete(fx.rootId);
    // A round trip through the server, so the writes above have arrived before the next client syncs.
    await t.api.get("/health");
    const reader = new LiveClient(liveUrl(fx.rootId));
    try {
      await reader.synced;
      assert.equal(reader.runs().has("evil"), false);
      assert.equal(reader.runs().has(fx.rootId), true);
    } finally {
      await writer.close();
      await reader.close();
    }
  });

  it("refuses handshakes without the token, from unconfigured origins, and for unknown roots", async () => {
    assert.equal(await handshakeStatus(`${wsBase}/api/v1/live/${fx.rootId}`), 401);
    assert.equal(await handshakeStatus(liveUrl(fx.rootId, "wrong")), 401);
    assert.equal(await handshakeStatus(liveUrl(fx.rootId), { origin: "http://evil.example" }), 403);
    assert.equal(
      await handshakeStatus(liveUrl(fx.rootId), { origin: "http://localhost:8888" }),
      101,
    );
    assert.equal(await handshakeStatus(liveUrl(fixtureId("unknown"))), 404);
    assert.equal(await handshakeStatus(liveUrl("..%2F..%2Fetc")), 400);
    assert.equal(await handshakeStatus(`${wsBase}/api/v1/other?token=${t.server.token}`), 404);
  });

  it("releases a document when its last client leaves", async () => {
    const client = new LiveClient(liveUrl(fx.rootId));
    await client.synced;
    assert.equal(t.server.context.live.size, 1);
    await client.close();
    const deadline = Date.now() + 2000;
    while (t.server.context.live.size > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(t.server.context.live.size, 0);
  });

  it("answers a plain HTTP GET of the live route with 426 and how to connect", async () => {
    const res = await t.api.get<{ error: { code: string } }>(`/live/${fx.rootId}`);
    assert.equal(res.status, 426);
    assert.equal(res.body.error.code, "upgrade_required");
  });
});
