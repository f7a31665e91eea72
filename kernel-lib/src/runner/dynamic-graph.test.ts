import assert from "node:assert/strict";
import { test } from "node:test";
import { func, type Future, type Step } from "../index";

const load = func(function load(n: number) {
  return Array.from({ length: n }, (_, i) => i);
});
const train = func(async function train(data: number[], lr: number) {
  return { lr, n: data.length };
});
const evaluate = func(function evaluate(model: { lr: number }) {
  return model.lr * 10;
});
const pickBest = func(function pickBest(models: Array<{ lr: number }>, scores: number[]) {
  return models[scores.indexOf(Math.max(...scores))]!;
});
const pipeline = func(async function pipeline(n: number, lrs: number[]) {
  const data = load(n);
  const models = lrs.map((lr) => train(data, lr));
  const scores = await Promise.all(models.map(evaluate));
  return pickBest(models, scores);
});

test("the design's example pipeline resolves to the best model", async () => {
  const best = await pipeline(5, [0.1, 0.01, 0.5]).resolve({ tracking: false });
  assert.deepEqual(best, { lr: 0.5, n: 5 });
});

test("awaited and returned futures become children of the step that made them", async () => {
  const { graph, rootId } = await pipeline(3, [0.1, 0.2]).run({ tracking: false });
  const root = graph.root!;
  assert.equal(root.id, rootId);
  assert.equal(root.stepName, "pipeline");
  const children = graph
    .children(root.id)
    .map((r) => r.stepName)
    .sort();
  assert.deepEqual(children, ["evaluate", "evaluate", "load", "pickBest", "train", "train"]);
  assert.equal(graph.runs.size, 7);
  for (const run of graph.runs.values()) assert.equal(run.state, "resolved");
});

test("a future passed to two steps runs once", async () => {
  let loads = 0;
  const counted = func(function counted() {
    loads++;
    return 7;
  });
  const add = func(function add(a: number, b: number) {
    return a + b;
  });
  const p = func(async function p() {
    const x = counted();
    return [await add(x, 1), await add(x, 2)];
  });
  assert.deepEqual(await p().resolve({ tracking: false }), [8, 9]);
  assert.equal(loads, 1);
});

test("futures nested in arrays and plain objects are resolved before the step runs", async () => {
  const seven = func(function seven() {
    return 7;
  });
  const describe = func(function describe(config: {
    a: number;
    list: number[];
    deep: { b: number };
  }) {
    return `${config.a}/${config.list.join("+")}/${config.deep.b}`;
  });
  const p = func(function p() {
    return describe({ a: seven(), list: [1, seven(), 3], deep: { b: seven() } } as never);
  });
  assert.equal(await p().resolve({ tracking: false }), "7/1+7+3/7");
});

test("a step's returned future is its nested output, any depth", async () => {
  const leaf = func(function leaf(x: number) {
    return x * 2;
  });
  const middle = func(function middle(x: number): Future<number> {
    return leaf(x + 1);
  });
  const top = func(function top(x: number) {
    return { value: middle(x), list: [leaf(1)] };
  });
  const { value, graph } = await top(4).run({ tracking: false });
  assert.deepEqual(value, { value: 10, list: [2] });
  const middleRun = graph.byStep("middle")[0]!;
  const leafRuns = graph.byStep("leaf");
  assert.equal(middleRun.parentId, graph.root!.id);
  assert.ok(leafRuns.some((r) => r.parentId === middleRun.id));
});

test("ordinary control flow builds the graph: a branch on an awaited value", async () => {
  const measure = func(function measure(x: number) {
    return x;
  });
  const big = func(function big(x: number) {
    return `big:${x}`;
  });
  const small = func(function small(x: number) {
    return `small:${x}`;
  });
  const branch = func(async function branch(x: number) {
    const m = await measure(x);
    return m > 10 ? big(m) : small(m);
  });
  const a = await branch(50).run({ tracking: false });
  assert.equal(a.value, "big:50");
  assert.deepEqual(a.graph.byStep("small"), []);
  const b = await branch(3).run({ tracking: false });
  assert.equal(b.value, "small:3");
  assert.deepEqual(b.graph.byStep("big"), []);
});

test("a step awaiting a future twice runs it once", async () => {
  let runs = 0;
  const once = func(function once() {
    runs++;
    return runs;
  });
  const p = func(async function p() {
    const f = once();
    return (await f) + (await f);
  });
  assert.equal(await p().resolve({ tracking: false }), 2);
  assert.equal(runs, 1);
});

test("awaiting the same root future twice runs one root run", async () => {
  let runs = 0;
  const once = func(function once() {
    return ++runs;
  });
  const f = once();
  const [a, b] = await Promise.all([
    f.resolve({ tracking: false }),
    f.resolve({ tracking: false }),
  ]);
  assert.deepEqual([a, b, runs], [1, 1, 1]);
});

test("future.set() renames and tags one call only", async () => {
  const work = func({ tags: ["base"] }, function work(x: number) {
    return x;
  });
  const p = func(async function p() {
    return [await work(1).set({ name: "work-one", tags: ["one"] }), await work(2)];
  });
  const { graph } = await p().run({ tracking: false });
  assert.deepEqual(
    graph.byStep("work-one").map((r) => r.tags),
    [["one"]],
  );
  assert.deepEqual(
    graph.byStep("work").map((r) => r.tags),
    [["base"]],
  );
});

test("set() after the future started is a clear error", async () => {
  const s = func(function s() {
    return 1;
  });
  const f = s();
  await f.resolve({ tracking: false });
  assert.throws(() => f.set({ retry: 2 }), /set\(\) was called after the future started running/);
});

test("input edges carry the parameter names the user wrote", async () => {
  const { graph } = await pipeline(2, [0.3]).run({ tracking: false });
  const trainRun = graph.byStep("train")[0]!;
  assert.deepEqual(Object.keys(trainRun.inputs).sort(), ["data", "lr"]);
  assert.ok(trainRun.output);
  // The output of load is the same artifact as train's `data` input: content addressing.
  assert.equal(graph.byStep("load")[0]!.output, trainRun.inputs.data);
});

test("a chain thousands of steps deep resolves without overflowing the stack (regression)", async () => {
  const depth = 5_000;
  const link: Step<[number], unknown> = func({ name: "link" }, function step(n: number): unknown {
    return n === 0 ? "bottom" : link(n - 1);
  });
  assert.equal(await link(depth).resolve({ tracking: false }), "bottom");
  const inc = func(function inc(x: number) {
    return x + 1;
  });
  const inputChain = func(function inputChain(n: number) {
    let f: Future<number> = inc(0);
    for (let i = 1; i < n; i++) f = inc(f);
    return f;
  });
  assert.equal(await inputChain(depth).resolve({ tracking: false }), depth);
});

test("with nothing recording (resolve without a sink) returned and nested futures still resolve", async () => {
  const leaf = func(function leaf(x: number) {
    return x * 2;
  });
  const middle = func(function middle(x: number): Future<number> {
    return leaf(x + 1);
  });
  const top = func(async function top(x: number) {
    return { value: middle(x), list: [leaf(1), 5] };
  });
  assert.deepEqual(await top(4).resolve({ tracking: false }), { value: 10, list: [2, 5] });
});
