import assert from "node:assert/strict";
import { test } from "node:test";
import { func, runContext, StepFailedError } from "../index";

class Flaky extends Error {}
class Fatal extends Error {}

test("a failing step is retried until it succeeds, with the retrying state recorded", async () => {
  let tries = 0;
  const flaky = func({ retry: { attempts: 3, backoffMs: 5 } }, function flaky() {
    tries++;
    if (tries < 3) throw new Flaky(`try ${tries}`);
    return runContext().attempt;
  });
  const { value, graph } = await flaky().run({ tracking: false });
  assert.equal(value, 3);
  assert.equal(tries, 3);
  const run = graph.byStep("flaky")[0]!;
  assert.deepEqual(run.states, [
    "created",
    "running",
    "retrying",
    "running",
    "retrying",
    "running",
    "resolved",
  ]);
  assert.equal(run.attempt, 3);
});

test("retries stop after `attempts` tries and the last error is reported", async () => {
  let tries = 0;
  const always = func({ retry: 2 }, function always() {
    tries++;
    throw new Flaky(`try ${tries}`);
  });
  const error = await always()
    .resolve({ tracking: false })
    .catch((e: unknown) => e);
  assert.equal(tries, 2);
  assert.ok(error instanceof StepFailedError);
  assert.match(error.message, /Error: try 2$/);
});

test("only the errors retryOn names are retried", async () => {
  let tries = 0;
  const fatal = func({ retry: { attempts: 5, backoffMs: 1, retryOn: [Flaky] } }, function fatal() {
    tries++;
    throw new Fatal("not retried");
  });
  await assert.rejects(fatal().resolve({ tracking: false }), /not retried/);
  assert.equal(tries, 1);
  let predicateTries = 0;
  const byPredicate = func(
    { retry: { attempts: 4, backoffMs: 1, retryOn: (e) => (e as Error).message === "again" } },
    function byPredicate() {
      predicateTries++;
      throw new Error(predicateTries < 2 ? "again" : "stop");
    },
  );
  await assert.rejects(byPredicate().resolve({ tracking: false }), /stop/);
  assert.equal(predicateTries, 2);
});

test("backoff grows by the factor between tries", async () => {
  const starts: number[] = [];
  const slowRetry = func(
    { retry: { attempts: 3, backoffMs: 40, backoffFactor: 2 } },
    function slowRetry() {
      starts.push(Date.now());
      if (starts.length < 3) throw new Error("again");
      return "done";
    },
  );
  assert.equal(await slowRetry().resolve({ tracking: false }), "done");
  assert.ok(starts[1]! - starts[0]! >= 35, `first backoff ${starts[1]! - starts[0]!} ms`);
  assert.ok(starts[2]! - starts[1]! >= 75, `second backoff ${starts[2]! - starts[1]!} ms`);
});

test("a timed-out try is retried", async () => {
  let tries = 0;
  const sometimesSlow = func(
    { timeoutMs: 30, retry: { attempts: 2, backoffMs: 1 } },
    async function sometimesSlow() {
      tries++;
      if (tries === 1) await new Promise((r) => setTimeout(r, 200));
      return tries;
    },
  );
  assert.equal(await sometimesSlow().resolve({ tracking: false }), 2);
});

test("a parent is not retried for its child's failure (the child has its own retries)", async () => {
  let parentTries = 0;
  const child = func(function child() {
    throw new Error("child broke");
  });
  const parent = func({ retry: 3 }, async function parent() {
    parentTries++;
    return child();
  });
  await assert.rejects(parent().resolve({ tracking: false }), /child broke/);
  assert.equal(parentTries, 1);
});

test("set({ retry }) adds retries to one call", async () => {
  let tries = 0;
  const once = func(function once() {
    if (++tries < 2) throw new Error("first");
    return tries;
  });
  assert.equal(
    await once()
      .set({ retry: { attempts: 2, backoffMs: 1 } })
      .resolve({ tracking: false }),
    2,
  );
});
