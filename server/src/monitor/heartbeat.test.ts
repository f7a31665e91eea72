import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pipelineFixture } from "../testing/fixture";
import { startTestServer, tempDir, type TestServer } from "../testing/harness";
import { LiveClient } from "../testing/live-client";

const TIMEOUT_MS = 300;

interface GraphRun {
  id: string;
  state: string;
  error: { name: string; message: string; path: string[] } | null;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("heartbeat timeout", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ heartbeatTimeoutMs: TIMEOUT_MS });
  });
  after(() => t.close());

  const graph = async (rootId: string): Promise<{ root: { status: string }; runs: GraphRun[] }> =>
    (await t.api.get<{ root: { status: string }; runs: GraphRun[] }>(`/runs/${rootId}/graph`)).body;

  it("marks the open runs of a silent client failed, saying the client stopped responding", async () => {
    const fx = pipelineFixture({ seed: "silent", unfinished: true });
    await t.api.postEvents(fx.events);
    const live = new LiveClient(
      `${t.server.url.replace(/^http/, "ws")}/api/v1/live/${fx.rootId}?token=${t.server.token}`,
    );
    await live.synced;
    await sleep(TIMEOUT_MS * 3);
    const g = await graph(fx.rootId);
    assert.equal(g.root.status, "abandoned");
    const root = g.runs.find((r) => r.id === fx.rootId)!;
    assert.equal(root.state, "failed");
    assert.equal(root.error!.name, "ClientLostError");
    assert.match(root.error!.message, /stopped responding/);
    assert.deepEqual(root.error!.path, ["pipeline"]);
    // Steps that had already resolved keep their state.
    assert.equal(g.runs.find((r) => r.id === fx.runs.load)!.state, "resolved");
    await live.until(() => live.runs().get(fx.rootId)?.state === "failed");
    assert.equal(live.doc.getMap("root").get("status"), "abandoned");
    await live.close();
  });

  it("tells a client that comes back too late that its root was abandoned", async () => {
    const fx = pipelineFixture({ seed: "late", unfinished: true });
    await t.api.postEvents(fx.events);
    await sleep(TIMEOUT_MS * 3);
    const beat = await t.api.post<{ status: string }>(`/runs/${fx.rootId}/heartbeat`);
    assert.equal(beat.body.status, "abandoned");
  });

  it("cancels (rather than fails) the runs of a gone client whose cancel was requested", async () => {
    const fx = pipelineFixture({ seed: "cancel-gone", unfinished: true });
    await t.api.postEvents(fx.events);
    assert.equal((await t.api.post(`/runs/${fx.rootId}/cancel`)).status, 200);
    await sleep(TIMEOUT_MS * 3);
    const root = (await graph(fx.rootId)).runs.find((r) => r.id === fx.rootId)!;
    assert.equal(root.state, "canceled");
  });

  it("fails the runs of a client process killed with SIGKILL within the timeout", async () => {
    const script = join(__dirname, "..", "testing", "client-process.js");
    const child = spawn(
      process.execPath,
      [script, t.server.url, t.server.token, "killed", "hang"],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
    const fx = pipelineFixture({ seed: "killed", unfinished: true });
    await sleep(TIMEOUT_MS * 2);
    assert.equal((await graph(fx.rootId)).root.status, "active", "alive while it sends heartbeats");
    child.kill("SIGKILL");
    const killedAt = Date.now();
    let g = await graph(fx.rootId);
    while (g.root.status === "active" && Date.now() - killedAt < TIMEOUT_MS * 10) {
      await sleep(20);
      g = await graph(fx.rootId);
    }
    assert.equal(g.root.status, "abandoned");
    assert.ok(
      Date.now() - killedAt < TIMEOUT_MS * 3,
      "ended within the heartbeat timeout (+ one sweep)",
    );
    assert.equal(g.runs.find((r) => r.id === fx.rootId)!.state, "failed");
  });
});

describe("heartbeat clocks across a server restart", () => {
  it("gives clients of active roots a full timeout after the server restarts", async () => {
    const dataDir = tempDir();
    const fx = pipelineFixture({ seed: "restart-clock", unfinished: true });
    const first = await startTestServer({ dataDir, heartbeatTimeoutMs: 60_000 });
    await first.api.postEvents(fx.events);
    first.server.context.db.prepare("UPDATE roots SET last_heartbeat = 0").run();
    await first.close();
    // A longer timeout than the other tests: the heartbeat below must arrive within it even on a
    // loaded machine, while sweeps (every timeout / 4) have run several times before it.
    const restartTimeoutMs = 4_000;
    const second = await startTestServer({ dataDir, heartbeatTimeoutMs: restartTimeoutMs });
    try {
      await sleep(restartTimeoutMs / 2); // two sweeps have run
      const beat = await second.api.post<{ status: string }>(`/runs/${fx.rootId}/heartbeat`);
      assert.equal(beat.body.status, "active");
    } finally {
      await second.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("heartbeats", () => {
  // Its own server with a longer timeout: beats a sixth of it apart, so that only a stall of most of
  // a second on a loaded machine (not the 300 ms above) could make a beat late.
  const timeoutMs = 1500;
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ heartbeatTimeoutMs: timeoutMs });
  });
  after(() => t.close());

  it("keep a root alive while its client sends them, well past the timeout", async () => {
    const fx = pipelineFixture({ seed: "beating", unfinished: true });
    await t.api.postEvents(fx.events);
    const started = Date.now();
    while (Date.now() - started < timeoutMs * 2.5) {
      await sleep(timeoutMs / 6);
      const beat = await t.api.post<{ status: string }>(`/runs/${fx.rootId}/heartbeat`);
      assert.equal(beat.body.status, "active");
    }
    const graph = await t.api.get<{ runs: GraphRun[] }>(`/runs/${fx.rootId}/graph`);
    assert.equal(graph.body.runs.find((r) => r.id === fx.rootId)!.state, "running");
  });
});
