import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { func } from "../step";
import type { RunEvent } from "../events";
import type { RunViewBundle } from "./bundle";
import { RunView } from "./run-view";

/** A run view over a silent run, recording every update it shows. */
function recordingView(rootId = "root", stepName = "pipeline", minIntervalMs = 100) {
  const shown: Array<{ bundle: RunViewBundle; text: string }> = [];
  const view = new RunView(
    { rootId, stepName, mode: "silent" },
    { show: (bundle, text) => shown.push({ bundle, text }) },
    { minIntervalMs },
  );
  return { view, shown };
}

const square = func(async function square(x: number) {
  await sleep(5);
  return x * x;
});
const total = func(function total(xs: number[]) {
  return xs.reduce((a, b) => a + b, 0);
});
const pipeline = func(async function pipeline(n: number) {
  const xs = Array.from({ length: n }, (_, i) => i);
  return total(xs.map((x) => square(x)));
});

test("the run view shows the graph at once and ends with a final snapshot of every run", async () => {
  const shown: Array<{ bundle: RunViewBundle; text: string }> = [];
  let view: RunView | undefined;
  const value = await pipeline(4).resolve({
    tracking: false,
    sink: {
      // The view needs the root id, known from the first event.
      emit(event) {
        view ??= new RunView(
          { rootId: event.rootId, stepName: "pipeline", mode: "silent" },
          { show: (bundle, text) => shown.push({ bundle, text }) },
        );
        view.emit(event);
      },
      flush: () => view!.flush(),
    },
  });
  assert.equal(value, 14);
  const first = shown[0]!.bundle;
  assert.equal(first.final, false);
  assert.equal(first.runs.length, 0);
  const last = shown.at(-1)!.bundle;
  assert.equal(last.final, true);
  assert.equal(last.version, 1);
  assert.equal(last.state, "resolved");
  assert.equal(last.serverUrl, null);
  assert.deepEqual(last.runs.map((r) => r.name).sort(), [
    "pipeline",
    "square",
    "square",
    "square",
    "square",
    "total",
  ]);
  const root = last.runs.find((r) => r.parentId === null)!;
  assert.equal(root.name, "pipeline");
  assert.ok(last.runs.every((r) => r.parentId === null || r.parentId === root.id));
  assert.ok(last.runs.every((r) => r.startedAt! <= r.endedAt!));
  assert.deepEqual(last.progress, { total: 6, done: 6, running: 0, failed: 0, cached: 0 });
  assert.equal(last.output?.typeName, "json");
  assert.match(shown.at(-1)!.text, /^tsematic ✔ pipeline: resolved in [\d.]+ s · 6\/6 steps done/);
  assert.match(shown.at(-1)!.text, /output: json · 14/);
});

/** Runs `future` silently with a run view (mode as given) and returns its final bundle. */
async function finalBundle(
  future: { run(o: object): Promise<unknown> },
  mode: "silent" | "local" = "silent",
): Promise<RunViewBundle> {
  let view: RunView | undefined;
  let last: RunViewBundle | undefined;
  await future.run({
    tracking: false,
    sink: {
      emit(event: RunEvent) {
        view ??= new RunView(
          { rootId: event.rootId, stepName: "pipeline", mode },
          { show: (bundle) => (last = bundle) },
        );
        view.emit(event);
      },
      flush: () => view!.flush(),
    },
  });
  return last!;
}

test("the bundle's edges are the recorded flows, named by kind and path", async () => {
  const bundle = await finalBundle(pipeline(3));
  const name = (id: string) => bundle.runs.find((r) => r.id === id)!.name;
  const byId = new Map(bundle.runs.map((r) => [r.id, r]));
  const totalRun = bundle.runs.find((r) => r.name === "total")!;
  const lines = bundle.edges.map(
    (e) => `${name(e.from)} → ${name(e.to)} (${e.kind}${e.path ? `, ${e.path}` : ""})`,
  );
  assert.deepEqual(lines.sort(), [
    "square → total (future, xs[0])",
    "square → total (future, xs[1])",
    "square → total (future, xs[2])",
    "total → pipeline (awaited)",
  ]);
  for (const edge of bundle.edges) {
    assert.equal(edge.artifactId, byId.get(edge.from)!.output, "an edge carries what flowed");
    if (edge.kind === "future") {
      assert.equal(edge.to, totalRun.id);
      assert.equal(edge.parameter, "xs");
    }
  }
});

