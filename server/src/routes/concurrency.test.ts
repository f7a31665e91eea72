import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pipelineFixture } from "../testing/fixture";
import { rowCounts, startTestServer, type TestServer } from "../testing/harness";

const CLIENTS = 8;
const FAN_OUT = 12;

describe("8 pipelines from 8 processes at once", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it("records every pipeline completely", async () => {
    const script = join(__dirname, "..", "testing", "client-process.js");
    const codes = await Promise.all(
      Array.from({ length: CLIENTS }, (_, i) => {
        const child = spawn(
          process.execPath,
          [script, t.server.url, t.server.token, `client-${i}`, "complete", String(FAN_OUT)],
          { stdio: ["ignore", "inherit", "inherit"] },
        );
        return new Promise<number | null>((resolve) => child.once("exit", resolve));
      }),
    );
    assert.deepEqual(codes, Array(CLIENTS).fill(0));

    let events = 0;
    for (let i = 0; i < CLIENTS; i++) {
      const fx = pipelineFixture({ seed: `client-${i}`, fanOut: FAN_OUT });
      events += fx.events.length;
      const graph = await t.api.get<{
        runs: { state: string }[];
        edges: unknown[];
        root: { status: string };
      }>(`/runs/${fx.rootId}/graph`);
      assert.equal(graph.status, 200);
      assert.equal(graph.body.runs.length, 4 + 2 * FAN_OUT);
      assert.ok(graph.body.runs.every((r) => r.state === "resolved"));
      assert.equal(graph.body.edges.length, fx.events.filter((e) => e.type === "edge").length);
      assert.equal(graph.body.root.status, "finished");
      for (const a of fx.artifacts) {
        const head = await t.api.request("HEAD", `/api/v1/artifacts/${a.id}/value`);
        assert.equal(head.status, 200);
      }
    }
    const counts = rowCounts(t.server.context.db);
    const applied = t.server.context.db
      .prepare("SELECT sum(applied) AS n FROM event_sequences")
      .get() as { n: number };
    assert.equal(applied.n, events);
    assert.equal(counts.processed_events, 0);
    assert.equal(counts.roots, CLIENTS);
    assert.equal(counts.runs, CLIENTS * (4 + 2 * FAN_OUT));
  });
});
