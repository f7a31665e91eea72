import assert from "node:assert/strict";
import { afterEach, describe, it, test } from "node:test";

import { Signal } from "@lumino/signaling";

import type { RunState } from "../client";
import type { ILogLine, ILogPage, IRunWithPorts } from "./api";
import { wireFixture } from "../testing/wire-fixture";
import { nextDelay, StepFollower } from "./follow";

/** A step on a fake server: the test moves it along; every call is recorded. */
class FakeStep implements StepFollower.IApi {
  state: RunState = "running";
  outputs: IRunWithPorts["outputs"] = [];
  error: IRunWithPorts["run"]["error"] = null;
  lines: ILogLine[] = [];
  /** Rejects the next calls with this, while set. */
  down: Error | null = null;
  /** How long each answer takes. */
  latencyMs = 0;
  readonly calls: Array<{ route: "run" | "logs"; cursor?: string | null; signal?: AbortSignal }> =
    [];

  async run(runId: string, signal?: AbortSignal): Promise<IRunWithPorts> {
    this.calls.push({ route: "run", ...(signal ? { signal } : {}) });
    await (this.latencyMs ? sleep(this.latencyMs) : Promise.resolve());
    if (this.down) {
      throw this.down;
    }
    return {
      run: {
        id: runId,
        rootId: "root",
        parentId: "root",
        stepName: "slowStep",
        state: this.state,
        attempt: 1,
        sourceHash: "h",
        sourceText: "function slowStep() {}",
        version: null,
        parameters: [],
        attempts: [],
        cache: false,
        tags: [],
        resources: {},
        createdAt: 1,
        startedAt: 2,
        endedAt: this.state === "running" ? null : 3,
        cacheKey: null,
        originalRunId: null,
        error: this.error,
      },
      root: null,
      inputs: [],
      outputs: this.outputs,
      childIds: [],
      moreChildren: false,
      flowsRecorded: true,
    };
  }

  async logs(
    _runId: string,
    cursor: string | null,
    limit = 200,
    signal?: AbortSignal,
  ): Promise<ILogPage> {
    this.calls.push({ route: "logs", cursor, ...(signal ? { signal } : {}) });
    await (this.latencyMs ? sleep(this.latencyMs) : Promise.resolve());
    if (this.down) {
      throw this.down;
    }
    const after = cursor === null ? 0 : Number(cursor);
    const newer = this.lines.filter((line) => line.seq > after);
    const lines = newer.slice(0, limit);
    return {
      lines,
      nextCursor: newer.length > limit ? String(lines[lines.length - 1]!.seq) : null,
    };
  }

  log(text: string): void {
    this.lines.push({ seq: this.lines.length + 1, stream: "stdout", text, at: 0 });
  }

  runCalls(): number {
    return this.calls.filter((call) => call.route === "run").length;
  }
}

