import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { tableFromArrays, tableFromIPC, type Table } from "apache-arrow";
import { func, plot, setTrackingBackend, type Plot } from "../index";
import { ServerProcess } from "../test-support/server-process";
import { ServerBackend } from "./server-backend";

interface Graph {
  runs: Array<{ id: string; stepName: string; state: string }>;
  edges: Array<{
    runId: string;
    direction: string;
    name: string;
    artifactId: string;
    producerRunId?: string | null;
  }>;
  artifacts: Array<{ id: string; typeName: string; summary: Record<string, unknown> }>;
  flows: Array<{ to: string; from: string; kind: string; parameter?: string }>;
}
interface PartSummary {
  path: string;
  id: string;
  typeName: string;
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

const report = func(function report(n: number) {
  return {
    table: tableFromArrays({ x: Array.from({ length: n }, (_, i) => i) }),
    chart: plot({ mark: "bar", data: { values: [{ n }] } }),
    weights: new Uint8Array([n, n + 1]),
  };
});
const rowCount = func(function rowCount(table: Table) {
  return table.numRows;
});

test("a silent run returns a composite output with its table, plot and bytes", async () => {
  const { value, graph } = await report(3).run({ tracking: false });
  assert.equal(value.table.numRows, 3);
  assert.deepEqual((value.chart as Plot).spec.mark, "bar");
  const stored = graph.value(graph.root!.output!) as typeof value;
  assert.equal(stored.table.numRows, 3);
  assert.deepEqual([...stored.weights], [3, 4]);
});

test("a tracked composite output is stored with each part as its own artifact, served by id", async () => {
  const out = await report(4);
  assert.equal(out.table.numRows, 4);
  const roots = await server.api<{ runs: Array<{ id: string }> }>("/runs?root=true&name=report");
  const graph = await server.api<Graph>(`/runs/${roots.runs[0]!.id}/graph`);
  const output = graph.edges.find((e) => e.direction === "output")!;
  const info = await server.api<{ typeName: string; summary: { parts: PartSummary[] } }>(
    `/artifacts/${output.artifactId}`,
  );
  assert.equal(info.typeName, "composite");
  assert.deepEqual(
    info.summary.parts.map((p) => `${p.path} ${p.typeName}`),
    ["$.chart plot.vega-lite", "$.table arrow.table", "$.weights binary"],
  );
  const tablePart = info.summary.parts.find((p) => p.typeName === "arrow.table")!;
  const part = await server.api<{ typeName: string; summary: { numRows?: number } }>(
    `/artifacts/${tablePart.id}`,
  );
  assert.equal(part.typeName, "arrow.table");
  const res = await fetch(`${server.url}/api/v1/artifacts/${tablePart.id}/value`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  assert.equal(res.status, 200);
  assert.equal(tableFromIPC(new Uint8Array(await res.arrayBuffer())).numRows, 4);
});

test("a step consuming a composite's part records its input as that part, produced by the composite's step", async () => {
  const pipeline = func(async function compositePipeline(n: number) {
    const out = await report(n);
    return rowCount(out.table);
  });
  assert.equal(await pipeline(5), 5);
  const roots = await server.api<{ runs: Array<{ id: string }> }>(
    "/runs?root=true&name=compositePipeline",
  );
  const graph = await server.api<Graph>(`/runs/${roots.runs[0]!.id}/graph`);
  const reportRun = graph.runs.find((r) => r.stepName === "report")!;
  const countRun = graph.runs.find((r) => r.stepName === "rowCount")!;
  const output = graph.edges.find((e) => e.runId === reportRun.id && e.direction === "output")!;
  const info = await server.api<{ summary: { parts: PartSummary[] } }>(
    `/artifacts/${output.artifactId}`,
  );
  const tablePart = info.summary.parts.find((p) => p.typeName === "arrow.table")!;
  const input = graph.edges.find((e) => e.runId === countRun.id && e.direction === "input")!;
  assert.equal(input.artifactId, tablePart.id);
  // Recorded where the data flowed: the parent passed on an object `report` returned.
  assert.deepEqual(
    graph.flows
      .filter((f) => f.to === countRun.id)
      .map((f) => `${f.kind} ${f.from === reportRun.id ? "report" : f.from} ${f.parameter}`),
    ["reference report table"],
  );
});

test("a cache hit on a composite output gives back its table and bytes as a table and bytes", async () => {
  let runs = 0;
  const cachedReport = func({ cache: true }, function cachedReport(n: number) {
    runs++;
    return { table: tableFromArrays({ x: [n, n + 1] }), weights: new Uint8Array([n]) };
  });
  const first = await cachedReport(7);
  const second = await cachedReport(7);
  assert.equal(runs, 1);
  assert.notEqual(second, first, "the hit is decoded from the stored artifact");
  assert.equal(second.table.numRows, 2);
  assert.deepEqual(second.table.getChild("x")?.toArray()[1], 8);
  assert.ok(second.weights instanceof Uint8Array);
  assert.deepEqual([...second.weights], [7]);
});
