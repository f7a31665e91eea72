/**
 * Cloud runs end to end: the real lineage server (`tsematic server`), its real local executor, and
 * this library's real worker, driven by real Node processes running small scripts in a temporary
 * project (its node_modules is the repository's, as a project that installed tsematic would have).
 * Steps count and coordinate through marker files under TSEMATIC_TEST_MARKERS, which the server
 * passes on to its workers.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { alive } from "../test-support/node-child";
import { eventually, ServerProcess } from "../test-support/server-process";

const REPO = join(__dirname, "..", "..", "..");

let server: ServerProcess;
const markers = mkdtempSync(join(tmpdir(), "tsematic-markers-"));
const dirs: string[] = [markers];
const children: ChildProcess[] = [];

before(async () => {
  // Counters generous enough that admission never waits here (admission has its own tests).
  server = await ServerProcess.start({
    args: ["--cpus", "16", "--memory-mib", "16384", "--kill-grace-ms", "1000"],
    env: { TSEMATIC_TEST_MARKERS: markers },
  });
});

after(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  await server?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** What every test script starts with: the library and marker-file helpers under `<markers>/<name>`. */
function header(name: string): string {
  return `
const { func, runContext } = require("tsematic");
const fs = require("node:fs");
const path = require("node:path");
const M = path.join(process.env.TSEMATIC_TEST_MARKERS, ${JSON.stringify(name)});
const mark = (file, text = String(process.pid)) => fs.writeFileSync(path.join(M, file), text);
const has = (file) => fs.existsSync(path.join(M, file));
const waitFor = async (file) => { while (!has(file)) await new Promise((r) => setTimeout(r, 50)); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
`;
}

/** A project folder holding `main.js` (after {@link header}), with the repository's node_modules. */
function project(name: string, body: string): { dir: string; main: string; markers: string } {
  const dir = mkdtempSync(join(tmpdir(), `tsematic-cloud-${name}-`));
  dirs.push(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "p", version: "1.0.0" }));
  writeFileSync(
    join(dir, "package-lock.json"),
    JSON.stringify({
      name: "p",
      lockfileVersion: 3,
      requires: true,
      packages: { "": { name: "p" } },
    }),
  );
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"), "dir");
  const main = join(dir, "main.js");
  writeFileSync(main, header(name) + body);
  const m = join(markers, name);
  mkdirSync(m, { recursive: true });
  return { dir, main, markers: m };
}

interface Driver {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
  output: () => string;
}

