import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { tableFromArrays, tableFromIPC, type Table } from "apache-arrow";
import { func, plot, RunCanceledError, runContext, setTrackingBackend } from "../index";
import { eventually, ServerProcess } from "../test-support/server-process";
import { ServerClient } from "./http";
import { ServerBackend } from "./server-backend";

interface RunView {
  id: string;
  parentId: string | null;
  stepName: string;
  state: string;
  cacheKey: string | null;
  originalRunId: string | null;
}
interface Graph {
  root: {
    rootId: string;
    mode: string;
    status: string;
    environment: Record<string, string | null>;
  };
  runs: RunView[];
  edges: Array<{ runId: string; direction: string; name: string; artifactId: string }>;
  artifacts: Array<{ id: string; typeName: string; summary: Record<string, unknown> }>;
}

let server: ServerProcess;

before(async () => {
  server = await ServerProcess.start();
  Object.assign(process.env, server.clientEnv());
  setTrackingBackend(new ServerBackend({ heartbeatMs: 100, lingerMs: 5 }));
});

after(async () => {
  setTrackingBackend(undefined);
  await server.stop();
});

const load = func(function load(n: number) {
  return Array.from({ length: n }, (_, i) => i / n);
});
const train = func(async function train(data: number[], lr: number) {
  console.log(`training with lr=${lr}`);
  return { lr, mean: data.reduce((a, b) => a + b, 0) / data.length };
});
const evaluate = func(function evaluate(model: { lr: number; mean: number }) {
  return model.mean * model.lr;
});
const pipeline = func(async function pipeline(n: number, lrs: number[]) {
  const data = load(n);
  const models = lrs.map((lr) => train(data, lr));
  const scores = await Promise.all(models.map((m) => evaluate(m)));
  return { best: lrs[scores.indexOf(Math.max(...scores))], scores };
});

