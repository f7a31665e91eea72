import assert from "node:assert/strict";
import { test } from "node:test";
import { func, observeResolutions, type RunEvent, type EventSink } from "../index";
import type { Future } from "../future";
import { defaultRegistry } from "../types/registry";
import { newRunId } from "./ids";
import { Resolution } from "./resolution";

const double = func(function double(x: number) {
  return x * 2;
});
const p = func(async function p(xs: number[]) {
  const ys = await Promise.all(xs.map((x) => double(x)));
  console.log(
    "sum is",
    ys.reduce((a, b) => a + b, 0),
  );
  return ys;
});

function collect(): EventSink & { events: RunEvent[] } {
  const events: RunEvent[] = [];
  return { events, emit: (e) => events.push(e) };
}

test("every event's id names its root, its writer (the root run's first attempt) and an increasing seq", async () => {
  const sink = collect();
  const { rootId } = await p([1, 2]).run({ tracking: false, sink });
  assert.ok(sink.events.length > 0);
  sink.events.forEach((e, i) => {
    assert.equal(e.rootId, rootId);
    assert.equal(e.id, `${rootId}:${rootId}.1:${i + 1}`);
  });
  for (let i = 1; i < sink.events.length; i++) {
    assert.ok(sink.events[i]!.at >= sink.events[i - 1]!.at);
  }
});

test("a run is created before its states, artifacts before the edges that name them", async () => {
  const sink = collect();
  await p([3]).run({ tracking: false, sink });
  const created = new Set<string>();
  const artifacts = new Set<string>();
  for (const e of sink.events) {
    if (e.type === "run-created") created.add(e.run.id);
    if (e.type === "run-state" || e.type === "edge" || e.type === "log") {
      assert.ok(created.has(e.runId));
    }
    if (e.type === "artifact") artifacts.add(e.artifact.id);
    if (e.type === "edge") assert.ok(artifacts.has(e.artifactId), "edge before its artifact");
  }
});

test("the root run-created event carries the mode; children carry their parent", async () => {
  const sink = collect();
  const { rootId } = await p([1]).run({ tracking: false, sink });
  const created = sink.events.filter((e) => e.type === "run-created").map((e) => e.run);
  assert.equal(created[0]!.id, rootId);
  assert.equal(created[0]!.parentId, null);
  assert.equal(created[0]!.mode, "silent");
  assert.deepEqual(created[0]!.parameters, ["xs"]);
  assert.match(created[0]!.sourceText, /function p\(xs\)/);
  assert.match(created[0]!.sourceHash, /^[0-9a-f]{64}$/);
  assert.equal(created[1]!.parentId, rootId);
  assert.equal(created[1]!.stepName, "double");
});

test("each artifact is announced once, with its bytes stored once", async () => {
  const sink = collect();
  const stored: string[] = [];
  sink.storeArtifact = (a) => stored.push(a.id);
  // double(1) twice: same input artifact, same output artifact.
  await p([1, 1]).run({ tracking: false, sink });
  const announced = sink.events.filter((e) => e.type === "artifact").map((e) => e.artifact.id);
  assert.equal(new Set(announced).size, announced.length);
  assert.deepEqual(stored.sort(), [...announced].sort());
});

test("console output inside a step becomes that run's log", async () => {
  const { graph } = await p([1, 2]).run({ tracking: false });
  assert.deepEqual(
    graph.root!.logs.map((l) => [l.stream, l.text]),
    [["stdout", "sum is 6"]],
  );
  for (const run of graph.byStep("double")) assert.deepEqual(run.logs, []);
  const warns = func(function warns() {
    console.warn("careful: %d", 3);
    return 0;
  });
  const w = await warns().run({ tracking: false });
  assert.deepEqual(
    w.graph.root!.logs.map((l) => [l.stream, l.text]),
    [["stderr", "careful: 3"]],
  );
});

test("resolution observers see every root run and its events", async () => {
  const seen: string[] = [];
  const sink = collect();
  const stop = observeResolutions((info) => {
    seen.push(`${info.stepName}:${info.mode}`);
    return sink;
  });
  try {
    await p([5]).resolve({ tracking: false });
  } finally {
    stop();
  }
  await p([6]).resolve({ tracking: false });
  assert.deepEqual(seen, ["p:silent"]);
  assert.ok(sink.events.some((e) => e.type === "run-state" && e.state === "resolved"));
});

test("a run that starts right away goes from created to running in one state event, which carries the cache key", async () => {
  const sink = collect();
  const { rootId } = await double(21).run({ tracking: false, sink });
  const states = sink.events.filter((e) => e.type === "run-state" && e.runId === rootId);
  assert.deepEqual(
    states.map((e) => e.type === "run-state" && e.state),
    ["running", "resolved"],
  );
  const running = states[0]!;
  assert.match((running.type === "run-state" && running.cacheKey) || "", /^[0-9a-f]{64}$/);
});

test("a run that waits for a slot is recorded scheduled, with its cache key, before it runs", async () => {
  const sink = collect();
  const { rootId } = await p([1, 2, 3]).run({ tracking: false, sink, maxParallelism: 1 });
  const children = sink.events.filter((e) => e.type === "run-created" && e.run.id !== rootId);
  assert.equal(children.length, 3);
  for (const child of children) {
    const id = child.type === "run-created" ? child.run.id : "";
    const states = sink.events.filter((e) => e.type === "run-state" && e.runId === id);
    assert.deepEqual(
      states.map((e) => e.type === "run-state" && e.state),
      ["scheduled", "running", "resolved"],
    );
    assert.match((states[0]!.type === "run-state" && states[0]!.cacheKey) || "", /^[0-9a-f]{64}$/);
    assert.equal(states[1]!.type === "run-state" && states[1]!.cacheKey, undefined);
  }
});

test("a resolution writing as another run's attempt numbers its own events under that writer", async () => {
  const driver = collect();
  const { rootId } = await p([1]).run({ tracking: false, sink: driver });
  const worker = collect();
  const workerRun = newRunId();
  const resolution = new Resolution({
    rootId,
    rootFuture: p([2]) as Future<unknown>,
    mode: "silent",
    sink: worker,
    registry: defaultRegistry(),
    cache: undefined,
    namespace: "default",
    maxParallelism: undefined,
    writer: { runId: workerRun, attempt: 2 },
  });
  await resolution.start(resolution.config.rootFuture, null);
  assert.ok(worker.events.length > 0);
  worker.events.forEach((e, i) => assert.equal(e.id, `${rootId}:${workerRun}.2:${i + 1}`));
  const driverIds = new Set(driver.events.map((e) => e.id));
  assert.ok(worker.events.every((e) => !driverIds.has(e.id)));
});

test("the children one parent awaited in one tick share one flow event, each child named once", async () => {
  const sink = collect();
  const { rootId } = await p([1, 2, 3]).run({ tracking: false, sink });
  const created = sink.events.flatMap((e) =>
    e.type === "run-created" && e.run.stepName === "double" ? [e.run.id] : [],
  );
  const flowEvents = sink.events.filter((e) => e.type === "flow");
  assert.equal(flowEvents.length, 1);
  const [flow] = flowEvents;
  assert.ok(flow?.type === "flow");
  assert.equal(flow.runId, rootId);
  assert.deepEqual(
    flow.flows,
    created.map((from) => ({ from, kind: "awaited" })),
  );
  // Before the parent's last state: the flows belong to the run while it runs.
  const parentEnd = sink.events.findIndex(
    (e) => e.type === "run-state" && e.runId === rootId && e.state === "resolved",
  );
  assert.ok(sink.events.indexOf(flow) < parentEnd);
});
