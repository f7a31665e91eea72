import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { RunEvent } from "../model/events";
import { pipelineFixture } from "../testing/fixture";
import {
  type ServerProcess,
  spawnServer,
  startTestServer,
  tempDir,
  type TestServer,
} from "../testing/harness";
import { LiveClient } from "../testing/live-client";
import { FULL_SYNC_REQUEST, StallingLiveClient } from "../testing/stalling-live-client";

const MiB = 1024 * 1024;
const REQUESTS = 500;

/** Resident and peak resident memory of a process, from /proc (Linux). */
function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string): number =>
    Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]) * 1024;
  return { rss: kib("VmRSS"), peak: kib("VmHWM") };
}

/** The events of a finished pipeline whose artifact summaries make a live document of about 1 MiB. */
function heavyPipeline(): { rootId: string; events: RunEvent[] } {
  const fx = pipelineFixture({ seed: "backpressure" });
  const artifacts = fx.events.filter((e) => e.type === "artifact").length;
  const pad = "x".repeat(Math.ceil(MiB / artifacts));
  const events = fx.events.map((e) =>
    e.type === "artifact"
      ? { ...e, artifact: { ...e.artifact, summary: { ...e.artifact.summary, pad } } }
      : e,
  );
  return { rootId: fx.rootId, events };
}

describe("live clients that never read", () => {
  let dataDir: string;
  let server: ServerProcess;
  const fx = heavyPipeline();
  before(async () => {
    dataDir = tempDir();
    server = await spawnServer(dataDir);
    const res = await server.api.postEvents(fx.events);
    assert.equal(res.status, 200, res.text);
  });
  after(async () => {
    server.child.kill("SIGTERM");
    await server.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("cannot make the server buffer a full document per sync request: memory stays bounded and the client is closed", async (t) => {
    const url = `${server.url.replace(/^http/, "ws")}/api/v1/live/${fx.rootId}?token=${server.token}`;
    // A well-behaved client first, so the document is open and the baseline includes it.
    const reader = new LiveClient(url);
    await reader.synced;
    const pid = server.child.pid!;
    const before = memory(pid);
    const attacker = await StallingLiveClient.open(url);
    await attacker.send(FULL_SYNC_REQUEST, REQUESTS);
    // Round trips, so the server has read the frames before its memory is measured.
    for (let i = 0; i < 3; i++) {
      assert.equal((await server.api.get("/health")).status, 200);
      await new Promise((r) => setTimeout(r, 100));
    }
    const afterAttack = memory(pid);
    const received = await attacker.drain(64 * MiB);
    const growth = afterAttack.peak - before.peak;
    t.diagnostic(
      `${REQUESTS} full-sync requests: server peak RSS ${Math.round(before.peak / MiB)} -> ` +
        `${Math.round(afterAttack.peak / MiB)} MiB, client received ${Math.round(received.bytes / MiB)} MiB before ` +
        `${received.ended ? "the server closed it" : "giving up"}`,
    );
    assert.ok(growth < 64 * MiB, `server memory grew by ${Math.round(growth / MiB)} MiB`);
    assert.equal(received.ended, true, "the server never closed the client that does not read");
    // The well-behaved client is still served.
    assert.equal(reader.ws.readyState, reader.ws.OPEN);
    await reader.close();
  });
});

describe("live clients that stop reading while the graph changes", () => {
  let t: TestServer;
  const fx = pipelineFixture({ seed: "backpressure-updates" });
  const rootResolved = fx.events.length - 1;
  before(async () => {
    t = await startTestServer({ maxLiveBufferBytes: 64 * 1024 });
    // Artifacts with large summaries: the first answer (about 8 MiB) cannot fit in socket buffers.
    const artifacts = fx.events.filter((e) => e.type === "artifact").length;
    const pad = "y".repeat(Math.min(1000 * 1000, Math.ceil((8 * MiB) / artifacts)));
    const events = fx.events.map((e) =>
      e.type === "artifact"
        ? { ...e, artifact: { ...e.artifact, summary: { ...e.artifact.summary, pad } } }
        : e,
    );
    const res = await t.api.postEvents(events.slice(0, rootResolved));
    assert.equal(res.status, 200, res.text);
  });
  after(() => t.close());

  it("disconnects a client whose unsent data passes the cap, and still serves the others", async () => {
    const url = `${t.server.url.replace(/^http/, "ws")}/api/v1/live/${fx.rootId}?token=${t.server.token}`;
    const reader = new LiveClient(url);
    await reader.synced;
    const stalled = await StallingLiveClient.open(url);
    // One honest request for the whole document, then it stops reading.
    await stalled.send(FULL_SYNC_REQUEST, 1);
    await t.api.get("/health");
    const res = await t.api.postEvents(fx.events.slice(rootResolved));
    assert.equal(res.status, 200, res.text);
    await reader.until(() => reader.runs().get(fx.rootId)?.state === "resolved");
    const received = await stalled.drain(64 * MiB);
    assert.equal(received.ended, true, "the server kept a client that does not read");
    await reader.close();
  });
});