test("a silent run's bundle carries the summaries of its runs' inputs and outputs", async () => {
  const bundle = await finalBundle(pipeline(2));
  const artifacts = bundle.artifacts!;
  assert.ok(artifacts, "a silent bundle has artifacts");
  for (const run of bundle.runs) {
    for (const id of [...Object.values(run.inputs), run.output!]) {
      assert.ok(artifacts[id], `the summary of ${run.name}'s artifact ${id}`);
    }
  }
  const totalRun = bundle.runs.find((r) => r.name === "total")!;
  assert.deepEqual(artifacts[totalRun.output!], {
    typeName: "json",
    size: 1,
    summary: { kind: "number", preview: "1", truncated: false },
  });
  // A tracked run's view asks its server instead.
  assert.equal((await finalBundle(pipeline(2), "local")).artifacts, undefined);
});

test("a silent bundle of a wide fan-out carries the summaries of the runs it holds, no others", async () => {
  const id = func(function id(x: number) {
    return x;
  });
  const wide = func(async function wide(n: number) {
    return Promise.all(Array.from({ length: n }, (_, i) => id(i)));
  });
  const bundle = await finalBundle(wide(2_100));
  const held = new Set(bundle.runs.flatMap((r) => [...Object.values(r.inputs), r.output!]));
  assert.equal(bundle.omittedRuns, 2_000, "the root and the fold's first 100 calls are held");
  assert.deepEqual(new Set(Object.keys(bundle.artifacts!)), held);
});

test("updates sent within one millisecond are stamped apart, each later than the one before", async () => {
  const shown: RunViewBundle[] = [];
  const view = new RunView(
    { rootId: "r", stepName: "pipeline", mode: "silent" },
    { show: (bundle) => shown.push(bundle) },
    { minIntervalMs: 0, now: () => 1_000 },
  );
  view.emit(runCreated("r", null, "pipeline", 1_000));
  view.emit(runCreated("s", "r", "step", 1_000));
  await view.flush();
  assert.ok(shown.length >= 2, `${shown.length} updates`);
  for (let i = 1; i < shown.length; i++) {
    assert.ok(shown[i]!.updatedAt > shown[i - 1]!.updatedAt, `update ${i} is not later`);
  }
});

test("updates are throttled to one per interval, and flush sends the last one at once", async () => {
  const { view, shown } = recordingView("r", "many", 100);
  const start = Date.now();
  // 200 state changes within ~300 ms.
  for (let i = 0; i < 200; i++) {
    view.emit(runCreated(`run-${i}`, i === 0 ? null : "run-0", `step${i}`, Date.now()));
    await sleep(1.5);
  }
  const elapsed = Date.now() - start;
  await view.flush();
  const maxUpdates = 1 + Math.ceil(elapsed / 100) + 1; // first display, one per interval, final
  assert.ok(shown.length <= maxUpdates, `${shown.length} updates in ${elapsed} ms`);
  assert.ok(shown.length >= 3, `expected intermediate updates, got ${shown.length}`);
  for (let i = 1; i < shown.length - 1; i++) {
    const gap = shown[i]!.bundle.updatedAt - shown[i - 1]!.bundle.updatedAt;
    assert.ok(gap >= 95, `updates ${i - 1} and ${i} only ${gap} ms apart`);
  }
  assert.equal(shown.at(-1)!.bundle.final, true);
  assert.equal(shown.at(-1)!.bundle.progress.total, 200);
  // Nothing after the final update, even from a late event or a pending timer.
  view.emit({
    type: "run-state",
    id: "r:x",
    rootId: "r",
    at: Date.now(),
    runId: "run-1",
    state: "running",
    attempt: 1,
  });
  await sleep(150);
  assert.equal(shown.at(-1)!.bundle.final, true);
  assert.equal(shown.filter((s) => s.bundle.final).length, 1);
});