/** Runs `node main.js` as a driver (a kernel or a script) pointed at the test server. */
function drive(main: string, args: string[] = []): Driver {
  const child = spawn(process.execPath, [main, ...args], {
    env: { ...process.env, ...server.clientEnv(), TSEMATIC_TEST_MARKERS: markers },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>(
    (resolve) => child.once("close", (code, signal) => resolve({ code, signal, output })),
  );
  return { child, done, output: () => output };
}

/** The last line of a driver's output that parses as JSON. */
function lastJson<T>(output: string): T {
  const lines = output.trim().split("\n").reverse();
  for (const line of lines) {
    try {
      return JSON.parse(line) as T;
    } catch {
      // not the result line
    }
  }
  throw new Error(`no JSON line in the output:\n${output}`);
}

interface RunDetail {
  run: {
    id: string;
    state: string;
    stepName: string;
    error?: { failure?: { kind: string; memory?: { askedMiB: number; usedMiB: number } } };
  };
  inputs: Array<{
    name: string;
    artifact: { id: string };
    producers: Array<{ runId: string; kind: string }>;
  }>;
  outputs: Array<{ name: string; artifact: { id: string } }>;
  childIds: string[];
}

const runOf = (id: string): Promise<RunDetail> => server.api<RunDetail>(`/runs/${id}`);

/** Every run under `rootId`, depth first. */
async function runsUnder(rootId: string): Promise<RunDetail[]> {
  const out: RunDetail[] = [];
  const visit = async (id: string): Promise<void> => {
    const detail = await runOf(id);
    out.push(detail);
    for (const child of detail.childIds) await visit(child);
  };
  await visit(rootId);
  return out;
}

function files(dir: string, prefix: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith(prefix));
}

describe("cloud runs on the local executor", () => {
  it("runs each step that declares resources in its own process, inline steps inline, with the outputs and lineage of a local run", async () => {
    const { main } = project(
      "pipeline",
      `
const prepare = func(function prepare(n) { return { n: n + 1, pid: process.pid }; });
const train = func({ resources: { cpus: 1, memoryMiB: 256 } }, function train(p, lr) {
  console.log("training on", p.n);
  return { model: p.n * lr, pid: process.pid };
});
const evaluate = func({ remote: true }, function evaluate(m) { return { score: m.model + 1, pid: process.pid }; });
const pipeline = func(async function pipeline(n) {
  const p = prepare(n);
  const [a, b] = await Promise.all([train(p, 10), train(p, 100)]);
  const e = await evaluate(a);
  return { prepare: await p, a, b, e, driver: process.pid };
});
const executor = process.argv[2] === "local-run" ? undefined : "local";
pipeline(1).run(executor ? { executor } : {}).then(
  (r) => console.log(JSON.stringify({ value: r.value, rootId: r.rootId, me: process.pid })),
  (e) => { console.error(e); process.exit(1); },
);
`,
    );
    const remote = drive(main);
    const { code, output } = await remote.done;
    assert.equal(code, 0, output);
    type P = { pid: number };
    const result = lastJson<{
      value: {
        prepare: P & { n: number };
        a: P & { model: number };
        b: P & { model: number };
        e: P & { score: number };
        driver: number;
      };
      rootId: string;
      me: number;
    }>(output);
    const v = result.value;
    assert.deepEqual([v.prepare.n, v.a.model, v.b.model, v.e.score], [2, 20, 200, 21]);
    assert.equal(v.prepare.pid, result.me, "the inline step ran in the driver");
    const pids = [v.a.pid, v.b.pid, v.e.pid];
    assert.equal(new Set(pids).size, 3, "each dispatched step had its own process");
    for (const pid of pids) assert.notEqual(pid, result.me);

    const runs = await runsUnder(result.rootId);
    assert.deepEqual(runs.map((r) => [r.run.stepName, r.run.state]).sort(), [
      ["evaluate", "resolved"],
      ["pipeline", "resolved"],
      ["prepare", "resolved"],
      ["train", "resolved"],
      ["train", "resolved"],
    ]);
    const root = runs[0]!;
    assert.equal((root.run as { mode?: string }).mode ?? "cloud", "cloud");
    // Lineage as recorded where the data flowed: evaluate's input is the output of the train run
    // that made it (a future flow), the trains' inputs are prepare's output.
    const trains = runs.filter((r) => r.run.stepName === "train");
    const prepare = runs.find((r) => r.run.stepName === "prepare")!;
    for (const t of trains) {
      assert.equal(
        t.inputs.find((i) => i.name === "p")?.artifact.id,
        prepare.outputs[0]?.artifact.id,
      );
      assert.equal(t.outputs.length, 1);
    }
    const evaluate = runs.find((r) => r.run.stepName === "evaluate")!;
    const from = evaluate.inputs[0]!.producers;
    assert.equal(from.length, 1, JSON.stringify(from));
    assert.equal(from[0]!.kind, "reference", "evaluate got the very object a train returned");
    const producer = trains.find((t) => t.run.id === from[0]!.runId);
    assert.ok(producer, "evaluate's input came from a train run");
    assert.equal(producer.outputs[0]!.artifact.id, evaluate.inputs[0]!.artifact.id);
    // The dispatched run's log was recorded by its worker.
    const logs = await server.api<{ lines: Array<{ text: string }> }>(
      `/runs/${trains[0]!.run.id}/logs`,
    );
    assert.match(logs.lines.map((l) => l.text).join(""), /training on 2/);

    // The same script without an executor: the same values, every step in one process.
    const local = await drive(main, ["local-run"]).done;
    assert.equal(local.code, 0, local.output);
    const localValue = lastJson<{ value: typeof v; me: number }>(local.output);
    const strip = (x: typeof v) => [x.prepare.n, x.a.model, x.b.model, x.e.score];
    assert.deepEqual(strip(localValue.value), strip(v));
    assert.equal(localValue.value.a.pid, localValue.me);
  });
});
