import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { npmProject } from "../test-support/cloud-project";
import { ServerProcess } from "../test-support/server-process";
import { ServerClient } from "../tracking/http";
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
/** A pipeline of `load` alone (no GPU: the local test server has none). */
const PIPELINE_OF_LOAD =
  "const pipeline = func(async function pipeline(n: number): Promise<number> {\n" +
  "  return (await load(n)).length;\n});";
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
    const none = { timeoutMs: null, attempts: null };
    assert.deepEqual(plan.steps, [
      { name: "pipeline", role: "driver", resources: {}, ...none },
      { name: "load", role: "job", resources: { memoryMiB: 512 }, ...none },
      { name: "train", role: "job", resources: { gpus: 1, cpus: 2 }, ...none },
    ]);
    assert.deepEqual(plan.executor, {
      name: "local",
      reachable: true,
      problem: null,
      serverUrl: "http://127.0.0.1:1",
      nodeUrl: null,
      nodeUrls: [],
      nodeUrlProblem: null,
    });
    assert.ok(plan.package && plan.package.size > 0);
    const files = plan.package.files.map((f) => f.path);
    assert.ok(files.includes("notebook/module.ts"), files.join(", "));
    assert.ok(files.includes("dependencies/package-lock.json"), files.join(", "));
  });

  it("lists every step the package defines with its resources, time and retries, also one only called from inside another step in a loop", async () => {
    // `shard` is never called by the pipeline's body: only by `prepare`, in a loop, under a condition.
    const SHARD =
      "const shard = func({ resources: { memoryMiB: 256, cpus: 1 }, timeoutMs: 60000, retry: { attempts: 3, backoffMs: 10 } },\n" +
      "  function shard(i: number): number { return i * 2; });";
    const PREPARE =
      'const prepare = func({ name: "prepare", retry: 2 }, async function prepare(n: number): Promise<number[]> {\n' +
      "  const parts: number[] = [];\n" +
      "  for (let i = 0; i < n; i++) if (i % 2 === 0) parts.push(await shard(i));\n" +
      "  return parts;\n});";
    const NESTED_PIPELINE =
      "const pipeline = func(async function pipeline(n: number): Promise<number> {\n" +
      "  return (await prepare(n)).length;\n});";
    const plan = await planPromotion(
      request(
        [
          code(IMPORTS),
          code(SHARD),
          code(PREPARE),
          code(NESTED_PIPELINE),
          code("await pipeline(4);"),
        ],
        4,
      ),
      fakeServer(["local"]),
    );
    assert.deepEqual(plan.errors, []);
    assert.deepEqual(plan.steps, [
      { name: "pipeline", role: "driver", resources: {}, timeoutMs: null, attempts: null },
      {
        name: "shard",
        role: "job",
        resources: { memoryMiB: 256, cpus: 1 },
        timeoutMs: 60000,
        attempts: 3,
      },
      { name: "prepare", role: "inline", resources: {}, timeoutMs: null, attempts: 2 },
    ]);
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

  it("shows the URL the jobs will call back: the server's default, a chosen one of its URLs, and for one outside them a problem naming the allowed URLs", async () => {
    // The real lineage server: its local executor's jobs call back the server's own URL only.
    const server = await ServerProcess.start();
    try {
      const client = async () =>
        new ServerClient({ url: server.url, token: server.token, source: "the test server" });
      const cells = [code(IMPORTS), code(LOAD), code(PIPELINE_OF_LOAD), code("await pipeline(1);")];
      const plain = await planPromotion(request(cells, 3), client);
      assert.equal(plain.executor.reachable, true, String(plain.executor.problem));
      assert.deepEqual(plain.executor.nodeUrls, [server.url]);
      assert.equal(plain.executor.nodeUrl, server.url);
      assert.equal(plain.executor.nodeUrlProblem, null);

      const chosen = await planPromotion(
        { ...request(cells, 3), nodeUrl: `${server.url}/` },
        client,
      );
      assert.equal(chosen.executor.nodeUrl, server.url, "compared without its trailing slash");

      const elsewhere = "http://laptop.example:8765";
      const refused = await planPromotion({ ...request(cells, 3), nodeUrl: elsewhere }, client);
      assert.equal(refused.executor.nodeUrl, null);
      assert.ok(refused.executor.nodeUrlProblem?.includes(`(it allows: ${server.url})`));
      assert.match(
        refused.executor.nodeUrlProblem!,
        /Cluster node URL is http:\/\/laptop\.example:8765/,
      );
      assert.match(refused.executor.nodeUrlProblem!, /--public-url URL/);
    } finally {
      await server.stop();
    }
  });
});
