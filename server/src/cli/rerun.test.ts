import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CLI, startTestServer, type TestServer } from "../testing/harness";
import { parseInputs } from "./rerun";

const REPO = join(__dirname, "..", "..", "..");

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const tsematic = (args: string[], env: Record<string, string>): Promise<Result> =>
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

/**
 * squares(n): square(1..n), each a job of its own (it asks for a CPU), then total inline. Every
 * execution of a step writes its own marker file.
 */
const SCRIPT = `
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { func } from "tsematic";

const tick = (step: string): void =>
  writeFileSync(join(process.env.TSEMATIC_TEST_MARKERS!, \`\${step}-\${process.pid}-\${Date.now()}-\${Math.random()}\`), "");

export const square = func({ resources: { cpus: 1 } }, function square(x: number): number {
  tick("square-" + x);
  return x * x;
});
export const total = func(function total(xs: number[]): number {
  tick("total");
  return xs.reduce((a, b) => a + b, 0);
});
export const squares = func(async function squares(n: number): Promise<number> {
  tick("squares");
  return total(Array.from({ length: n }, (_, i) => square(i + 1)));
});

squares(3).resolve({ executor: "local" }).then((v) => console.log("sum", v));
`;

interface RunDetail {
  run: { id: string; stepName: string; state: string; originalRunId: string | null };
  root: { rerunOf: { runId: string; from: string | null } | null } | null;
  inputs: { name: string; artifact: { summary: { preview?: string } } }[];
  outputs: { artifact: { id: string } }[];
  childIds: string[];
}

