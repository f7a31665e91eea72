/**
 * Lineage flows are recorded where the data flows (design.md, "Lineage edges: recorded, never
 * guessed"). Each test lists every flow of its pipeline: nothing more may be recorded.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { func, processCache, type Step } from "../index";
import type { RunGraph, RunRecord } from "./graph";

/** Each flow as `from → to (kind, path)`; runs of a step called more than once name their inputs. */
function flowLines(graph: RunGraph): string[] {
  const label = (run: RunRecord): string => {
    const same = [...graph.runs.values()].filter((r) => r.stepName === run.stepName);
    if (same.length === 1) return run.stepName;
    const inputs = Object.entries(run.inputs).map(
      ([name, id]) => `${name}=${String(graph.artifacts.get(id)?.summary.preview)}`,
    );
    return `${run.stepName}(${inputs.join(", ")})`;
  };
  const lines: string[] = [];
  for (const run of graph.runs.values()) {
    for (const flow of run.flows) {
      const from = graph.runs.get(flow.from);
      assert.ok(from, `flow from an unknown run ${flow.from}`);
      const where = flow.kind === "awaited" ? "" : `, ${flow.path}`;
      lines.push(`${label(from)} → ${label(run)} (${flow.kind}${where})`);
    }
  }
  return lines.sort();
}

// Tutorial 01's steps and pipeline, as in tutorials/01-first-pipeline.ipynb.
const makeNumbers = func(function makeNumbers(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
});

const square = func(function square(x: number): number {
  return x * x;
});

const sum = func(function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
});

const bigReport = func(function bigReport(total: number): string {
  return `big total: ${total}`;
});

const smallReport = func(function smallReport(total: number): string {
  return `small total: ${total}`;
});

const pipeline = func(async function pipeline(n: number, threshold: number) {
  const numbers = await makeNumbers(n);
  const squares = numbers.map((x) => square(x));
  const total = await sum(squares);
  if (total > threshold) {
    return bigReport(total);
  }
  return smallReport(total);
});

test("tutorial 01 records exactly the flows of its pipeline", async () => {
  const { value, graph } = await pipeline(4, 20).run({ tracking: false });
  assert.equal(value, "big total: 30");
  assert.deepEqual(flowLines(graph), [
    "bigReport → pipeline (awaited)",
    "makeNumbers → pipeline (awaited)",
    "square(x=1) → sum (future, xs[0])",
    "square(x=2) → sum (future, xs[1])",
    "square(x=3) → sum (future, xs[2])",
    "square(x=4) → sum (future, xs[3])",
    "sum → bigReport (parent, total)",
    "sum → pipeline (awaited)",
  ]);
  // The parameter is named on every data flow.
  const report = graph.byStep("bigReport")[0]!;
  assert.deepEqual(report.flows, [
    { from: graph.byStep("sum")[0]!.id, kind: "parent", parameter: "total", path: "total" },
  ]);
});

test("the same constant passed to two unrelated steps gets no producer", async () => {
  const four = func(function four(): number {
    return 4;
  });
  const half = func(function half(x: number): number {
    return x / 2;
  });
  const twice = func(function twice(x: number): number {
    return x * 2;
  });
  const both = func(async function both(k: number) {
    const made = await four(); // 4, the same artifact as the constant below
    const a = half(4); // a constant 4 the body wrote: not made's output
    const b = twice(k); // the parent's own input 4: not made's output either
    return [made, await a, await b];
  });
  const { value, graph } = await both(4).run({ tracking: false });
  assert.deepEqual(value, [4, 2, 8]);
  // half's 4 equals four's output, the only child awaited so far, but it is also the parent's
  // input: ambiguous, so no producer. twice's input is the parent's input.
  assert.deepEqual(flowLines(graph), [
    "four → both (awaited)",
    "half → both (awaited)",
    "twice → both (awaited)",
  ]);
});

test("a value two awaited children both produced is ambiguous and gets no producer", async () => {
  const three = func(function three(): number {
    return 3;
  });
  const alsoThree = func(function alsoThree(): number {
    return 3;
  });
  const twice = func(function twice(x: number): number {
    return x * 2;
  });
  const ambiguous = func(async function ambiguous() {
    const a = await three();
    await alsoThree();
    return twice(a);
  });
  const { value, graph } = await ambiguous().run({ tracking: false });
  assert.equal(value, 6);
  assert.deepEqual(flowLines(graph), [
    "alsoThree → ambiguous (awaited)",
    "three → ambiguous (awaited)",
    "twice → ambiguous (awaited)",
  ]);
});

test("futures nested in arrays and plain objects record their paths", async () => {
  const one = func(function one(): number {
    return 1;
  });
  const two = func(function two(): string {
    return "two";
  });
  const use = func(function use(xs: number[], config: { data: string; lr: number }): string {
    return `${xs.join(",")} ${config.data} ${config.lr}`;
  });
  const nest = func(function nest() {
    const a = one();
    return use([0, a, a], { data: two(), lr: 0.1 });
  });
  const { value, graph } = await nest().run({ tracking: false });
  assert.equal(value, "0,1,1 two 0.1");
  assert.deepEqual(flowLines(graph), [
    "one → use (future, xs[1])",
    "one → use (future, xs[2])",
    "two → use (future, config.data)",
    "use → nest (awaited)",
  ]);
  const flows = graph.byStep("use")[0]!.flows;
  assert.deepEqual(
    flows.map((f) => [f.parameter, f.path]),
    [
      ["xs", "xs[1]"],
      ["xs", "xs[2]"],
      ["config", "config.data"],
    ],
  );
});

