import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CLI, startTestServer, type TestServer } from "../testing/harness";
import type { JobView } from "./jobs";

const REPO = join(__dirname, "..", "..", "..");
const TUTORIAL = join(REPO, "tutorials", "01-first-pipeline.ipynb");
const SCRIPT = join(REPO, "tutorials", "scripts", "squares.ts");

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const tsematic = (args: string[], env: Record<string, string> = {}): Promise<Result> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env } },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });

const IMPORTS = 'import { func } from "tsematic";';

describe("tsematic submit", () => {
  let t: TestServer;
  const dirs: string[] = [];
  let env: Record<string, string>;
  before(async () => {
    t = await startTestServer({ executor: { cpus: 2, memoryMiB: 4096, gpus: 0 } });
    env = { TSEMATIC_URL: t.server.url, TSEMATIC_TOKEN: t.server.token };
  });
  after(async () => {
    await t.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A project beside the repository whose node_modules are the repository's (tsematic in it). */
  function project(cells: string[]): string {
    const dir = mkdtempSync(join(tmpdir(), "tsematic-cli-submit-"));
    dirs.push(dir);
    writeFileSync(join(dir, "package.json"), '{"name":"p","version":"1.0.0"}');
    writeFileSync(join(dir, "package-lock.json"), '{"name":"p","lockfileVersion":3}');
    symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
    const cell = (source: string) => ({ cell_type: "code", metadata: {}, outputs: [], source });
    writeFileSync(join(dir, "nb.ipynb"), JSON.stringify({ cells: cells.map(cell) }));
    return join(dir, "nb.ipynb");
  }

  it("asks which cell of a notebook to run, and for an executor's name", async () => {
    const noCell = await tsematic(["submit", TUTORIAL], env);
    assert.equal(noCell.code, 2);
    assert.match(noCell.stderr, /give --cell N for .*01-first-pipeline\.ipynb: the cell whose/);
    const badName = await tsematic(["submit", SCRIPT, "--executor", "Local Box"], env);
    assert.equal(badName.code, 2);
    assert.match(badName.stderr, /--executor must be an executor's name/);
  });

  it("says the server is not reachable when none answers, and how to start one", async () => {
    const r = await tsematic(["submit", SCRIPT], {
      TSEMATIC_URL: "http://127.0.0.1:9",
      TSEMATIC_TOKEN: "x",
    });
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /not reachable at http:\/\/127\.0\.0\.1:9: start it with `tsematic server`/,
    );
  });

  it("prints the server's message for an unknown executor", async () => {
    const r = await tsematic(["submit", SCRIPT, "--executor", "slurm"], env);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /cannot submit .*squares\.ts: no executor "slurm" on this server: use one of local/,
    );
  });

  it("refuses a step whose resources the executor can never give, before anything runs", async () => {
    const nb = project([
      IMPORTS,
      "const train = func({ resources: { cpus: 64 } }, function train() { return 1; });",
      "await train();",
    ]);
    const r = await tsematic(["submit", nb, "--cell", "3", "--wait"], env);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /cannot submit .*nb\.ipynb: step "train" asks for cpus: 64, memoryMiB: 0, gpus: 0; the largest the local executor can give is cpus: 2, memoryMiB: 4096, gpus: 0: lower the request, or raise the executor's limits \(tsematic serve --cpus N --memory-mib N --gpus N\)/,
    );
    const executors = await t.api.get<{ executors: { queued: number; running: number }[] }>(
      "/executors",
    );
    assert.deepEqual(
      executors.body.executors.map((e) => [e.queued, e.running]),
      [[0, 0]],
    );
  });

  it("runs a script on the local executor and waits: it resolves, its steps with resources ran as jobs of their own", async () => {
    const r = await tsematic(["submit", SCRIPT, "--wait"], env);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const rootId = /as root run ([0-9a-f]{32})\n/.exec(r.stdout)?.[1];
    assert.ok(rootId, r.stdout);
    assert.match(r.stdout, new RegExp(`  watch     tsematic show ${rootId}\n`));
    assert.match(r.stdout, new RegExp(`\nRoot run ${rootId} resolved in `));
    const driver = await t.api.get<JobView>(`/runs/${rootId}/job`);
    assert.equal(driver.body.kind, "program");
    const children = await t.api.get<{ runs: { id: string; stepName: string }[] }>(
      `/runs/${rootId}/children`,
    );
    const squares = children.body.runs.filter((c) => c.stepName === "square");
    assert.equal(squares.length, 4);
    // Each square is a job of its own, in a worker process apart from the driver's (a warm worker
    // may run several squares one after another: scheduler/handoff.ts).
    const jobIds = new Set<string>();
    for (const s of squares) {
      const job = await t.api.get<JobView>(`/runs/${s.id}/job`);
      assert.equal(job.status, 200);
      assert.equal(job.body.state, "succeeded");
      jobIds.add(job.body.id);
      assert.ok(job.body.handle?.pid, JSON.stringify(job.body));
      assert.notEqual(job.body.handle.pid, driver.body.handle?.pid, "a square ran in the driver");
    }
    assert.equal(jobIds.size, 4, "each square had a job of its own");
    const total = children.body.runs.find((c) => c.stepName === "total")!;
    assert.equal((await t.api.get(`/runs/${total.id}/job`)).status, 404, "total ran inline");

    const show = await tsematic(["show", rootId], env);
    assert.equal(show.code, 0, show.stderr);
    assert.match(
      show.stdout,
      /\nJob\n {2}id {10}[0-9a-f]{32} \(program\)\n {2}executor {4}local\n {2}attempt {5}1\n {2}state {7}succeeded\n {2}where {7}\S+ pid \d+\n/,
    );
  });

  it("runs a notebook's cell N with the declarations of cells 1 to N, and waits", async () => {
    const r = await tsematic(["submit", TUTORIAL, "--cell", "10", "--wait", "--json"], env);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const answer = JSON.parse(r.stdout) as {
      rootId: string;
      outcome: { job: JobView; run: { stepName: string; state: string } };
    };
    assert.equal(answer.outcome.job.state, "succeeded");
    assert.equal(answer.outcome.run.stepName, "pipeline");
    assert.equal(answer.outcome.run.state, "resolved");
  });

  it("exits 1 when the submitted run fails, naming the failure class and where to look", async () => {
    const nb = project([
      IMPORTS,
      'const boom = func(function boom(): number { throw new Error("no data"); });',
      "await boom();",
    ]);
    const r = await tsematic(["submit", nb, "--cell", "3", "--wait"], env);
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(
      r.stdout,
      /\nRoot run ([0-9a-f]{32}) failed: step-error \(job [0-9a-f]{32}, attempt 1\)\.\n/,
    );
    assert.match(r.stdout, /what {8}Error in step "boom": no data\n/);
    assert.match(r.stdout, /see {9}tsematic show [0-9a-f]{32}; tsematic logs [0-9a-f]{32}\n/);
  });
});
