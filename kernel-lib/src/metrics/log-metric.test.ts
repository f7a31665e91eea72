/**
 * logMetric: checked where the step logs, kept in a silent run's graph, and recorded by the real
 * lineage server from nested steps in the kernel and from a dispatched step's worker process.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { TsematicError } from "../errors";
import { func } from "../step";
import { cloudProjects, lastJson } from "../test-support/cloud-project";
import { ServerProcess } from "../test-support/server-process";
import { logMetric } from "./log-metric";

describe("logMetric in a silent run", () => {
  it("keeps the points of nested steps on their runs in the run graph", async () => {
    const leaf = func(function leaf(i: number) {
      logMetric("leaf_value", i * 2, { labels: { leaf: String(i) } });
      return i;
    });
    const train = func(async function train(lr: number) {
      let loss = 1;
      for (let step = 0; step < 3; step++) {
        loss *= 1 - lr;
        logMetric("loss", loss, { step });
      }
      await Promise.all([leaf(1), leaf(2)]);
      return loss;
    });
    const { graph } = await train(0.5).run({ tracking: false });
    const root = graph.root!;
    assert.deepEqual(
      root.metrics.map((m) => [m.name, m.value, m.step]),
      [
        ["loss", 0.5, 0],
        ["loss", 0.25, 1],
        ["loss", 0.125, 2],
      ],
    );
    const leaves = graph.byStep("leaf").map((r) => r.metrics.map((m) => [m.value, m.labels]));
    assert.deepEqual(leaves, [[[2, { leaf: "1" }]], [[4, { leaf: "2" }]]]);
  });

  it("refuses bad points with a TypeError naming what is wrong, and loses nothing else", async () => {
    const messages: string[] = [];
    const tryLog = (...args: Parameters<typeof logMetric>): void => {
      try {
        logMetric(...args);
      } catch (error) {
        assert.ok(error instanceof TypeError, String(error));
        messages.push(error.message);
      }
    };
    const tooMany = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"]));
    const step = func(function careful() {
      logMetric("before", 1);
      tryLog("nan", NaN);
      tryLog("inf", Infinity);
      tryLog("", 1);
      tryLog("x".repeat(201), 1);
      tryLog("huge_label", 1, { labels: { notes: "x".repeat(10 * 1024 * 1024) } });
      tryLog("labels", 1, { labels: tooMany });
      tryLog("step", 1, { step: -1 });
      tryLog("step", 1, { step: 1.5 });
      tryLog("text", "3" as unknown as number);
      logMetric("after", 2, { step: 0, labels: { split: "validation" } });
      return "done";
    });
    const { value, graph } = await step().run({ tracking: false });
    assert.equal(value, "done");
    assert.deepEqual(
      graph.root!.metrics.map((m) => m.name),
      ["before", "after"],
    );
    assert.equal(messages.length, 9);
    assert.match(messages[0]!, /logMetric\("nan"\): the value must be a finite number, got NaN/);
    assert.match(messages[1]!, /got Infinity/);
    assert.match(messages[2]!, /metric name must be a string of 1 to 200 characters, got ""/);
    assert.match(messages[3]!, /got a string of 201 characters/);
    assert.match(
      messages[4]!,
      /label "notes" must be a string of up to 200 characters, got a string of 10485760 characters/,
    );
    assert.ok(messages[4]!.length < 400, "the message does not carry the 10 MB label");
    assert.match(messages[5]!, /17 labels given, at most 16/);
    assert.match(messages[6]!, /step must be a non-negative integer .* got -1/);
    assert.match(messages[7]!, /got 1.5/);
    assert.match(messages[8]!, /must be a finite number, got "3"/);
  });

  it("refuses a call outside a step, saying where to call it", () => {
    assert.throws(
      () => logMetric("loss", 1),
      (e: unknown) =>
        e instanceof TsematicError &&
        /outside a step: call it inside a function wrapped/.test(e.message),
    );
  });
});

describe("logMetric in tracked runs (the real server)", () => {
  let server: ServerProcess;
  const cloud = cloudProjects(() => server);

  before(async () => {
    // Workers load the same script, whose header reads the markers folder.
    server = await ServerProcess.start({
      args: ["--cpus", "8", "--memory-mib", "8192"],
      env: { TSEMATIC_TEST_MARKERS: cloud.markers },
    });
  });
  after(async () => {
    cloud.cleanUp();
    await server?.stop();
  });

  it("records the metrics of nested steps and of a dispatched step's worker with their runs", async () => {
    const { main } = cloud.project(
      "metrics",
      `
const { logMetric } = require("tsematic");
const evaluate = func(function evaluate(i) {
  logMetric("accuracy", 0.5 + i / 10, { labels: { fold: String(i) } });
  return i;
});
const train = func({ resources: { cpus: 1, memoryMiB: 256 } }, function train(lr) {
  let loss = 1;
  for (let step = 0; step < 4; step++) {
    loss *= 1 - lr;
    logMetric("loss", loss, { step, labels: { lr: String(lr) } });
  }
  try { logMetric("loss", NaN); } catch (e) { logMetric("refused", 1, { labels: { why: e.name } }); }
  return { loss, pid: process.pid };
});
const validate = func(async function validate() {
  return Promise.all([evaluate(1), evaluate(2)]);
});
// Many points go out in the run's ordinary batches, split to the server's limits like any event.
const sweep = func(function sweep(n) {
  for (let i = 0; i < n; i++) logMetric("probe", i, { step: i });
  return n;
});
const pipeline = func(async function metricsPipeline(lr) {
  logMetric("started", 1);
  await sweep(30000);
  const trained = await train(lr);
  await validate();
  return trained;
});
const executor = process.argv[2];
pipeline(0.5).run({ executor }).then(
  (r) => console.log(JSON.stringify({ rootId: r.rootId, value: r.value, me: process.pid })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const { code, output } = await cloud.drive(main, ["local"]).done;
    assert.equal(code, 0, output);
    const { rootId, value, me } = lastJson<{
      rootId: string;
      value: { loss: number; pid: number };
      me: number;
    }>(output);
    assert.notEqual(value.pid, me, "train ran in its own worker process");

    type Metric = {
      runId: string;
      rootId: string;
      name: string;
      value: number;
      step: number | null;
      labels: Record<string, string>;
    };
    const { metrics } = await server.api<{ metrics: Metric[] }>(`/runs/${rootId}/metrics`);
    const runs = await cloud.runsUnder(rootId);
    const runOf = (step: string): string[] =>
      runs.filter((r) => r.run.stepName === step).map((r) => r.run.id);
    const byName = (name: string): Metric[] => metrics.filter((m) => m.name === name);
    assert.deepEqual(
      byName("loss").map((m) => [m.step, m.value, m.labels.lr]),
      [
        [0, 0.5, "0.5"],
        [1, 0.25, "0.5"],
        [2, 0.125, "0.5"],
        [3, 0.0625, "0.5"],
      ],
    );
    assert.deepEqual(
      byName("loss").map((m) => m.runId),
      Array(4).fill(runOf("train")[0]),
      "the worker's points belong to the dispatched run",
    );
    assert.deepEqual(byName("refused")[0]?.labels, { why: "TypeError" });
    assert.deepEqual(
      byName("accuracy")
        .map((m) => [m.labels.fold, m.value])
        .sort(),
      [
        ["1", 0.6],
        ["2", 0.7],
      ],
    );
    assert.ok(byName("accuracy").every((m) => runOf("evaluate").includes(m.runId)));
    assert.deepEqual(byName("started")[0]?.runId, rootId);
    const probes = byName("probe");
    assert.equal(probes.length, 30000);
    assert.ok(probes.every((m, i) => m.step === i && m.value === i));
    assert.ok(metrics.every((m) => m.rootId === rootId));
    // A subtree: only the nested step's own points and those below it.
    const validate = runOf("validate")[0]!;
    const below = await server.api<{ metrics: Metric[] }>(`/runs/${validate}/metrics`);
    assert.deepEqual(
      below.metrics.map((m) => m.name),
      ["accuracy", "accuracy"],
    );
  });
});
