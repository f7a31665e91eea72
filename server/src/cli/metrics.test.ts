/**
 * `tsematic metrics` and what `tsematic show` prints of metrics and notes, against a real server
 * process (its notes pane written over the real live endpoint).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { rmSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { CLI, type ServerProcess, spawnServer, tempDir } from "../testing/harness";
import { LiveClient } from "../testing/live-client";
import { pipelineRunEvents } from "../testing/pipeline-runs";

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

describe("tsematic metrics and show print metrics and notes", () => {
  const dataDir = tempDir();
  let server: ServerProcess;
  const train = pipelineRunEvents({ stepName: "train", runs: 3, metricsPerRun: 12 });

  const tsematic = (args: string[]): Promise<Result> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [CLI, ...args],
        { env: { PATH: process.env.PATH ?? "", TSEMATIC_HOME: dataDir } },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });

  before(async () => {
    server = await spawnServer(dataDir);
    await server.api.postEvents(train.events);
  });
  after(async () => {
    server.child.kill("SIGTERM");
    await server.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("prints a pipeline's metrics as a table: one row per run and series", async () => {
    const r = await tsematic(["metrics", "train"]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split("\n");
    assert.match(
      lines[0]!,
      /^ROOT\s+STARTED\s+STATE\s+METRIC\s+LABELS\s+POINTS\s+LAST\s+MIN\s+MAX$/,
    );
    assert.equal(lines.length, 1 + 3 * 10, "10 series in each of 3 runs");
    const newest = train.rootIds[2]!.slice(0, 12);
    assert.ok(lines[1]!.startsWith(newest), "newest run first");
    // loss at steps 0 and 1 of the newest run (i = 2): trend 1 / (1 + 2/50), then half of it.
    const loss = lines.find((l) => l.startsWith(newest) && /\sloss\s/.test(l))!;
    assert.match(loss, /resolved\s+loss\s+lr=0\.001\s+2\s+0\.480769\s+0\.480769\s+0\.961538$/);
  });

  it("filters by --name and prints every point with --json", async () => {
    const r = await tsematic(["metrics", "train", "--name", "val_loss", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const body = JSON.parse(r.stdout) as {
      pipeline: string;
      metrics: Array<{ name: string; step: number; rootId: string }>;
    };
    assert.equal(body.pipeline, "train");
    assert.equal(body.metrics.length, 3 * 2);
    assert.ok(body.metrics.every((m) => m.name === "val_loss"));
    const none = await tsematic(["metrics", "nothing"]);
    assert.equal(none.code, 0);
    assert.match(
      none.stdout,
      /No metrics in runs of pipeline "nothing": steps log them with logMetric/,
    );
    const usage = await tsematic(["metrics"]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /give the pipeline/);
  });

  it("shows a root's metrics and the text of its notes pane", async () => {
    const rootId = train.rootIds[0]!;
    const url = `${server.url.replace(/^http/, "ws")}/api/v1/live/notes/${rootId}?token=${server.token}&author=ada`;
    const client = new LiveClient(url);
    await client.synced;
    client.doc.getText("notes").insert(0, "baseline run\nkeep it");
    // The pane is read from the server: wait until it has the text.
    for (let i = 0; ; i++) {
      const pane = await server.api.get<{ text: string }>(`/runs/${rootId}/notes-pane`);
      if (pane.body.text === "baseline run\nkeep it") break;
      assert.ok(i < 100, "the server got the note");
      await new Promise((r) => setTimeout(r, 50));
    }
    await client.close();
    const r = await tsematic(["show", rootId]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Metrics \(12 points\)/);
    assert.match(r.stdout, new RegExp(`  ${rootId.slice(0, 12)}\\s+accuracy\\s+lr=0\\.1\\s+1\\s`));
    assert.match(
      r.stdout,
      /Notes \(edited \d{4}-\d\d-\d\d \d\d:\d\d:\d\d by ada\)\n {2}baseline run\n {2}keep it/,
    );
    const json = JSON.parse((await tsematic(["show", rootId, "--json"])).stdout) as {
      metrics: unknown[];
      notesPane: { text: string; author: string };
    };
    assert.equal(json.metrics.length, 12);
    assert.deepEqual(
      [json.notesPane.text, json.notesPane.author],
      ["baseline run\nkeep it", "ada"],
    );
  });
});
