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
  assert.deepEqual(hit.states, ["created", "scheduled", "resolved"]);
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
