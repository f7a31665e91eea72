import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { bundleText } from "../notebook/text";
import {
  func,
  logMetric,
  observeResolutions,
  RunCanceledError,
  runContext,
  RunView,
  type RunEvent,
  type RunGraph,
  type RunViewBundle,
} from "../index";

test("aborting the caller's signal cancels every running step", async () => {
  const controller = new AbortController();
  const wait = func(async function wait() {
    await sleep(5_000, undefined, { signal: runContext().signal }).catch(() => undefined);
    return 1;
  });
  const p = func(async function p() {
    return Promise.all([wait(), wait()]);
  });
  setTimeout(() => controller.abort(), 30);
  const started = Date.now();
  const error = await p()
    .run({ tracking: false, signal: controller.signal })
    .catch((e: unknown) => e);
  assert.ok(Date.now() - started < 3_000);
  assert.ok(error instanceof RunCanceledError);
  const graph = (error as unknown as { graph: RunGraph }).graph;
  assert.deepEqual(
    [...graph.runs.values()].map((r) => r.state),
    ["canceled", "canceled", "canceled"],
  );
});

test("a retry waiting in backoff is canceled without waiting for its timer", async () => {
  const controller = new AbortController();
  const failing = func({ retry: { attempts: 3, backoffMs: 60_000 } }, function failing() {
    throw new Error("again");
  });
  setTimeout(() => controller.abort(), 30);
  const started = Date.now();
  await assert.rejects(
    failing().resolve({ tracking: false, signal: controller.signal }),
    RunCanceledError,
  );
  assert.ok(Date.now() - started < 3_000);
});

test("the process exits as soon as a failed run ends: no dangling timers or promises", () => {
  // A child process runs a pipeline whose siblings are canceled mid-sleep and whose retry is in a
  // long backoff; if anything kept the event loop alive, it would not exit before the timeout.
  const script = `
    const { func, runContext } = require(${JSON.stringify(join(__dirname, "..", "index.js"))});
    const { setTimeout: sleep } = require("node:timers/promises");
    const slow = func(async function slow() { await sleep(60000, undefined, { signal: runContext().signal }).catch(() => {}); return 1; });
    const backoff = func({ retry: { attempts: 5, backoffMs: 60000 } }, function backoff() { throw new Error("retry later"); });
    const bad = func({ timeoutMs: 50 }, async function bad() { await sleep(60000, undefined, { signal: runContext().signal }).catch(() => {}); });
    const p = func(async function p() { return Promise.all([slow(), backoff(), bad()]); });
    p().resolve({ tracking: false }).then(() => process.exit(3), (e) => { console.log(e.message); });
  `;
  const started = Date.now();
  const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 20_000 });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /step "bad" timed out after 50 ms/);
  assert.ok(Date.now() - started < 10_000, `exited after ${Date.now() - started} ms`);
});

test("a step that ignores the cancel records nothing it prints or logs after its run ended", async () => {
  const controller = new AbortController();
  const events: RunEvent[] = [];
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let finished!: () => void;
  const bodyDone = new Promise<void>((resolve) => (finished = resolve));
  const stubborn = func(async function stubborn() {
    console.log("before the cancel");
    started();
    await released; // never looks at runContext().signal
    console.log("after the cancel");
    console.error("still after the cancel");
    logMetric("loss", 0.5);
    finished();
    return 1;
  });
  const run = stubborn().run({
    tracking: false,
    signal: controller.signal,
    sink: { emit: (e) => events.push(e) },
  });
  await running;
  controller.abort();
  await assert.rejects(run, RunCanceledError);
  release();
  await bodyDone;
  const logs = events.flatMap((e) => (e.type === "log" ? [e.text.trim()] : []));
  assert.deepEqual(logs, ["before the cancel"]);
  assert.deepEqual(
    events.filter((e) => e.type === "metric"),
    [],
  );
  const ended = events.findIndex((e) => e.type === "run-state" && e.state === "canceled");
  assert.ok(ended >= 0);
  assert.equal(ended, events.length - 1, "nothing after the run was canceled");
});

test("the run view of a canceled run says which step's code still runs in the kernel, and not of a step that stopped", async () => {
  const controller = new AbortController();
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const stubborn = func(async function stubborn() {
    started();
    await released; // never looks at runContext().signal
    return 1;
  });
  const polite = func(async function polite() {
    await sleep(60_000, undefined, { signal: runContext().signal }).catch(() => undefined);
    return 2;
  });
  const both = func(async function both() {
    return Promise.all([stubborn(), polite()]);
  });
  let bundle: RunViewBundle | undefined;
  const stop = observeResolutions(
    (info) => new RunView(info, { show: (b) => (bundle = b) }, { minIntervalMs: 0 }),
  );
  try {
    const run = both().resolve({ tracking: false, signal: controller.signal });
    await running;
    controller.abort();
    await assert.rejects(run, RunCanceledError);
  } finally {
    stop();
    release();
  }
  assert.equal(bundle?.final, true);
  assert.deepEqual(
    bundle?.stillRunning?.map((r) => r.stepName),
    ["stubborn"],
  );
  assert.match(bundleText(bundle!), /The code of step "stubborn" is still running in the kernel/);
});

test("once the code of a canceled step returns at last, the run view sends one more update that no longer names it", async () => {
  const controller = new AbortController();
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let returned!: () => void;
  const stopped = new Promise<void>((resolve) => (returned = resolve));
  const stubborn = func(async function stubborn() {
    started();
    await released; // never looks at runContext().signal
    return 1;
  });
  const lingering = func(async function lingering() {
    return stubborn();
  });
  const bundles: RunViewBundle[] = [];
  const stop = observeResolutions(
    (info) =>
      new RunView(
        info,
        {
          show: (b) => {
            bundles.push(b);
            if (b.final && !b.stillRunning) returned();
          },
        },
        { minIntervalMs: 0 },
      ),
  );
  try {
    const run = lingering().resolve({ tracking: false, signal: controller.signal });
    await running;
    controller.abort();
    await assert.rejects(run, RunCanceledError);
    const final = bundles.at(-1)!;
    assert.equal(final.final, true);
    assert.deepEqual(
      final.stillRunning?.map((r) => r.stepName),
      ["stubborn"],
    );
    release();
    await stopped;
  } finally {
    stop();
    release();
  }
  const last = bundles.at(-1)!;
  assert.equal(last.final, true);
  assert.equal(last.state, "canceled");
  assert.equal(last.stillRunning, undefined);
  assert.doesNotMatch(bundleText(last), /still running/);
});