test("an output object passed on by reference records its producer", async () => {
  const load = func(function load(): { rows: number[] } {
    return { rows: [1, 2, 3] };
  });
  const count = func(function count(table: { rows: number[] }, extra: { t: { rows: number[] } }) {
    return table.rows.length + extra.t.rows.length;
  });
  const flow = func(async function flow() {
    const table = await load();
    return count(table, { t: table });
  });
  const { value, graph } = await flow().run({ tracking: false });
  assert.equal(value, 6);
  assert.deepEqual(flowLines(graph), [
    "count → flow (awaited)",
    "load → count (reference, extra.t)",
    "load → count (reference, table)",
    "load → flow (awaited)",
  ]);
});

test("a value awaited from one child and passed on unchanged flows via the parent", async () => {
  const xsStep = func(function numbers(): number[] {
    return [1, 2, 3];
  });
  const report = func(function report(total: number): string {
    return `total ${total}`;
  });
  const main = func(async function main(xs: number[]) {
    const total = await sum(xs);
    return report(total);
  });
  const top = func(async function top() {
    return main(xsStep());
  });
  const { graph } = await top().run({ tracking: false });
  assert.deepEqual(
    flowLines(graph),
    [
      "main → top (awaited)",
      "numbers → main (future, xs)",
      // main hands the very array numbers returned to sum: a reference, across the parent's boundary.
      "numbers → sum (reference, xs)",
      "sum → main (awaited)",
      "sum → report (parent, total)",
      "report → main (awaited)",
    ].sort(),
  );
});

test("a call made before an awaited child resolved gets no via-the-parent flow from it, however equal the values", async () => {
  const twice = func(function twice(x: number): number {
    return x * 2;
  });
  const early = func(async function early() {
    const later = twice(2); // made first: its 2 is the literal, not what twice(1) returns
    const first = await twice(1);
    return first + (await later);
  });
  const { value, graph } = await early().run({ tracking: false });
  assert.equal(value, 6);
  assert.deepEqual(flowLines(graph), [
    "twice(x=1) → early (awaited)",
    "twice(x=2) → early (awaited)",
  ]);
});

test("the children of a fan-out are none another's producer when outputs equal later inputs", async () => {
  const double = func(function double(x: number): number {
    return x * 2;
  });
  const fan = func(async function fan(xs: number[]) {
    return Promise.all(xs.map((x) => double(x)));
  });
  const { value, graph } = await fan([1, 2, 4]).run({ tracking: false });
  assert.deepEqual(value, [2, 4, 8]);
  assert.deepEqual(flowLines(graph), [
    "double(x=1) → fan (awaited)",
    "double(x=2) → fan (awaited)",
    "double(x=4) → fan (awaited)",
  ]);
});

test("a value the parent computed from an awaited child has no producer, only the awaited flow", async () => {
  const computed = func(async function computed() {
    const n = await makeNumbers(4);
    return square(n[1]!);
  });
  const { value, graph } = await computed().run({ tracking: false });
  assert.equal(value, 4);
  assert.deepEqual(flowLines(graph), [
    "makeNumbers → computed (awaited)",
    "square → computed (awaited)",
  ]);
});

test("a consumer canceled because its input failed still records where the input came from", async () => {
  const transform = func(function transform(x: number): number {
    throw new Error(`cannot transform ${x}`);
  });
  const save = func(function save(y: number): number {
    return y;
  });
  const failing = func(function failing() {
    return save(transform(1));
  });
  const error = await failing()
    .run({ tracking: false })
    .then(
      () => undefined,
      (e: unknown) => e as Error & { graph: RunGraph },
    );
  assert.ok(error, "the pipeline fails");
  const graph = error.graph;
  assert.equal(graph.byStep("save")[0]!.state, "canceled");
  assert.deepEqual(flowLines(graph), ["save → failing (awaited)", "transform → save (future, y)"]);
});

test("a cache hit's output is the original's artifact and its consumers' flows point at the hit", async () => {
  processCache().clear();
  const namespace = `flows-${Date.now()}`;
  let loads = 0;
  const load = func({ cache: true }, function load(n: number): number[] {
    loads++;
    return Array.from({ length: n }, (_, i) => i);
  });
  const size = func(function size(xs: number[]): number {
    return xs.length;
  });
  const cached: Step<[number], number> = func(function cached(n: number) {
    return size(load(n));
  });
  const first = await cached(3).run({ tracking: false, namespace });
  const second = await cached(3).run({ tracking: false, namespace });
  assert.equal(loads, 1);
  assert.equal(second.value, 3);
  const original = first.graph.byStep("load")[0]!;
  const hit = second.graph.byStep("load")[0]!;
  assert.equal(hit.originalRunId, original.id);
  assert.equal(hit.output, original.output);
  assert.deepEqual(second.graph.byStep("size")[0]!.flows, [
    { from: hit.id, kind: "future", parameter: "xs", path: "xs" },
  ]);
  assert.deepEqual(flowLines(second.graph), [
    "load → size (future, xs)",
    "size → cached (awaited)",
  ]);
});

test("silent runs without an observer record no flows and stay on the fast path", async () => {
  // Nothing to assert on but the value: the fast path must still give the right answer.
  assert.equal(await pipeline(3, 20).resolve({ tracking: false }), "small total: 14");
});
