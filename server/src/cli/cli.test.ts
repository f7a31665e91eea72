import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { EventRecorder, fixtureId, pipelineFixture } from "../testing/fixture";
import { CLI, type ServerProcess, spawnServer, tempDir } from "../testing/harness";

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

describe("the tsematic command line against a real server", () => {
  const dataDir = tempDir();
  let server: ServerProcess;
  const fx = pipelineFixture({ seed: "cli" });
  const running = pipelineFixture({ seed: "cli-running", unfinished: true });
  const oom = outOfMemoryRun();

  const tsematic = (args: string[], env: Record<string, string> = {}): Promise<Result> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, ...args],
        { env: { PATH: process.env.PATH ?? "", TSEMATIC_HOME: dataDir, ...env } },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });

  before(async () => {
    // The running pipeline's client never beats: a timeout longer than the suite keeps it alive
    // (at the default 15 s a slow machine saw it abandoned before the cancel test ran).
    server = await spawnServer(dataDir, ["--heartbeat-timeout", "3600"]);
    await server.api.uploadArtifacts(fx.artifacts);
    await server.api.postEvents(fx.events);
    await server.api.postEvents(running.events);
  });
  after(async () => {
    server.child.kill("SIGTERM");
    await server.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("lists pipeline runs as a table, found through <dataDir>/server.json and token", async () => {
    const r = await tsematic(["runs"]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.match(lines[0]!, /^ID\s+NAME\s+STATE\s+CREATED\s+DURATION\s+TAGS$/);
    assert.equal(lines.length, 3);
    assert.ok(lines.some((l) => l.startsWith(fx.rootId) && /pipeline\s+resolved/.test(l)));
    assert.ok(lines.some((l) => l.startsWith(running.rootId) && /running/.test(l)));
  });

  it("shows a failed run's failure class, what happened and what to change", async () => {
    // ErrorInfo.failure is the cloud-runs contract's (openapi.yaml, branch sched).
    const posted = await server.api.postEvents(oom.events);
    assert.equal(posted.status, 200, posted.text);
    const r = await tsematic(["show", oom.rootId]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /Error\n {2}WorkerFailedError: the step train used 912 MiB, past the 700 MiB it asked for\nFailure\n {2}class {7}out-of-memory\n {2}what {8}the step train used 912 MiB, past the 700 MiB it asked for\n {2}what to do {2}raise memoryMiB above 912\n {2}exit code {3}137\n {2}signal {6}SIGKILL\n {2}memory {6}asked 700 MiB, used 912 MiB at peak\n/,
    );
    // It ran inline as far as this server knows (GET /runs/{id}/job answers 404): no job section.
    assert.doesNotMatch(r.stdout, /\nJob\n/);
  });

  it("filters runs and prints JSON for scripts", async () => {
    const all = await tsematic([
      "runs",
      "--all",
      "--pipeline",
      "pipeline",
      "--state",
      "resolved",
      "--json",
    ]);
    assert.equal(all.code, 0, all.stderr);
    const runs = JSON.parse(all.stdout) as { id: string; rootId: string }[];
    assert.equal(runs.filter((r) => r.rootId === fx.rootId).length, 10);
    const tagged = JSON.parse(
      (await tsematic(["runs", "--tag", "demo", "--limit", "1", "--json"])).stdout,
    );
    assert.equal(tagged.length, 1);
    const bad = await tsematic(["runs", "--state", "done"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--state must be one of/);
  });

  it("shows one run with its inputs, outputs and timings", async () => {
    const r = await tsematic(["show", fx.runs.train0!]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Run ${fx.runs.train0} \\(train\\)`));
    assert.match(r.stdout, /state\s+resolved/);
    assert.match(r.stdout, /Inputs\n.*NAME.*\n\s+data\s+arrow\.table/);
    assert.match(r.stdout, /Outputs\n.*\n\s+output\s+json/);
    const root = JSON.parse((await tsematic(["show", fx.rootId, "--json"])).stdout);
    assert.equal(root.root.environment.gitCommit, "1".repeat(40));
    assert.equal(root.childIds.length, 6);
  });

  it("shows where each input came from and who used each output, by step name", async () => {
    const short = (id: string): string => id.slice(0, 8);
    const train = await tsematic(["show", fx.runs.train0!]);
    assert.equal(train.code, 0, train.stderr);
    assert.match(train.stdout, /notebook\s+tutorials\/01-first-pipeline\.ipynb/);
    assert.match(
      train.stdout,
      new RegExp(`\\n\\s+data\\s+arrow\\.table.*\\n\\s+from load ${short(fx.runs.load!)}\\n`),
    );
    assert.match(train.stdout, /\n\s+lr\s+json.*\n\s+from \(no recorded producer\)\n/);
    assert.match(
      train.stdout,
      new RegExp(
        `used by evaluateAll ${short(fx.runs.evaluateAll!)} as models\\[0\\], evaluate ${short(fx.runs.evaluate0!)} as model \\(by reference\\)`,
      ),
    );
    const all = await tsematic(["show", fx.runs.evaluateAll!]);
    assert.match(
      all.stdout,
      new RegExp(
        `used by pipeline ${short(fx.rootId)} \\(awaited it\\), plot ${short(fx.runs.plot!)} as scores \\(via the parent\\)`,
      ),
    );
    assert.match(
      all.stdout,
      /Children \(3\)\n\s+STEP\s+STATE\s+DURATION\s+ID\n\s+evaluate\s+resolved/,
    );
  });

  it("prints a run's logs", async () => {
    const r = await tsematic(["logs", fx.runs.train1!]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "training with lr=0.01\nloss 0.333\n");
  });

  it("prints each log line on its own line, as a step's console.log records it without a newline", async () => {
    // kernel-lib records one console call as one log text, with no trailing newline.
    const texts = ["attempt 1", "attempt 2", "attempt 3"];
    const posted = await server.api.postEvents(
      texts.map((text, i) => ({
        id: `${fx.rootId}:${fx.runs.train2}.1:${1000 + i}`,
        rootId: fx.rootId,
        at: Date.now(),
        type: "log" as const,
        runId: fx.runs.train2!,
        stream: "stdout" as const,
        text,
      })),
    );
    assert.equal(posted.status, 200, posted.text);
    const r = await tsematic(["logs", fx.runs.train2!]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "training with lr=0.001\nloss 0.250\nattempt 1\nattempt 2\nattempt 3\n");
  });

  it("cancels a running pipeline, and says why it cannot cancel a finished one", async () => {
    const r = await tsematic(["cancel", running.rootId]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Cancel requested for root run/);
    const done = await tsematic(["cancel", fx.rootId]);
    assert.equal(done.code, 1);
    assert.match(done.stderr, /has already ended \(finished\)/);
  });

  it("says how to start the server when none is reachable", async () => {
    const r = await tsematic(["runs"], { TSEMATIC_URL: "http://127.0.0.1:1" });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.trim(),
      "tsematic: the lineage server is not reachable at http://127.0.0.1:1: start it with `tsematic server`",
    );
  });

  it("explains a refused token, bad arguments and unknown runs", async () => {
    const token = await tsematic(["runs"], { TSEMATIC_URL: server.url, TSEMATIC_TOKEN: "wrong" });
    assert.equal(token.code, 1);
    assert.match(token.stderr, /refused the token/);
    const id = await tsematic(["show", "../etc"]);
    assert.equal(id.code, 2);
    assert.match(id.stderr, /is not a run id/);
    const unknown = await tsematic(["show", "0".repeat(32)]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no run 0+ on this server/);
    const flag = await tsematic(["runs", "--colour"]);
    assert.equal(flag.code, 2);
  });

  it("refuses to start a second server on the same data directory", async () => {
    const r = await tsematic(["server", "--port", "0", "--data-dir", dataDir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /already serves/);
  });
});

/** A root run that failed because its job ran out of memory, as the scheduler records it. */
function outOfMemoryRun(): { rootId: string; events: EventRecorder["events"] } {
  const rootId = fixtureId("cli-oom", "train");
  const rec = new EventRecorder(rootId, 1_700_000_500_000);
  rec.created({
    id: rootId,
    parentId: null,
    stepName: "train",
    sourceText: "function train() { return new Array(1e9).fill(1); }",
    parameters: [],
    resources: { memoryMiB: 700 },
    mode: "local",
    environment: { nodeVersion: "v20.20.0", platform: "linux" },
  });
  rec.state(rootId, "scheduled");
  rec.state(rootId, "running");
  const message = "the step train used 912 MiB, past the 700 MiB it asked for";
  const at = rec.events[rec.events.length - 1]!;
  rec.events.push({
    id: `${rootId}:${rec.events.length + 1}`,
    rootId,
    at: at.at + 1,
    type: "run-state",
    runId: rootId,
    state: "failed",
    attempt: 1,
    error: {
      name: "WorkerFailedError",
      message,
      stepName: "train",
      path: ["train"],
      runId: rootId,
      failure: {
        kind: "out-of-memory",
        message,
        hint: "raise memoryMiB above 912",
        exitCode: 137,
        signal: "SIGKILL",
        memory: { askedMiB: 700, usedMiB: 912 },
      },
    } as never,
  });
  return { rootId, events: rec.events };
}
