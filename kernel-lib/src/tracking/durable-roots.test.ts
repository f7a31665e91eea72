/**
 * Durable kernel roots (issue 12 item 8, `tracking/root-journal.ts`) with real processes: a script
 * resolving a pipeline (as a kernel's cell does) is killed with SIGKILL mid-run, and a second
 * process resolves the same call. Steps count their executions with marker files.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { CloudProjects, lastJson } from "../test-support/cloud-project";
import { eventually, ServerProcess } from "../test-support/server-process";

const markers = mkdtempSync(join(tmpdir(), "tsematic-roots-"));
const projects = new CloudProjects();
const servers: ServerProcess[] = [];

after(async () => {
  projects.cleanup();
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(markers, { recursive: true, force: true });
});

/**
 * A project whose `main.js` resolves `pipeline(1)`: `first` (inline) resolves at once, `second`
 * (dispatched when `remote`) waits for the marker file `go`. Every body marks its execution.
 */
function project(name: string, remote: boolean): { main: string; m: string } {
  const m = join(markers, name);
  mkdirSync(m, { recursive: true });
  const { main } = projects.project(
    `roots-${name}`,
    `
const { func } = require("tsematic");
const fs = require("node:fs");
const path = require("node:path");
const M = ${JSON.stringify(m)};
const mark = (file) => fs.writeFileSync(path.join(M, file + "-" + process.pid + "-" + Date.now()), "");
const waitFor = async (file) => { while (!fs.existsSync(path.join(M, file))) await new Promise((r) => setTimeout(r, 50)); };
const first = func(function first(x) { mark("first"); return x + 1; });
const second = func(${remote ? "{ resources: { cpus: 1 } }, " : ""}async function second(x) {
  mark("second");
  await waitFor("go");
  return x * 10;
});
const pipeline = func(async function pipeline(x) {
  mark("pipeline");
  const a = await first(x);
  return await second(a);
});
pipeline(1).run(${remote ? '{ executor: "local" }' : "{}"}).then(
  (r) => console.log(JSON.stringify({
    value: r.value,
    rootId: r.rootId,
    graph: Object.fromEntries([...r.graph.runs.values()].map((x) => [x.stepName, x.state])),
  })),
  (e) => { console.error(e); process.exit(1); },
);
`,
  );
  return { main, m };
}

const drive = (server: ServerProcess, main: string) => projects.drive(server, main);

const count = (m: string, prefix: string): number =>
  readdirSync(m).filter((f) => f.startsWith(`${prefix}-`)).length;

interface RunDetail {
  run: {
    id: string;
    state: string;
    stepName: string;
    originalRunId?: string | null;
    error?: { name: string } | null;
  };
  childIds: string[];
}

async function runsUnder(server: ServerProcess, rootId: string): Promise<RunDetail[]> {
  const out: RunDetail[] = [];
  const visit = async (id: string): Promise<void> => {
    const detail = await server.api<RunDetail>(`/runs/${id}`);
    out.push(detail);
    for (const child of detail.childIds) await visit(child);
  };
  await visit(rootId);
  return out;
}

const roots = async (server: ServerProcess) =>
  (
    await server.api<{ runs: Array<{ id: string; state: string }> }>(
      "/runs?root=true&name=pipeline",
    )
  ).runs;

/** Starts the first kernel and kills it with SIGKILL once `first` resolved and `second` started. */
async function killMidRun(server: ServerProcess, main: string, m: string): Promise<string> {
  const kernel = drive(server, main);
  await eventually("second to start", async () => (count(m, "second") > 0 ? true : undefined));
  const rootId = await eventually("first resolved on the server", async () => {
    const [root] = await roots(server);
    if (!root) return undefined;
    const runs = await runsUnder(server, root.id);
    return runs.some((r) => r.run.stepName === "first" && r.run.state === "resolved")
      ? root.id
      : undefined;
  });
  kernel.child.kill("SIGKILL");
  await kernel.done;
  return rootId;
}

describe("a kernel killed mid-run, and the same call resolved again", () => {
  it("adopts the open root: finished children are not executed again, an open dispatched job is re-attached, one root in the list", async () => {
    const server = await ServerProcess.start({ args: ["--cpus", "4", "--memory-mib", "4096"] });
    servers.push(server);
    const { main, m } = project("adopt", true);
    const rootId = await killMidRun(server, main, m);
    // The dispatched step's worker lives on (it holds its own lease) while no kernel watches it.
    const kernel = drive(server, main);
    await eventually("the second kernel to start the root again", async () =>
      count(m, "pipeline") === 2 ? true : undefined,
    );
    writeFileSync(join(m, "go"), "");
    const { code, output } = await kernel.done;
    assert.equal(code, 0, output);
    const result = lastJson<{ value: number; rootId: string; graph: Record<string, string> }>(
      output,
    );
    assert.equal(result.value, 20);
    assert.equal(result.rootId, rootId, "the second kernel adopted the interrupted root");
    // The kernel's own graph (and run view) shows what the job and the first kernel recorded.
    assert.deepEqual(result.graph, { pipeline: "resolved", first: "resolved", second: "resolved" });
    assert.equal(count(m, "first"), 1, "first ran once: its output was reused");
    assert.equal(count(m, "second"), 1, "second's job was re-attached, not dispatched again");
    const runs = await runsUnder(server, rootId);
    assert.deepEqual(runs.map((r) => `${r.run.stepName}:${r.run.state}`).sort(), [
      "first:resolved",
      "pipeline:resolved",
      "second:resolved",
    ]);
    assert.deepEqual(
      (await roots(server)).map((r) => r.state),
      ["resolved"],
      "one root run in the list",
    );

    // A normal second run of the finished cell is a new root: nothing is adopted.
    const again = drive(server, main);
    const rerun = await again.done;
    assert.equal(rerun.code, 0, rerun.output);
    assert.notEqual(lastJson<{ rootId: string }>(rerun.output).rootId, rootId);
    assert.equal(count(m, "first"), 2);
    assert.equal((await roots(server)).length, 2);
  });

  it("resumes from a root the server already abandoned: a new root reuses the finished children, naming the runs that made them", async () => {
    const server = await ServerProcess.start({ heartbeatTimeoutS: 2 });
    servers.push(server);
    const { main, m } = project("resume", false);
    const oldRootId = await killMidRun(server, main, m);
    await eventually("the server to abandon the root", async () => {
      const runs = await runsUnder(server, oldRootId);
      return runs[0]!.run.error?.name === "ClientLostError" ? true : undefined;
    });
    writeFileSync(join(m, "go"), "");
    const { code, output } = await drive(server, main).done;
    assert.equal(code, 0, output);
    const result = lastJson<{ value: number; rootId: string }>(output);
    assert.equal(result.value, 20);
    assert.notEqual(result.rootId, oldRootId);
    assert.equal(count(m, "first"), 1, "first ran once: its output was reused");
    assert.equal(count(m, "second"), 2, "second had not finished: it ran again");
    const oldFirst = (await runsUnder(server, oldRootId)).find((r) => r.run.stepName === "first")!;
    const runs = await runsUnder(server, result.rootId);
    const first = runs.find((r) => r.run.stepName === "first")!;
    assert.equal(first.run.state, "resolved");
    assert.equal(first.run.originalRunId, oldFirst.run.id);
    assert.deepEqual(runs.map((r) => `${r.run.stepName}:${r.run.state}`).sort(), [
      "first:resolved",
      "pipeline:resolved",
      "second:resolved",
    ]);
  });
});
