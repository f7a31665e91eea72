import assert from "node:assert/strict";
import { test } from "node:test";
import { func } from "../index";
import { ConcurrencyProbe } from "../test-support/helpers";

test("independent steps run concurrently", async () => {
  const probe = new ConcurrencyProbe();
  const work = func(async function work(i: number) {
    return probe.during(`w${i}`, 50, i);
  });
  const p = func(async function p() {
    return Promise.all([work(1), work(2), work(3), work(4)]);
  });
  assert.deepEqual(await p().resolve({ tracking: false }), [1, 2, 3, 4]);
  assert.equal(probe.maxRunning, 4);
});

test("maxParallelism bounds how many step bodies run at once", async () => {
  const probe = new ConcurrencyProbe();
  const work = func(async function work(i: number) {
    return probe.during(`w${i}`, 20, i);
  });
  const p = func(async function p(n: number) {
    return Promise.all(Array.from({ length: n }, (_, i) => work(i)));
  });
  const result = await p(10).resolve({ tracking: false, maxParallelism: 3 });
  assert.equal(result.length, 10);
  assert.equal(probe.maxRunning, 3);
});

test("a parent waiting on its children does not use up the parallelism limit", async () => {
  const leaf = func(function leaf(x: number) {
    return x;
  });
  const inner = func(async function inner(x: number) {
    return (await leaf(x)) + 1;
  });
  const outer = func(async function outer() {
    return (await inner(1)) + (await inner(2));
  });
  // With a limit of 1, a parent that kept its slot while awaiting would deadlock here.
  assert.equal(await outer().resolve({ tracking: false, maxParallelism: 1 }), 5);
});

test("a step runs only once all its inputs are concrete", async () => {
  const order: string[] = [];
  const slow = func(async function slow() {
    await new Promise((r) => setTimeout(r, 30));
    order.push("slow");
    return 1;
  });
  const fast = func(function fast() {
    order.push("fast");
    return 2;
  });
  const combine = func(function combine(a: number, b: number) {
    order.push("combine");
    return a + b;
  });
  const p = func(function p() {
    return combine(slow(), fast());
  });
  assert.equal(await p().resolve({ tracking: false }), 3);
  assert.deepEqual(order, ["fast", "slow", "combine"]);
});

test("state transitions follow Sematic's order for every run", async () => {
  const a = func(function a() {
    return 1;
  });
  const p = func(async function p() {
    return (await a()) + 1;
  });
  const { graph } = await p().run({ tracking: false });
  for (const run of graph.runs.values()) {
    // Scheduled and running in the same tick: one event, running (with the cache key).
    assert.deepEqual(run.states, ["created", "running", "resolved"]);
    assert.ok(run.startedAt! <= run.endedAt!);
  }
});

test("maxParallelism must be a whole number", async () => {
  const a = func(function a() {
    return 1;
  });
  await assert.rejects(
    a().resolve({ tracking: false, maxParallelism: 0 }),
    /maxParallelism must be a whole number >= 1/,
  );
});
