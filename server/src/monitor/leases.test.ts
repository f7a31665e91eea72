// Waits out heartbeat timeouts (seconds): not for the inner loop; `npm test` runs it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { RunEvent, RunInfo, RunState } from "../model/events";
import { fixtureId, pipelineFixture } from "../testing/fixture";
import { startTestServer, type TestServer } from "../testing/harness";

// Long enough that a loaded 2-core machine keeps a beating client's lease (beats every 200 ms).
const TIMEOUT_MS = 2_000;
const BEAT_MS = 200;

interface GraphRun {
  id: string;
  state: string;
  error: { name: string; message: string; path: string[] } | null;
}

interface LeaseAnswer {
  runId: string;
  attempt: number;
  lease: "held" | "superseded" | "ended";
  runState: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Events of a step dispatched to a worker, written as that worker (`<runId>.1`), with a child. */
function dispatchedStep(
  rootId: string,
  seed: string,
): { events: RunEvent[]; step: string; child: string } {
  const step = fixtureId(seed, "remote");
  const child = fixtureId(seed, "inner");
  let seq = 0;
  const at = Date.now();
  const base = () => ({ id: `${rootId}:${step}.1:${++seq}`, rootId, at });
  const created = (id: string, parentId: string, stepName: string): RunEvent => {
    const run: RunInfo = {
      id,
      rootId,
      parentId,
      stepName,
      sourceText: `async function ${stepName}() {}`,
      sourceHash: "ab".repeat(32),
      parameters: [],
      createdAt: at,
      resources: { cpus: 1 },
      cache: false,
      tags: [],
    };
    return { ...base(), type: "run-created", run };
  };
  const state = (runId: string, s: RunState): RunEvent => ({
    ...base(),
    type: "run-state",
    runId,
    state: s,
    attempt: 1,
  });
  return {
    step,
    child,
    events: [
      created(step, rootId, "remote"),
      state(step, "scheduled"),
      state(step, "running"),
      created(child, step, "inner"),
      state(child, "scheduled"),
      state(child, "running"),
    ],
  };
}

describe("run leases", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ heartbeatTimeoutMs: TIMEOUT_MS });
  });
  after(() => t.close());

  const graph = async (rootId: string): Promise<{ root: { status: string }; runs: GraphRun[] }> =>
    (await t.api.get<{ root: { status: string }; runs: GraphRun[] }>(`/runs/${rootId}/graph`)).body;
  const beat = async (runId: string, attempt?: number) =>
    t.api.post<{ cancelRequested: boolean; status: string; lease?: LeaseAnswer }>(
      `/runs/${runId}/heartbeat${attempt === undefined ? "" : `?attempt=${attempt}`}`,
    );
  /** Beats for the root (the kernel's heartbeat) until stopped. */
  const keepRootAlive = (rootId: string): (() => void) => {
    const timer = setInterval(() => void beat(rootId), BEAT_MS);
    return () => clearInterval(timer);
  };

  it("ends as lost a run whose worker stops renewing its lease, with its open child, while its root goes on", async () => {
    const fx = pipelineFixture({ seed: "lease-lost", unfinished: true });
    const remote = dispatchedStep(fx.rootId, "lease-lost");
    assert.equal((await t.api.postEvents([...fx.events, ...remote.events])).status, 200);
    const stopRoot = keepRootAlive(fx.rootId);
    try {
      // The worker beats for twice the timeout: its run stays running.
      const until = Date.now() + 2 * TIMEOUT_MS;
      while (Date.now() < until) {
        const answer = await beat(remote.step, 1);
        assert.equal(answer.status, 200);
        assert.deepEqual(answer.body.lease, {
          runId: remote.step,
          attempt: 1,
          lease: "held",
          runState: "running",
        });
        await sleep(BEAT_MS);
      }
      let g = await graph(fx.rootId);
      assert.equal(g.runs.find((r) => r.id === remote.step)!.state, "running");
      // The worker goes silent.
      const silentAt = Date.now();
      while (
        g.runs.find((r) => r.id === remote.step)!.state === "running" &&
        Date.now() - silentAt < 10 * TIMEOUT_MS
      ) {
        await sleep(BEAT_MS);
        g = await graph(fx.rootId);
      }
      const lost = g.runs.find((r) => r.id === remote.step)!;
      assert.equal(lost.state, "failed");
      assert.equal(lost.error!.name, "RunLostError");
      assert.match(lost.error!.message, /its worker sent no heartbeat for [\d.]+ s/);
      assert.match(lost.error!.message, /lease of attempt 1 expired/);
      assert.deepEqual(lost.error!.path, ["pipeline", "remote"]);
      const child = g.runs.find((r) => r.id === remote.child)!;
      assert.equal(child.state, "failed");
      assert.match(child.error!.message, /the worker of "remote"/);
      // The root, whose own client still beats, goes on.
      assert.equal(g.root.status, "active");
      assert.equal(g.runs.find((r) => r.id === fx.rootId)!.state, "running");
      // The worker, back too late, is told its run ended.
      assert.equal((await beat(remote.step, 1)).body.lease!.lease, "ended");
    } finally {
      stopRoot();
    }
  });

  it("tells an older attempt that a newer one holds the lease, and a finished run's worker that it ended", async () => {
    const fx = pipelineFixture({ seed: "lease-attempts", unfinished: true });
    const remote = dispatchedStep(fx.rootId, "lease-attempts");
    await t.api.postEvents([...fx.events, ...remote.events]);
    assert.equal((await beat(remote.step, 2)).body.lease!.lease, "held");
    assert.deepEqual((await beat(remote.step, 1)).body.lease, {
      runId: remote.step,
      attempt: 2,
      lease: "superseded",
      runState: "running",
    });
    const resolved = await beat(fx.runs.load!, 1);
    assert.equal(resolved.body.lease!.lease, "ended");
    assert.equal(resolved.body.lease!.runState, "resolved");
  });

  it("a lease heartbeat on the root run (a driver) keeps the root alive", async () => {
    const fx = pipelineFixture({ seed: "lease-driver", unfinished: true });
    await t.api.postEvents(fx.events);
    const until = Date.now() + 2 * TIMEOUT_MS;
    while (Date.now() < until) {
      assert.equal((await beat(fx.rootId, 1)).body.lease!.lease, "held");
      await sleep(BEAT_MS);
    }
    const g = await graph(fx.rootId);
    assert.equal(g.root.status, "active");
    assert.equal(g.runs.find((r) => r.id === fx.rootId)!.state, "running");
  });

  it("refuses an attempt that is not a whole number from 1, and an unknown run, naming them", async () => {
    const fx = pipelineFixture({ seed: "lease-bad", unfinished: true });
    await t.api.postEvents(fx.events);
    for (const attempt of ["0", "x", "1.5"]) {
      const res = await t.api.post<{ error: { message: string } }>(
        `/runs/${fx.rootId}/heartbeat?attempt=${attempt}`,
      );
      assert.equal(res.status, 400, attempt);
      assert.match(res.body.error.message, /"attempt"/);
    }
    const unknown = await beat(fixtureId("nobody", "lease"), 1);
    assert.equal(unknown.status, 404);
  });
});