test("await future records the whole run on the server: graph, edges, artifacts, logs, lineage", async () => {
  const result = await pipeline(4, [0.1, 0.5]);
  assert.equal(result.best, 0.5);
  const roots = await server.api<{ runs: RunView[] }>("/runs?root=true&name=pipeline");
  const rootId = roots.runs[0]!.id;
  const graph = await server.api<Graph>(`/runs/${rootId}/graph`);
  assert.equal(graph.root.mode, "local");
  assert.equal(graph.root.status, "finished");
  assert.equal(graph.root.environment.nodeVersion, process.version);
  assert.ok(graph.root.environment.lockfileHash);
  assert.deepEqual(graph.runs.map((r) => r.stepName).sort(), [
    "evaluate",
    "evaluate",
    "load",
    "pipeline",
    "train",
    "train",
  ]);
  assert.ok(graph.runs.every((r) => r.state === "resolved"));
  assert.ok(graph.runs.filter((r) => r.id !== rootId).every((r) => r.parentId === rootId));
  // Lineage: the artifact `load` produced was consumed by both trains under the name "data".
  const loadRun = graph.runs.find((r) => r.stepName === "load")!;
  const loadOutput = graph.edges.find((e) => e.runId === loadRun.id && e.direction === "output")!;
  const lineage = await server.api<{
    producedBy: Array<{ run: RunView }>;
    consumedBy: Array<{ name: string; run: RunView }>;
  }>(`/artifacts/${loadOutput.artifactId}/lineage`);
  assert.deepEqual(
    lineage.producedBy.map((l) => l.run.stepName),
    ["load"],
  );
  assert.deepEqual(
    lineage.consumedBy.map((l) => `${l.run.stepName}:${l.name}`),
    ["train:data", "train:data"],
  );
  // The bytes were uploaded: the artifact's value is served.
  const res = await fetch(`${server.url}/api/v1/artifacts/${loadOutput.artifactId}/value`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  assert.equal(res.status, 200);
  assert.deepEqual(JSON.parse(await res.text()), [0, 0.25, 0.5, 0.75]);
  const trainRun = graph.runs.find((r) => r.stepName === "train")!;
  const logs = await server.api<{ lines: Array<{ text: string; stream: string }> }>(
    `/runs/${trainRun.id}/logs`,
  );
  assert.match(logs.lines[0]!.text, /^training with lr=0\.(1|5)$/);
});

test("a cache: true step reuses the server's recorded result without running", async () => {
  let runs = 0;
  const square = func({ cache: true }, function square(x: number) {
    runs++;
    return x * x;
  });
  const p = func(async function cachedPipeline(x: number) {
    return (await square(x)) + 1;
  });
  assert.equal(await p(12), 145);
  assert.equal(await p(12), 145);
  assert.equal(runs, 1);
  const squares = await server.api<{ runs: RunView[] }>("/runs?name=square");
  const [second, first] = squares.runs;
  assert.equal(second!.originalRunId, first!.id);
  assert.equal(second!.cacheKey, first!.cacheKey);
});

test("a tracked cache hit returns the stored value, and graph.value() reads it", async () => {
  const loadRows = func({ cache: true }, function loadRows(_n: number) {
    return [3, 1, 2];
  });
  const sortRows = func(function sortRows(xs: number[]) {
    xs.sort((a, b) => a - b);
    return xs.length;
  });
  const sorted = func(async function sortedPipeline(n: number) {
    return sortRows(await loadRows(n));
  });
  assert.equal(await sorted(3), 3);
  const { value, graph } = await loadRows(3).run();
  const hit = graph.root!;
  assert.ok(hit.originalRunId, "the second run is a cache hit");
  assert.deepEqual(value, [3, 1, 2]);
  assert.deepEqual(graph.value(hit.output!), [3, 1, 2]);
});

test("a tracked run's recorded flows reach the server's graph", async () => {
  const one = func(function one() {
    return 1;
  });
  const add = func(function add(xs: number[]) {
    return xs.reduce((a, b) => a + b, 0);
  });
  const report = func(function report(total: number) {
    return `total ${total}`;
  });
  const flowing = func(async function flowing() {
    const total = await add([one(), 2]);
    return report(total);
  });
  const { rootId, graph: local } = await flowing().run();
  const graph = await server.api<{
    flows: Array<{ from: string; to: string; kind: string; parameter?: string; path?: string }>;
  }>(`/runs/${rootId}/graph`);
  const runId = (step: string) => local.byStep(step)[0]!.id;
  const expected = [
    { from: runId("one"), to: runId("add"), kind: "future", parameter: "xs", path: "xs[0]" },
    { from: runId("add"), to: rootId, kind: "awaited" },
    { from: runId("add"), to: runId("report"), kind: "parent", parameter: "total", path: "total" },
    { from: runId("report"), to: rootId, kind: "awaited" },
  ];
  const key = (f: { from: string; to: string; kind: string }) => `${f.to}|${f.from}|${f.kind}`;
  assert.deepEqual(
    graph.flows.map((f) => ({ ...f })).sort((a, b) => key(a).localeCompare(key(b))),
    expected.sort((a, b) => key(a).localeCompare(key(b))),
  );
});

test("a cancel request on the server cancels the running pipeline", async () => {
  const waits = func(async function waits() {
    await sleep(30_000, undefined, { signal: runContext().signal }).catch(() => undefined);
    return 1;
  });
  const longPipeline = func(async function longPipeline() {
    return Promise.all([waits(), waits()]);
  });
  const running = longPipeline().resolve();
  const rootId = await eventually("the root run on the server", async () => {
    const roots = await server.api<{ runs: RunView[] }>(
      "/runs?root=true&name=longPipeline&state=running",
    );
    return roots.runs[0]?.id;
  });
  await server.api(`/runs/${rootId}/cancel`, { method: "POST" });
  await assert.rejects(running, RunCanceledError);
  const graph = await eventually("canceled runs", async () => {
    const g = await server.api<Graph>(`/runs/${rootId}/graph`);
    return g.runs.every((r) => r.state === "canceled") ? g : undefined;
  });
  assert.equal(graph.runs.length, 3);
});

test("each artifact's bytes are uploaded once, however many runs and root runs use them", async () => {
  const uploads: string[] = [];
  // Counts what the server accepted, around the client's real requests (batches are POSTed with
  // node:http, single artifacts PUT with fetch; a refused batch route falls back to PUTs).
  const { post, request } = ServerClient.prototype;
  ServerClient.prototype.post = async function (this: ServerClient, path, body, timeoutMs) {
    await post.call(this, path, body, timeoutMs);
    if (path === "/artifact-uploads") {
      const text = typeof body === "string" ? body : Buffer.from(body).toString("utf8");
      for (const a of (JSON.parse(text) as { artifacts: Array<{ id: string }> }).artifacts) {
        uploads.push(a.id);
      }
    }
  };
  ServerClient.prototype.request = async function (this: ServerClient, method, path, init) {
    const res = await request.call(this, method, path, init);
    if (res.ok && method === "PUT" && /\/artifacts\/[0-9a-f]{64}\/value/.test(path)) {
      uploads.push(path);
    }
    return res;
  };
  try {
    const constant = func(function constant(tag: string) {
      return `the same value for ${tag}`;
    });
    const p = func(async function manyConstants() {
      return Promise.all([constant("x"), constant("x"), constant("x")]);
    });
    await p();
    const firstRound = uploads.length;
    // One input ("x"), one output, the root's output (an array): three distinct artifacts.
    assert.equal(firstRound, 3);
    await p();
    assert.equal(uploads.length, firstRound, "a second root run with equal values uploads nothing");
  } finally {
    Object.assign(ServerClient.prototype, { post, request });
  }
  const runs = await server.api<{ runs: RunView[] }>("/runs?name=constant");
  assert.equal(runs.runs.length, 6);
});

test("a table and a plot are tracked with their types, summaries and values", async () => {
  const dataset = func(function dataset(n: number) {
    return tableFromArrays({
      x: Float64Array.from({ length: n }, (_, i) => i),
      y: Float64Array.from({ length: n }, (_, i) => 2 * i + 1),
    });
  });
  const chart = func(function chart(table: Table) {
    const values = Array.from({ length: table.numRows }, (_, i) => ({
      x: table.getChild("x")!.get(i) as number,
      y: table.getChild("y")!.get(i) as number,
    }));
    return plot({
      mark: "line",
      data: { values },
      encoding: {
        x: { field: "x", type: "quantitative" },
        y: { field: "y", type: "quantitative" },
      },
    });
  });
  const report = func(async function report(n: number) {
    return chart(dataset(n));
  });
  await report(100);
  const root = (await server.api<{ runs: RunView[] }>("/runs?root=true&name=report")).runs[0]!;
  const graph = await server.api<Graph>(`/runs/${root.id}/graph`);
  const byId = new Map(graph.artifacts.map((a) => [a.id, a]));
  const datasetRun = graph.runs.find((r) => r.stepName === "dataset")!;
  const tableEdge = graph.edges.find((e) => e.runId === datasetRun.id && e.direction === "output")!;
  const table = byId.get(tableEdge.artifactId)!;
  assert.equal(table.typeName, "arrow.table");
  assert.equal(table.summary.numRows, 100);
  const res = await fetch(`${server.url}/api/v1/artifacts/${tableEdge.artifactId}/value`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  assert.equal(res.headers.get("content-type"), "application/vnd.apache.arrow.stream");
  const served = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
  assert.equal(served.numRows, 100);
  assert.equal(served.getChild("y")!.get(99), 199);
  const chartRun = graph.runs.find((r) => r.stepName === "chart")!;
  const plotEdge = graph.edges.find((e) => e.runId === chartRun.id && e.direction === "output")!;
  assert.equal(byId.get(plotEdge.artifactId)!.typeName, "plot.vega-lite");
  // The table flowed from dataset into chart: lineage links them.
  const lineage = await server.api<{ consumedBy: Array<{ name: string; run: RunView }> }>(
    `/artifacts/${tableEdge.artifactId}/lineage`,
  );
  assert.deepEqual(
    lineage.consumedBy.map((l) => `${l.run.stepName}:${l.name}`),
    ["chart:table"],
  );
});

test("a retried parent's second attempt records its children as new runs (durable ids do not replay the first attempt's)", async () => {
  const child = func(function child(x: number) {
    return x + 1;
  });
  let attempts = 0;
  const parent = func({ retry: { attempts: 2, backoffMs: 1 } }, async function parent(x: number) {
    const y = await child(x);
    if (++attempts === 1) throw new Error("the first attempt fails after its child resolved");
    return y;
  });
  const run = await parent(1).run();
  assert.equal(run.value, 2);
  const graph = await server.api<Graph>(`/runs/${run.rootId}/graph`);
  const children = graph.runs.filter((r) => r.stepName === "child");
  assert.equal(children.length, 2, "one child run per attempt of the parent");
  assert.ok(children.every((r) => r.state === "resolved"));
});