describe("tsematic rerun", () => {
  let t: TestServer;
  let env: Record<string, string>;
  let markers: string;
  let rootId: string;
  const dirs: string[] = [];

  before(async () => {
    markers = mkdtempSync(join(tmpdir(), "tsematic-rerun-markers-"));
    dirs.push(markers);
    // The server passes TSEMATIC_TEST_* on to its workers.
    process.env.TSEMATIC_TEST_MARKERS = markers;
    t = await startTestServer({ executor: { cpus: 2, memoryMiB: 4096, gpus: 0 } });
    env = { TSEMATIC_URL: t.server.url, TSEMATIC_TOKEN: t.server.token };
    const dir = mkdtempSync(join(tmpdir(), "tsematic-cli-rerun-"));
    dirs.push(dir);
    writeFileSync(join(dir, "package.json"), '{"name":"p","version":"1.0.0"}');
    writeFileSync(join(dir, "package-lock.json"), '{"name":"p","lockfileVersion":3}');
    symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
    writeFileSync(join(dir, "squares.ts"), SCRIPT);
    const r = await tsematic(["submit", join(dir, "squares.ts"), "--wait", "--json"], env);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    rootId = (JSON.parse(r.stdout) as { rootId: string }).rootId;
  });
  after(async () => {
    await t.close();
    delete process.env.TSEMATIC_TEST_MARKERS;
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const count = (prefix: string): number =>
    readdirSync(markers).filter((f) => f.startsWith(`${prefix}-`)).length;
  const counts = (): Record<string, number> =>
    Object.fromEntries(
      ["squares", "square-1", "square-2", "square-3", "total"].map((s) => [s, count(s)]),
    );
  const diff = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(Object.keys(b).map((k) => [k, b[k]! - a[k]!]));
  const run = async (id: string) => (await t.api.get<RunDetail>(`/runs/${id}`)).body;
  const output = async (id: string): Promise<string> => {
    const detail = await run(id);
    const value = await t.api.request(
      "GET",
      `/api/v1/artifacts/${detail.outputs[0]!.artifact.id}/value`,
    );
    return value.text;
  };

  it("reruns a submitted program's root from scratch, waits, and the new root names the original", async () => {
    const before = counts();
    const r = await tsematic(["rerun", rootId, "--wait"], env);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const newRoot = new RegExp(`^Rerunning root run ${rootId} as root run ([0-9a-f]{32})\n`).exec(
      r.stdout,
    )?.[1];
    assert.ok(newRoot, r.stdout);
    assert.match(r.stdout, new RegExp(`  watch     tsematic show ${newRoot}\n`));
    assert.match(r.stdout, new RegExp(`\nRoot run ${newRoot} resolved in `));
    assert.deepEqual((await run(newRoot)).root?.rerunOf, { runId: rootId, from: null });
    const show = await tsematic(["show", newRoot], env);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, new RegExp(`\n  rerun of    ${rootId}\n`));
    assert.equal(await output(newRoot), "14");
    assert.deepEqual(diff(before, counts()), {
      squares: 1,
      "square-1": 1,
      "square-2": 1,
      "square-3": 1,
      total: 1,
    });
  });

  it("--from a step executes that step and its dependents, and reuses the others", async () => {
    const children = await Promise.all((await run(rootId)).childIds.map(run));
    const squareOf = (x: number) =>
      children.find(
        (c) => c.run.stepName === "square" && c.inputs[0]?.artifact.summary.preview === String(x),
      )!;
    const square2 = squareOf(2);
    const before = counts();
    const r = await tsematic(["rerun", rootId, "--from", square2.run.id, "--wait", "--json"], env);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const answer = JSON.parse(r.stdout) as { rootId: string; from: string };
    assert.equal(answer.from, square2.run.id);
    assert.equal(await output(answer.rootId), "14");
    // total consumed square(2)'s output (a recorded flow); square(1) and square(3) did not.
    assert.deepEqual(diff(before, counts()), {
      squares: 1,
      "square-1": 0,
      "square-2": 1,
      "square-3": 0,
      total: 1,
    });
    const again = await Promise.all((await run(answer.rootId)).childIds.map(run));
    const reused = again
      .filter((c) => c.run.originalRunId !== null)
      .map((c) => c.run.originalRunId);
    assert.deepEqual(reused.sort(), [squareOf(1).run.id, squareOf(3).run.id].sort());
  });

  it("--input replaces an argument: a JSON value, or a JSON file", async () => {
    const r = await tsematic(["rerun", rootId, "--input", "n=4", "--wait", "--json"], env);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.equal(await output((JSON.parse(r.stdout) as { rootId: string }).rootId), "30");
    const file = join(markers, "..", `n-${process.pid}.json`);
    writeFileSync(file, "2");
    dirs.push(file);
    const f = await tsematic(["rerun", rootId, "--input", `n=@${file}`, "--wait", "--json"], env);
    assert.equal(f.code, 0, `${f.stdout}\n${f.stderr}`);
    assert.equal(await output((JSON.parse(f.stdout) as { rootId: string }).rootId), "5");
  });

  it("says what was wrong: an input of another shape, a bad option, an unknown run", async () => {
    const before = counts();
    const wrong = await tsematic(["rerun", rootId, "--input", "n=four"], env);
    assert.equal(wrong.code, 1);
    assert.equal(
      wrong.stderr,
      `tsematic: cannot rerun ${rootId}: inputs.n: expected number, got string\n`,
    );
    const usage = await tsematic(["rerun", rootId, "--input", "n"], env);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--input "n": write name=value \(a JSON value, e\.g\. lr=0\.1\)/);
    const none = await tsematic(["rerun"], env);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /give the root run to rerun: tsematic rerun <runId>/);
    const unknown = await tsematic(["rerun", "0".repeat(32)], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /cannot rerun 0{32}: no run 0{32} on this server/);
    assert.deepEqual(counts(), before, "nothing ran");
  });

  it("--node-url: the server's own URL is accepted, another is refused naming the allowed ones, and nothing runs", async () => {
    const before = counts();
    const elsewhere = await tsematic(
      ["rerun", rootId, "--node-url", "http://laptop.example:8765"],
      env,
    );
    assert.equal(elsewhere.code, 1);
    assert.match(
      elsewhere.stderr,
      /cannot rerun [0-9a-f]+: nodeUrl "http:\/\/laptop\.example:8765" is not a URL/,
    );
    assert.ok(elsewhere.stderr.includes(`(allowed: ${t.server.url})`), elsewhere.stderr);
    assert.deepEqual(counts(), before, "nothing ran");
    const own = await tsematic(["rerun", rootId, "--node-url", `${t.server.url}/`, "--wait"], env);
    assert.equal(own.code, 0, own.stderr);
    assert.match(own.stdout, /resolved/);
  });

  it("parses --input values as JSON, else as a string", () => {
    assert.deepEqual(parseInputs(["a=1", 'b={"x":[1]}', "c=hello", "d="]), {
      a: { value: 1 },
      b: { value: { x: [1] } },
      c: { value: "hello" },
      d: { value: "" },
    });
  });
});
