import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { AttemptView } from "../model/api";
import type { ErrorInfo, RunEvent, RunState } from "../model/events";
import { fixtureId } from "../testing/fixture";
import { rowCounts, startTestServer, type TestServer } from "../testing/harness";

/** A root with one step that fails twice, then resolves on its third attempt. */
function retriedStep(seed: string): { rootId: string; stepId: string; events: RunEvent[] } {
  const rootId = fixtureId(seed, "root");
  const stepId = fixtureId(seed, "flaky");
  let seq = 0;
  const base = (at: number): { id: string; rootId: string; at: number } => ({
    id: `${rootId}:${++seq}`,
    rootId,
    at,
  });
  const created = (id: string, parentId: string | null, stepName: string): RunEvent => ({
    type: "run-created",
    ...base(1000),
    run: {
      id,
      rootId,
      parentId,
      stepName,
      sourceHash: "ab".repeat(32),
      sourceText: `function ${stepName}() {}`,
      tags: [],
      resources: {},
      cache: false,
      parameters: [],
      createdAt: 1000,
    },
  });
  const error = (message: string): ErrorInfo => ({
    name: "Error",
    message,
    stack: `Error: ${message}\n    at flaky (cell 2:3)`,
    stepName: "flaky",
    path: ["pipeline", "flaky"],
    runId: stepId,
  });
  const state = (
    runId: string,
    s: RunState,
    attempt: number,
    at: number,
    err?: ErrorInfo,
  ): RunEvent => ({
    type: "run-state",
    ...base(at),
    runId,
    state: s,
    attempt,
    ...(err ? { error: err } : {}),
  });
  const events: RunEvent[] = [
    created(rootId, null, "pipeline"),
    state(rootId, "running", 1, 1001),
    created(stepId, rootId, "flaky"),
    state(stepId, "running", 1, 1010),
    state(stepId, "retrying", 1, 1020, error("first try broke")),
    state(stepId, "running", 2, 1120),
    state(stepId, "retrying", 2, 1150, error("second try broke")),
    state(stepId, "running", 3, 1350),
    state(stepId, "resolved", 3, 1400),
    state(rootId, "resolved", 1, 1401),
  ];
  return { rootId, stepId, events };
}

describe("attempts of a retried run", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  const attemptsOf = async (runId: string): Promise<AttemptView[]> => {
    const res = await t.api.get<{ run: { attempts: AttemptView[] } }>(`/runs/${runId}`);
    assert.equal(res.status, 200);
    return res.body.run.attempts;
  };

  it("lists each attempt with how and when it ended and the errors of the failed ones", async () => {
    const { stepId, events } = retriedStep("three-attempts");
    // Split so that an attempt's start and end arrive in different batches.
    assert.equal((await t.api.postEvents(events.slice(0, 5))).status, 200);
    assert.equal((await t.api.postEvents(events.slice(5))).status, 200);
    const attempts = await attemptsOf(stepId);
    assert.deepEqual(
      attempts.map((a) => [a.attempt, a.state, a.startedAt, a.endedAt, a.error?.message ?? null]),
      [
        [1, "retrying", 1010, 1020, "first try broke"],
        [2, "retrying", 1120, 1150, "second try broke"],
        [3, "resolved", 1350, 1400, null],
      ],
    );
    assert.match(attempts[0]!.error!.stack!, /at flaky \(cell 2:3\)/);
  });

  it("lists no attempts for a run that ran once", async () => {
    const { rootId, events } = retriedStep("ran-once");
    await t.api.postEvents(events);
    assert.deepEqual(await attemptsOf(rootId), []);
  });

  it("stores each attempt once: ingesting the same events again writes nothing", async () => {
    const { stepId, events } = retriedStep("again");
    await t.api.postEvents(events);
    const before = await attemptsOf(stepId);
    const counts = rowCounts(t.server.context.db);
    const again = await t.api.postEvents(events);
    assert.deepEqual(again.body, {
      received: events.length,
      ingested: 0,
      duplicates: events.length,
    });
    assert.deepEqual(rowCounts(t.server.context.db), counts);
    assert.deepEqual(await attemptsOf(stepId), before);
  });

  it("shows the attempt still running with no end", async () => {
    const { stepId, events } = retriedStep("running");
    await t.api.postEvents(events.slice(0, 6));
    assert.deepEqual(
      (await attemptsOf(stepId)).map((a) => [a.attempt, a.state, a.startedAt, a.endedAt]),
      [
        [1, "retrying", 1010, 1020],
        [2, null, 1120, null],
      ],
    );
  });
});
