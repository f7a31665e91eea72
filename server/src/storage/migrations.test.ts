import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import { pipelineFixture } from "../testing/fixture";
import { startTestServer, tempDir } from "../testing/harness";
import { DATABASE_FILE } from "../server";
import { migrate, MIGRATIONS } from "./migrations";

describe("schema migrations", () => {
  const dir = tempDir();
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("brings a version 3 store (text keys, processed event ids) to the current schema with its data", async () => {
    const file = join(dir, DATABASE_FILE);
    const old = new Database(file);
    old.pragma("journal_mode = WAL");
    for (const m of MIGRATIONS.slice(0, 3)) {
      old.exec(m.sql);
      old.pragma(`user_version = ${m.version}`);
    }
    const root = "ab".repeat(16);
    const step = "cd".repeat(16);
    const artifact = "ef".repeat(32);
    old.exec(`
      INSERT INTO roots (root_id, mode, status, created_at, last_heartbeat) VALUES ('${root}', 'local', 'finished', 1, 1);
      INSERT INTO runs (id, root_id, parent_id, step_name, source_hash, source_text, parameters_json, cache,
        state, created_at, resources_json, tags_json)
      VALUES ('${root}', '${root}', NULL, 'pipeline', 'h', 's', '[]', 0, 'resolved', 1, '{}', '["old"]'),
             ('${step}', '${root}', '${root}', 'load', 'h', 's', '[]', 0, 'resolved', 2, '{}', '[]');
      INSERT INTO run_tags (tag, run_id) VALUES ('old', '${root}');
      INSERT INTO artifacts (id, type_name, media_type, size, summary_json, created_at)
        VALUES ('${artifact}', 'json', 'application/json', 1, '{}', 1);
      INSERT INTO edges (run_id, direction, name, artifact_id) VALUES ('${step}', 'output', 'output', '${artifact}');
      INSERT INTO logs (run_id, stream, text, at) VALUES ('${step}', 'stdout', 'hello', 3);
      INSERT INTO processed_events (id) VALUES ('${root}:1'), ('${root}:2');
    `);
    old.close();

    const t = await startTestServer({ dataDir: dir });
    try {
      const db = t.server.context.db;
      assert.equal(
        db.pragma("user_version", { simple: true }),
        MIGRATIONS[MIGRATIONS.length - 1]!.version,
      );
      const graph = await t.api.get<{
        runs: unknown[];
        edges: { runId: string; artifactId: string }[];
      }>(`/runs/${root}/graph`);
      assert.equal(graph.body.runs.length, 2);
      assert.deepEqual(
        graph.body.edges.map((e) => [e.runId, e.artifactId]),
        [[step, artifact]],
      );
      const logs = await t.api.get<{ lines: { text: string }[] }>(`/runs/${step}/logs`);
      assert.deepEqual(
        logs.body.lines.map((l) => l.text),
        ["hello"],
      );
      assert.equal((await t.api.get<{ runs: unknown[] }>("/runs?tag=old")).body.runs.length, 1);
      // Events recorded by id before watermarks existed still count as seen.
      const res = await t.api.postEvents([
        {
          type: "log",
          id: `${root}:2`,
          rootId: root,
          at: 4,
          runId: step,
          stream: "stdout",
          text: "again",
        },
      ]);
      assert.deepEqual(res.body, { received: 1, ingested: 0, duplicates: 1 });
      assert.equal(db.pragma("foreign_keys", { simple: true }), 1);
    } finally {
      await t.close();
    }
  });

  it("brings a version 5 store (before recorded flows) to the current schema: old inputs have no producer, never a guess", async () => {
    const dir5 = tempDir();
    try {
      const old = new Database(join(dir5, DATABASE_FILE));
      old.pragma("journal_mode = WAL");
      // As migrate() does: migration 4 rebuilds tables.
      old.pragma("foreign_keys = OFF");
      for (const m of MIGRATIONS.filter((m) => m.version <= 5)) {
        old.exec(m.sql);
        old.pragma(`user_version = ${m.version}`);
      }
      const root = "12".repeat(16);
      const load = "34".repeat(16);
      const train = "56".repeat(16);
      const table = "78".repeat(32);
      old.exec(`
        INSERT INTO roots (root_id, mode, status, created_at, last_heartbeat) VALUES ('${root}', 'local', 'finished', 1, 1);
        INSERT INTO event_sequences (root_id, applied) VALUES ('${root}', 9);
        INSERT INTO runs (id, root_id, parent_id, step_name, source_hash, source_text, parameters_json, cache,
          state, created_at, resources_json, tags_json)
        VALUES ('${root}', '${root}', NULL, 'pipeline', 'h', 's', '[]', 0, 'resolved', 1, '{}', '[]'),
               ('${load}', '${root}', '${root}', 'load', 'h', 's', '[]', 0, 'resolved', 2, '{}', '[]'),
               ('${train}', '${root}', '${root}', 'train', 'h', 's', '["data"]', 0, 'resolved', 3, '{}', '[]');
        INSERT INTO artifacts (id, type_name, media_type, size, summary_json, created_at)
          VALUES ('${table}', 'json', 'application/json', 1, '{}', 1);
        INSERT INTO edges (run, direction, name, artifact) VALUES
          ((SELECT seq FROM runs WHERE id = '${load}'), 'output', 'output', 1),
          ((SELECT seq FROM runs WHERE id = '${train}'), 'input', 'data', 1);
      `);
      old.close();

      const t = await startTestServer({ dataDir: dir5 });
      try {
        const run = await t.api.get<{
          inputs: { name: string; producers: unknown[] }[];
          outputs: unknown[];
          childIds: string[];
          flowsRecorded: boolean;
        }>(`/runs/${train}`);
        assert.equal(run.status, 200);
        // Stored before flows were recorded: the producer is unknown, not absent.
        assert.equal(run.body.flowsRecorded, false);
        // The same artifact is load's output, but no flow was recorded: no producer is invented.
        assert.deepEqual(
          run.body.inputs.map((p) => [p.name, p.producers]),
          [["data", []]],
        );
        const graph = await t.api.get<{
          runs: unknown[];
          flows: unknown[];
          flowsRecorded: boolean;
        }>(`/runs/${root}/graph`);
        assert.equal(graph.body.runs.length, 3);
        assert.deepEqual(graph.body.flows, []);
        assert.equal(graph.body.flowsRecorded, false);
        const up = await t.api.get<{ runs: unknown[] }>(
          `/runs/${train}/lineage?direction=upstream`,
        );
        assert.deepEqual(up.body.runs, []);
        const children = await t.api.get<{ runs: { id: string }[] }>(`/runs/${root}/children`);
        assert.deepEqual(
          children.body.runs.map((r) => r.id),
          [load, train],
        );
        const lineage = await t.api.get<{ producedBy: unknown[]; consumedBy: unknown[] }>(
          `/artifacts/${table}/lineage`,
        );
        assert.equal(lineage.body.producedBy.length + lineage.body.consumedBy.length, 2);
      } finally {
        await t.close();
      }
    } finally {
      rmSync(dir5, { recursive: true, force: true });
    }
  });

  it("refuses a store from a newer server", () => {
    const db = new Database(":memory:");
    db.pragma("user_version = 999");
    assert.throws(() => migrate(db), /newer than this server knows/);
  });

  it("creates the current schema in an empty store, used by a real pipeline", async () => {
    const t = await startTestServer();
    try {
      const fx = pipelineFixture({ seed: "fresh" });
      assert.equal((await t.api.postEvents(fx.events)).status, 200);
    } finally {
      await t.close();
    }
  });
});