test("a failing step is named in the view with its message and a stack trimmed to user code", async () => {
  const explode = func(function explode(x: number): number {
    throw new RangeError(`cannot take ${x}`);
  });
  const parent = func(async function parent() {
    return explode(3);
  });
  let view: RunView | undefined;
  const shown: Array<{ bundle: RunViewBundle; text: string }> = [];
  await assert.rejects(
    parent().resolve({
      tracking: false,
      sink: {
        emit(event) {
          view ??= new RunView(
            { rootId: event.rootId, stepName: "parent", mode: "silent" },
            { show: (bundle, text) => shown.push({ bundle, text }) },
          );
          view.emit(event);
        },
        flush: () => view!.flush(),
      },
    }),
    /cannot take 3/,
  );
  const last = shown.at(-1)!;
  assert.equal(last.bundle.final, true);
  assert.equal(last.bundle.state, "nested-failed");
  assert.equal(last.bundle.progress.failed, 1, "only the step whose own code failed counts");
  const error = last.bundle.error!;
  assert.equal(error.stepName, "explode");
  assert.deepEqual(error.path, ["parent", "explode"]);
  assert.equal(error.name, "RangeError");
  assert.match(error.stack, /at explode \(.*run-view\.test\.js/);
  assert.doesNotMatch(error.stack, /kernel-lib\/lib\/runner|node:internal/);
  assert.equal(last.bundle.runs.find((r) => r.name === "explode")?.error?.message, "cannot take 3");
  assert.match(last.text, /✖ parent: nested-failed/);
  assert.match(
    last.text,
    /step "explode" failed \(parent > explode\): RangeError: cannot take 3\n\s+at explode/,
  );
});

test("a view whose display throws does not break the run", async () => {
  let view: RunView | undefined;
  const value = await pipeline(2).resolve({
    tracking: false,
    sink: {
      emit(event) {
        view ??= new RunView(
          { rootId: event.rootId, stepName: "pipeline", mode: "silent" },
          {
            show: () => {
              throw new Error("display is gone");
            },
          },
        );
        view.emit(event);
      },
      flush: () => view!.flush(),
    },
  });
  assert.equal(value, 1);
});

/** The run-created event of run `id` of root run `r`, made at `at`. */
function runCreated(id: string, parentId: string | null, stepName: string, at: number): RunEvent {
  return {
    type: "run-created",
    id: `c:${id}`,
    rootId: "r",
    at,
    run: {
      id,
      rootId: "r",
      parentId,
      stepName,
      sourceHash: "h",
      sourceText: "",
      tags: [],
      resources: {},
      cache: false,
      parameters: [],
      createdAt: at,
    },
  };
}

/** The events of a root run `r` that fans out into `n` calls of `leaf` (every 1,000th failed). */
function fanOutEvents(n: number): RunEvent[] {
  const created = (id: string, parentId: string | null, stepName: string): RunEvent =>
    runCreated(id, parentId, stepName, 1);
  const events = [created("r", null, "sweep")];
  for (let i = 0; i < n; i++) {
    events.push(created(`leaf-${i}`, "r", "leaf"), {
      type: "run-state",
      id: `s:${i}`,
      rootId: "r",
      at: 2,
      runId: `leaf-${i}`,
      state: i % 1000 === 999 ? "failed" : "resolved",
      attempt: 1,
    });
  }
  return events;
}

test("the bundle of a 100,000-step fan-out is under 200 KB and holds its counts and fold", async () => {
  const { view, shown } = recordingView("r", "sweep", 100);
  for (const event of fanOutEvents(100_000)) view.emit(event);
  await view.flush();
  const bundle = shown.at(-1)!.bundle;
  const bytes = JSON.stringify(bundle).length;
  assert.ok(bytes < 200_000, `${bytes} bytes`);
  assert.equal(bundle.progress.total, 100_001);
  assert.equal(bundle.progress.failed, 100);
  assert.deepEqual(bundle.folds, [
    {
      parentId: "r",
      name: "leaf",
      count: 100_000,
      states: { resolved: 99_900, failed: 100 },
      cached: 0,
      retried: 0,
    },
  ]);
  assert.equal(bundle.runs[0]!.id, "r");
  assert.equal(bundle.runs.length, 101, "the root and the fold's first page of calls");
  assert.equal(bundle.omittedRuns, 100_000 - 100);
});

test("the bounded bundle of a large fan-out still names the runs whose code still runs", async () => {
  const { view, shown } = recordingView("r", "sweep", 100);
  for (const event of fanOutEvents(1_000)) view.emit(event);
  await view.flush();
  view.stillRunning([{ runId: "leaf-999", stepName: "leaf" }]);
  const bundle = shown.at(-1)!.bundle;
  assert.equal(bundle.omittedRuns, 900, "leaf-999 is not among the runs held");
  assert.deepEqual(bundle.stillRunning, [{ runId: "leaf-999", stepName: "leaf" }]);
});