/** Live run states the test sets (what a LiveGraphSource provides). */
class FakeLive implements StepFollower.ILiveStates {
  readonly changed = new Signal<this, void>(this);
  graph: { runs: Map<string, { state: string }> } | null = { runs: new Map() };
  isDisposed = false;
  dispose(): void {
    this.isDisposed = true;
  }
  set(runId: string, state: string): void {
    this.graph!.runs.set(runId, { state });
    this.changed.emit();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

async function until(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(2);
  }
}

const output = wireFixture("OutputPort", {
  name: "output",
  artifact: {
    id: "a".repeat(64),
    typeName: "json",
    mediaType: "application/json",
    size: 9,
    summary: {},
  },
  consumers: [],
});

test("polls sooner while the step changes, and backs off to the longest wait while it does not", () => {
  assert.equal(nextDelay(4000, true, 1000, 8000), 1000);
  assert.equal(nextDelay(1000, false, 1000, 8000), 2000);
  assert.equal(nextDelay(4000, false, 1000, 8000), 8000);
  assert.equal(nextDelay(8000, false, 1000, 8000), 8000);
});

describe("StepFollower", () => {
  let follower: StepFollower | null = null;
  afterEach(() => follower?.dispose());

  const follow = (
    step: FakeStep,
    options: Partial<StepFollower.IOptions> = {},
  ): { updates: StepFollower.IUpdate[] } => {
    const updates: StepFollower.IUpdate[] = [];
    follower = new StepFollower({
      runId: "step",
      api: step,
      minIntervalMs: 5,
      maxIntervalMs: 20,
      ...options,
    });
    follower.updated.connect((_, update) => updates.push(update));
    follower.start();
    return { updates };
  };

  it("follows a running step until it ends: state, outputs, logs as they grow, then stops", async () => {
    const step = new FakeStep();
    step.log("started\n");
    const { updates } = follow(step);
    await until(() => updates.length >= 1, "the first answer");
    assert.equal(updates[0]!.detailChanged, true);
    assert.deepEqual(
      updates[0]!.lines.map((l) => l.text),
      ["started\n"],
    );
    assert.equal(follower!.following, true);

    step.log("halfway\n");
    await until(() => updates.some((u) => u.lines.some((l) => l.text === "halfway\n")), "new logs");
    // Only the new line: the follower reads after the last line it saw.
    assert.ok(step.calls.some((c) => c.route === "logs" && c.cursor === "1"));

    step.log("done\n");
    step.outputs = [output];
    step.state = "resolved";
    await until(() => !follower!.following, "the end");
    assert.equal(follower!.detail?.run.state, "resolved");
    assert.deepEqual(follower!.detail?.outputs, [output]);
    const last = updates[updates.length - 1]!;
    assert.equal(last.detailChanged, true);
    assert.deepEqual(
      updates.flatMap((u) => u.lines.map((l) => l.text)),
      ["started\n", "halfway\n", "done\n"],
    );

    const calls = step.calls.length;
    await sleep(60);
    assert.equal(step.calls.length, calls, "no request after the step ended");
  });

  it("shows the error of a step that fails, and stops", async () => {
    const step = new FakeStep();
    const { updates } = follow(step);
    await until(() => updates.length >= 1, "the first answer");
    step.error = {
      name: "Error",
      message: "boom",
      stepName: "slowStep",
      path: ["slowStep"],
      runId: "step",
    };
    step.state = "failed";
    await until(() => !follower!.following, "the end");
    assert.equal(follower!.detail?.run.error?.message, "boom");
  });

  it("reads an ended step once, without watching its root", async () => {
    const step = new FakeStep();
    step.state = "resolved";
    let watched = 0;
    const { updates } = follow(step, {
      watch: () => {
        watched++;
        return new FakeLive();
      },
    });
    await until(() => updates.length >= 1, "the answer");
    await sleep(40);
    assert.equal(step.runCalls(), 1);
    assert.equal(watched, 0);
    assert.equal(follower!.following, false);
  });

  it("asks at once when the root's live document says the step changed state", async () => {
    const step = new FakeStep();
    const live = new FakeLive();
    // Polls far apart: only the live change can explain a prompt second read.
    const { updates } = follow(step, {
      minIntervalMs: 60_000,
      maxIntervalMs: 60_000,
      watch: (rootId) => (rootId === "root" ? live : null),
    });
    await until(() => updates.length >= 1, "the first answer");
    live.set("other", "resolved"); // another step of the root: no request
    live.set("step", "running"); // the state already shown: no request
    await sleep(20);
    assert.equal(step.runCalls(), 1);

    step.state = "resolved";
    step.outputs = [output];
    live.set("step", "resolved");
    await until(() => !follower!.following, "the end");
    assert.equal(step.runCalls(), 2);
    assert.deepEqual(follower!.detail?.outputs, [output]);
    assert.equal(live.isDisposed, true, "the live document is let go once the step ended");
  });

  it("makes no request after dispose, and aborts the one on its way", async () => {
    const step = new FakeStep();
    const live = new FakeLive();
    const { updates } = follow(step, { watch: () => live });
    await until(() => updates.length >= 1, "the first answer");
    step.latencyMs = 50;
    const before = step.calls.length;
    await until(() => step.calls.length > before, "the next poll");
    follower!.dispose(); // while that poll waits for its answer
    const calls = step.calls.length;
    const lastSignal = step.calls[calls - 1]!.signal;
    await sleep(60);
    assert.equal(step.calls.length, calls);
    assert.equal(lastSignal?.aborted, true);
    assert.equal(live.isDisposed, true);
    live.set("step", "resolved");
    await sleep(20);
    assert.equal(step.calls.length, calls);
  });

  it("stops after a first failure (the panel offers to retry), keeps polling after a later one", async () => {
    const step = new FakeStep();
    step.down = new Error("not reachable");
    const first = follow(step);
    await until(() => first.updates.length >= 1, "the failure");
    assert.equal(follower!.following, false);
    assert.match(String(follower!.failure), /not reachable/);
    follower!.dispose();

    step.down = null;
    step.calls.length = 0;
    const second = follow(step);
    await until(() => second.updates.length >= 1, "the first answer");
    step.down = new Error("not reachable");
    await until(() => follower!.failure !== null, "the failure");
    assert.equal(follower!.following, true);
    assert.equal(follower!.detail?.run.state, "running", "what was shown stays");
    step.down = null;
    step.state = "resolved";
    await until(() => !follower!.following, "the end");
    assert.equal(follower!.failure, null);
  });

  it("reads a long log a few pages per poll, then older pages on request once ended", async () => {
    const step = new FakeStep();
    step.state = "resolved";
    for (let i = 0; i < 7; i++) {
      step.log(`line ${i}\n`);
    }
    const { updates } = follow(step, { logPageSize: 2, logPagesPerPoll: 2 });
    await until(() => updates.length >= 1, "the answer");
    assert.equal(updates[0]!.lines.length, 4);
    assert.equal(follower!.hasMoreLogs, true);
    await follower!.moreLogs();
    await follower!.moreLogs();
    assert.equal(follower!.hasMoreLogs, false);
    assert.deepEqual(
      updates.flatMap((u) => u.lines.map((l) => l.text)),
      step.lines.map((l) => l.text),
    );
  });
});
