import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { npmProject } from "../test-support/cloud-project";
import type { ServerClient } from "../tracking/http";
import { awaitedCall, planPromotion, type PromotionCell, type PromotionRequest } from "./index";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const IMPORTS = 'import { func } from "tsematic";';
const LOAD =
  'const load = func({ name: "load", resources: { memoryMiB: 512 } }, function load(n: number): number[] {\n' +
  "  return Array.from({ length: n }, (_, i) => i);\n});";
const TRAIN =
  'const train = func({ name: "train", resources: { gpus: 1, cpus: 2 } }, function train(rows: number[]): number {\n' +
  "  return rows.length;\n});";
const PIPELINE =
  "const pipeline = func(async function pipeline(n: number): Promise<number> {\n" +
  "  return train(load(n));\n});";

/** A notebook file in a project (the plan reads the cells of the request, not this file's). */
function request(cells: PromotionCell[], cellIndex: number): PromotionRequest {
  const dir = npmProject("promote");
  dirs.push(dir);
  const path = join(dir, "nb.ipynb");
  writeFileSync(path, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [] }));
  return { notebookPath: path, cells, cellIndex, executor: "local" };
}

const code = (source: string, tags?: string[]): PromotionCell => ({
  cellType: "code",
  source,
  ...(tags ? { tags } : {}),
});

/** A lineage server that has the local executor and validates every request. */
function fakeServer(executors: string[], refuse?: string): () => Promise<ServerClient> {
  const client = {
    url: "http://127.0.0.1:1",
    async json(method: string, path: string): Promise<unknown> {
      if (method === "GET" && path === "/executors") {
        return { executors: executors.map((name) => ({ name })) };
      }
      if (refuse) throw new Error(refuse);
      return { ok: true };
    },
  };
  return async () => client as unknown as ServerClient;
}

describe("promoting a notebook cell's pipeline", () => {
  it("finds the awaited pipeline call of a cell, through .resolve(), with its argument expressions", async () => {
    const call = await awaitedCall(
      "const n = 3;\nconst best = await pipeline(n * 2, [0.1, 0.01]).resolve({ tracking: true });",
    );
    assert.deepEqual(call, {
      callee: "pipeline",
      arguments: ["n * 2", "[0.1, 0.01]"],
      expression: "pipeline(n * 2, [0.1, 0.01])",
      line: 2,
    });
    assert.match(String(await awaitedCall("console.log(1);")), /awaits no pipeline call/);
  });

  it("plans the steps that run as jobs with their resources, the package's files and the executor", async () => {
    const plan = await planPromotion(
      request(
        [
          { cellType: "markdown", source: "# Training" },
          code(IMPORTS),
          code(LOAD),
          code(TRAIN),
          code(PIPELINE),
          code("const result = await pipeline(100);"),
          code("const unused = func(function later() { return 1; });"),
        ],
        5,
      ),
      fakeServer(["local"]),
    );
    assert.deepEqual(plan.errors, []);
    assert.equal(plan.cell, 6);
    assert.equal(plan.call?.expression, "pipeline(100)");
    assert.deepEqual(plan.steps, [
      { name: "pipeline", role: "driver", resources: {} },
      { name: "load", role: "job", resources: { memoryMiB: 512 } },
      { name: "train", role: "job", resources: { gpus: 1, cpus: 2 } },
    ]);
    assert.deepEqual(plan.executor, {
      name: "local",
      reachable: true,
      problem: null,
      serverUrl: "http://127.0.0.1:1",
    });
    assert.ok(plan.package && plan.package.size > 0);
    const files = plan.package.files.map((f) => f.path);
    assert.ok(files.includes("notebook/module.ts"), files.join(", "));
    assert.ok(files.includes("dependencies/package-lock.json"), files.join(", "));
  });

  it("names the cell and line of a declaration that uses a top-level await's value", async () => {
    const plan = await planPromotion(
      request(
        [
          code(IMPORTS),
          code("const rows = await Promise.resolve([1, 2, 3]);"),
          code("const count = func(function count() {\n  return rows.length;\n});"),
          code("await count();"),
        ],
        3,
      ),
      fakeServer(["local"]),
    );
    assert.equal(plan.package, null);
    assert.equal(plan.errors.length, 1);
    assert.equal(plan.errors[0]!.cell, 3);
    assert.match(plan.errors[0]!.message, /the step "count" uses `rows`/);
    assert.match(plan.errors[0]!.message, /cell 2, line 1: const rows = await/);
  });

  it("says when the server has not the chosen executor, or cannot give a step's resources", async () => {
    const cells = [
      code(IMPORTS),
      code(LOAD),
      code(TRAIN),
      code(PIPELINE),
      code("await pipeline(1);"),
    ];
    const missing = await planPromotion(
      { ...request(cells, 4), executor: "slurm" },
      fakeServer(["local"]),
    );
    assert.equal(missing.executor.reachable, false);
    assert.match(missing.executor.problem!, /no "slurm" executor \(it has: local\)/);
    const refused = await planPromotion(
      request(cells, 4),
      fakeServer(["local"], "train asks for 1 GPU; the local executor has 0"),
    );
    assert.equal(refused.executor.reachable, false);
    assert.match(refused.executor.problem!, /1 GPU/);
  });
});
