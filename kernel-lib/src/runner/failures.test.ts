import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  func,
  runContext,
  StepFailedError,
  StepTimeoutError,
  UnusedFutureError,
  ArtifactSerializationError,
  type RunGraph,
} from "../index";

function graphOf(error: unknown): RunGraph {
  return (error as { graph: RunGraph }).graph;
}

const explode = func(function explode(message: string): number {
  throw new TypeError(message);
});

test("a failing step's error names the step and its path, and keeps the original stack", async () => {
  const middle = func(async function middle() {
    return explode("bad input");
  });
  const root = func(async function root() {
    return middle();
  });
  const error = await root()
    .run({ tracking: false })
    .then(
      () => assert.fail("should fail"),
      (e: unknown) => e,
    );
  assert.ok(error instanceof StepFailedError);
  assert.equal(error.stepName, "explode");
  assert.deepEqual(error.path, ["root", "middle", "explode"]);
  assert.equal(
    error.message,
    'step "explode" failed (root > middle > explode): TypeError: bad input',
  );
  assert.ok(error.cause instanceof TypeError);
  assert.match(error.stack!, /at explode \(.*failures\.test\.js/);
  const graph = graphOf(error);
  assert.equal(graph.byStep("explode")[0]!.state, "failed");
  assert.equal(graph.byStep("middle")[0]!.state, "nested-failed");
  assert.equal(graph.byStep("root")[0]!.state, "nested-failed");
  const recorded = graph.byStep("root")[0]!.error!;
  assert.equal(recorded.stepName, "explode");
  assert.equal(recorded.name, "TypeError");
  assert.deepEqual(recorded.path, ["root", "middle", "explode"]);
});

test("siblings still running are canceled when a step fails, and their signal is aborted", async () => {
  let aborted = 0;
  const slow = func(async function slow() {
    const { signal } = runContext();
    try {
      await sleep(10_000, undefined, { signal });
    } catch {
      aborted++;
    }
    return 1;
  });
  const failSoon = func(async function failSoon() {
    await sleep(20);
    throw new Error("early failure");
  });
  const p = func(async function p() {
    return Promise.all([slow(), slow(), failSoon()]);
  });
  const started = Date.now();
  const error = await p()
    .run({ tracking: false })
    .catch((e: unknown) => e);
  assert.ok(Date.now() - started < 5_000, "did not wait for the canceled siblings");
  assert.ok(error instanceof StepFailedError && error.stepName === "failSoon");
  const graph = graphOf(error);
  assert.deepEqual(
    graph.byStep("slow").map((r) => r.state),
    ["canceled", "canceled"],
  );
  await sleep(10);
  assert.equal(aborted, 2);
});

test("a step whose input failed is canceled, never run", async () => {
  let ran = false;
  const after = func(function after(x: number) {
    ran = true;
    return x;
  });
  const p = func(function p() {
    return after(explode("upstream"));
  });
  const error = await p()
    .run({ tracking: false })
    .catch((e: unknown) => e);
  assert.ok(error instanceof StepFailedError && error.stepName === "explode");
  assert.equal(ran, false);
  assert.equal(graphOf(error).byStep("after")[0]!.state, "canceled");
});

test("a parent may catch a child's failure and go on", async () => {
  const p = func(async function p() {
    try {
      await explode("handled");
    } catch (e) {
      return `recovered from ${(e as StepFailedError).stepName}`;
    }
    return "unreachable";
  });
  const { value, graph } = await p().run({ tracking: false });
  assert.equal(value, "recovered from explode");
  assert.equal(graph.root!.state, "resolved");
  assert.equal(graph.byStep("explode")[0]!.state, "failed");
});

test("a step that runs longer than timeoutMs fails with a timeout error", async () => {
  const slow = func({ timeoutMs: 30 }, async function slow() {
    await sleep(2_000, undefined, { signal: runContext().signal }).catch(() => undefined);
    return 1;
  });
  const error = await slow()
    .resolve({ tracking: false })
    .catch((e: unknown) => e);
  assert.ok(error instanceof StepFailedError);
  assert.ok(error.cause instanceof StepTimeoutError);
  assert.match(error.message, /step "slow" timed out after 30 ms/);
});

test("a future created in a step and never used fails that step, naming both", async () => {
  const helper = func(function helper() {
    return 1;
  });
  const careless = func(async function careless() {
    helper();
    return 2;
  });
  const error = await careless()
    .resolve({ tracking: false })
    .catch((e: unknown) => e);
  assert.ok(error instanceof StepFailedError);
  assert.ok(error.cause instanceof UnusedFutureError);
  assert.match(
    error.message,
    /step "careless" created a future of "helper" that it never awaited, returned or passed/,
  );
});

test("a future passed to an unused future is reported through the outer one", async () => {
  const a = func(function a() {
    return 1;
  });
  const b = func(function b(x: number) {
    return x;
  });
  const careless = func(function careless() {
    b(a());
    return 0;
  });
  await assert.rejects(
    careless().resolve({ tracking: false }),
    /future of "b" that it never awaited/,
  );
});

test("a value that cannot be stored names the step, the argument and the type", async () => {
  const takes = func(function takes(callback: () => void) {
    return typeof callback;
  });
  const error = await takes(() => undefined)
    .resolve({ tracking: false })
    .catch((e: unknown) => e);
  assert.ok(error instanceof StepFailedError);
  assert.ok(error.cause instanceof ArtifactSerializationError);
  assert.match(error.message, /step "takes": cannot store argument "callback" \(a function\)/);
});

test("an output that cannot be stored names the step and its output", async () => {
  const makes = func(function makes() {
    return () => "a function is not data";
  });
  const error = await makes()
    .run({ tracking: false })
    .catch((e: unknown) => e);
  assert.ok(error instanceof StepFailedError);
  assert.match(error.message, /step "makes": cannot store its output \(a function\)/);
});

test("errors thrown as non-Error values are still reported", async () => {
  const throwsString = func(function throwsString() {
    throw "plain string";
  });
  await assert.rejects(
    throwsString().resolve({ tracking: false }),
    /step "throwsString" failed \(throwsString\): Error: plain string/,
  );
});

test("with nothing recording, an output that cannot be stored still fails its step", async () => {
  const makes = func(async function makesAsync() {
    return Symbol("not data");
  });
  await assert.rejects(
    makes().resolve({ tracking: false }),
    /step "makesAsync": cannot store its output \(a symbol\)/,
  );
});
