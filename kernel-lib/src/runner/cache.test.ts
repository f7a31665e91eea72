import assert from "node:assert/strict";
import { test } from "node:test";
import { func, processCache } from "../index";

test("a cached step with the same code and inputs reuses the earlier output without running", async () => {
  processCache().clear();
  let runs = 0;
  const expensive = func({ cache: true }, function expensive(x: number) {
    runs++;
    return { squared: x * x };
  });
  const first = await expensive(9).run({ tracking: false });
  const second = await expensive(9).run({ tracking: false });
  assert.equal(runs, 1);
  assert.deepEqual(second.value, { squared: 81 });
  const hit = second.graph.root!;
  assert.equal(hit.originalRunId, first.rootId);
  assert.equal(hit.output, first.graph.root!.output);
  // One state event: resolved from the cache, with the key and the original run.
  assert.deepEqual(hit.states, ["created", "resolved"]);
});

test("different inputs, edited code or another namespace miss the cache", async () => {
  processCache().clear();
  let runs = 0;
  const make = () =>
    func({ cache: true }, function cached(x: number) {
      runs++;
      return x;
    });
  const a = make();
  await a(1).resolve({ tracking: false });
  await a(2).resolve({ tracking: false });
  await a(1).resolve({ tracking: false, namespace: "other" });
  assert.equal(runs, 3);
  // Same code text: a new func() of identical source hits the cache.
  await make()(1).resolve({ tracking: false });
  assert.equal(runs, 3);
  const edited = func({ cache: true }, function cached(x: number) {
    runs++;
    return x + 0;
  });
  await edited(1).resolve({ tracking: false });
  assert.equal(runs, 4);
});

test("steps without cache: true always run", async () => {
  let runs = 0;
  const plain = func(function plain() {
    return ++runs;
  });
  await plain().resolve({ tracking: false });
  await plain().resolve({ tracking: false });
  assert.equal(runs, 2);
});

test("a silent cache hit returns the stored value, not the object a later step changed in place", async () => {
  processCache().clear();
  const load = func({ cache: true }, function load(_n: number) {
    return [3, 1, 2];
  });
  const sortInPlace = func(function sortInPlace(xs: number[]) {
    xs.sort((a, b) => a - b);
    return xs.length;
  });
  const pipeline = func(async function pipeline(n: number) {
    const xs = await load(n);
    return sortInPlace(xs);
  });
  assert.equal(await pipeline(3).resolve({ tracking: false }), 3);
  assert.deepEqual(await load(3).resolve({ tracking: false }), [3, 1, 2]);
  // Each hit is its own copy: sorting one does not change the next.
  assert.equal(await sortInPlace(load(3)).resolve({ tracking: false }), 3);
  assert.deepEqual(await load(3).resolve({ tracking: false }), [3, 1, 2]);
});

test("graph.value() reads a cache hit's output from future.run()", async () => {
  processCache().clear();
  const config = func({ cache: true }, function config(lr: number) {
    return { lr, layers: [64, 32] };
  });
  await config(0.1).run({ tracking: false });
  const { graph, value } = await config(0.1).run({ tracking: false });
  const hit = graph.root!;
  assert.ok(hit.originalRunId, "the second run is a cache hit");
  assert.deepEqual(graph.value(hit.output!), { lr: 0.1, layers: [64, 32] });
  assert.deepEqual(value, { lr: 0.1, layers: [64, 32] });
});
