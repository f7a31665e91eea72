/**
 * Failure handling with real processes: the server killed with SIGKILL mid-run and restarted, a client
 * killed with SIGKILL mid-run, and eight clients at once.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { after, test } from "node:test";
import { eventually, ServerProcess } from "../test-support/server-process";

const LIB = JSON.stringify(join(__dirname, "..", "index.js"));

interface RunView {
  id: string;
  rootId: string;
  stepName: string;
  state: string;
  error: { message: string } | null;
}
interface Graph {
  root: { status: string };
  runs: RunView[];
  edges: unknown[];
}

/** Runs a pipeline in a separate Node process pointed at `server`. */
function client(server: ServerProcess, script: string) {
  const child = spawn(process.execPath, ["-e", `const t = require(${LIB});\n${script}`], {
    env: { ...process.env, ...server.clientEnv(), TSEMATIC_GIVE_UP_MS: "60000" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const done = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.once("exit", (code) => resolve({ code, output })),
  );
  return { child, done };
}

const servers: ServerProcess[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

const FAN_OUT_SCRIPT = (steps: number, delayMs: number) => `
  const step = t.func(async function step(i) { await new Promise((r) => setTimeout(r, ${delayMs})); return i * 2; });
  const fan = t.func(async function fan(n) {
    const xs = await Promise.all(Array.from({ length: n }, (_, i) => step(i)));
    return xs.reduce((a, b) => a + b, 0);
  });
  fan(${steps}).resolve({ maxParallelism: 50 }).then((v) => console.log("RESULT", v), (e) => { console.log("FAILED", e.message); process.exit(2); });
`;

test("kill -9 of the server mid-run, then a restart: the run completes, nothing lost, nothing doubled", async () => {
  const server = await ServerProcess.start();
  servers.push(server);
  const steps = 1_000;
  const run = client(server, FAN_OUT_SCRIPT(steps, 2));
  // Kill the server once part of the run is acknowledged.
  await eventually("part of the run on the server", async () => {
    const runs = await server.api<{ runs: RunView[] }>("/runs?name=step&limit=50");
    return runs.runs.length >= 20 ? true : undefined;
  });
  await server.kill9();
  await new Promise((r) => setTimeout(r, 500));
  await server.restart();
  const { code, output } = await run.done;
  assert.equal(code, 0, output);
  assert.match(output, new RegExp(`RESULT ${steps * (steps - 1)}`));
  const root = (await server.api<{ runs: RunView[] }>("/runs?root=true&name=fan")).runs[0]!;
  const graph = await server.api<Graph>(`/runs/${root.id}/graph`);
  assert.equal(graph.runs.length, steps + 1, "every run once: no loss, no duplicates");
  assert.ok(graph.runs.every((r) => r.state === "resolved"));
  // Each step has an input edge and an output edge; the root has one input and one output.
  assert.equal(graph.edges.length, 2 * steps + 2);
});

test("kill -9 of the client: its runs end failed within the heartbeat timeout", async () => {
  const server = await ServerProcess.start({ heartbeatTimeoutS: 2 });
  servers.push(server);
  const run = client(
    server,
    `const wait = t.func(async function wait() { await new Promise((r) => setTimeout(r, 60000)); return 1; });
     const hang = t.func(async function hang() { return Promise.all([wait(), wait()]); });
     hang().resolve().then(() => console.log("unexpected"));`,
  );
  const root = await eventually("the client's runs to be running", async () => {
    const runs = await server.api<{ runs: RunView[] }>("/runs?name=wait&state=running");
    return runs.runs.length === 2 ? runs.runs[0]!.rootId : undefined;
  });
  run.child.kill("SIGKILL");
  await run.done;
  const killedAt = Date.now();
  const graph = await eventually(
    "the runs to be failed",
    async () => {
      const g = await server.api<Graph>(`/runs/${root}/graph`);
      return g.runs.every((r) => r.state === "failed" || r.state === "nested-failed")
        ? g
        : undefined;
    },
    15_000,
  );
  const elapsed = Date.now() - killedAt;
  assert.ok(elapsed < 10_000, `failed after ${elapsed} ms`);
  assert.equal(graph.root.status, "abandoned");
  assert.match(graph.runs[0]!.error!.message, /heartbeat|stopped responding|client/i);
});

test("8 pipelines from 8 processes at once are all recorded completely", async () => {
  const server = await ServerProcess.start();
  servers.push(server);
  const clients = Array.from({ length: 8 }, () => client(server, FAN_OUT_SCRIPT(50, 1)));
  const results = await Promise.all(clients.map((c) => c.done));
  for (const r of results) assert.equal(r.code, 0, r.output);
  const roots = await server.api<{ runs: RunView[] }>("/runs?root=true&name=fan&limit=100");
  assert.equal(roots.runs.length, 8);
  for (const root of roots.runs) {
    const graph = await server.api<Graph>(`/runs/${root.id}/graph`);
    assert.equal(graph.runs.length, 51);
    assert.ok(graph.runs.every((r) => r.state === "resolved"));
    assert.equal(graph.root.status, "finished");
  }
});
