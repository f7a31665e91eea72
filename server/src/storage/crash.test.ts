// Kills and restarts a server mid-run (seconds): not for the inner loop; `npm test` runs it.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import type { RunEvent } from "../model/events";
import { wideFixture } from "../testing/fixture";
import { spawnServer, tempDir } from "../testing/harness";
import { DATABASE_FILE } from "../server";

const BATCH = 50;

describe("kill -9 of the server during a 1,000-step run", () => {
  const dataDir = tempDir();
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it("loses no acknowledged event and duplicates nothing after a restart and the client's retries", async () => {
    const fx = wideFixture(1000, "crash");
    const batches: RunEvent[][] = [];
    for (let i = 0; i < fx.events.length; i += BATCH) batches.push(fx.events.slice(i, i + BATCH));
    // Uploads (each fsynced twice) around the kill only: they test atomic files, not throughput.
    const killAfter = Math.floor(batches.length / 3);
    const byId = new Map(fx.artifacts.map((a) => [a.id, a]));
    const artifactsByBatch = batches.map((b, i) =>
      Math.abs(i - killAfter) > 3
        ? []
        : b.flatMap((e) => (e.type === "artifact" ? [byId.get(e.artifact.id)!] : [])),
    );
    const uploaded = artifactsByBatch.flat().length;

    const server = await spawnServer(dataDir);
    const acknowledged: string[] = [];
    let next = 0;
    // The kill lands while batches and uploads are in flight, after about a third of the run.
    let killed = false;
    while (next < batches.length) {
      if (next === killAfter && !killed) {
        killed = true;
        const inFlight = Promise.allSettled([
          server.api.uploadArtifacts(artifactsByBatch[next]!),
          server.api.postEvents(batches[next]!),
        ]);
        await new Promise((r) => setTimeout(r, 1));
        server.child.kill("SIGKILL");
        await inFlight;
        break;
      }
      await server.api.uploadArtifacts(artifactsByBatch[next]!);
      const res = await server.api.postEvents(batches[next]!);
      assert.equal(res.status, 200);
      acknowledged.push(...batches[next]!.map((e) => e.id));
      next++;
    }
    assert.equal(await server.exited, "SIGKILL");

    const restarted = await spawnServer(dataDir);
    try {
      const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
      const applied = (
        db.prepare("SELECT applied FROM event_sequences WHERE root_id = ?").get(fx.rootId) as {
          applied: number;
        }
      ).applied;
      const ahead = new Set(
        (db.prepare("SELECT id FROM processed_events").all() as { id: string }[]).map((r) => r.id),
      );
      const lost = acknowledged.filter(
        (id) => Number(id.split(":")[1]) > applied && !ahead.has(id),
      );
      assert.deepEqual(lost, [], "every acknowledged event survived the kill");

      // The client retries everything not acknowledged, starting with the batch that was in flight.
      for (let i = next; i < batches.length; i++) {
        await restarted.api.uploadArtifacts(artifactsByBatch[i]!);
        const res = await restarted.api.postEvents(batches[i]!);
        assert.equal(res.status, 200, res.text);
      }
      const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
      assert.equal(
        count(`SELECT applied AS n FROM event_sequences WHERE root_id = '${fx.rootId}'`),
        fx.events.length,
      );
      assert.equal(count("SELECT count(*) AS n FROM processed_events"), 0);
      assert.equal(count("SELECT count(*) AS n FROM runs"), 1001);
      assert.equal(count("SELECT count(*) AS n FROM logs"), 1000);
      assert.equal(count("SELECT count(*) AS n FROM edges"), 2000);
      assert.equal(count("SELECT count(*) AS n FROM runs WHERE state = 'resolved'"), 1001);
      assert.equal(count("SELECT count(*) AS n FROM roots WHERE status = 'finished'"), 1);
      db.close();

      // Artifact files are whole or absent: each one hashes to its name.
      const dir = join(dataDir, "artifacts");
      const typeOf = new Map(fx.artifacts.map((a) => [a.id, a.typeName]));
      let files = 0;
      assert.ok(uploaded > 0);
      for (const shard of readdirSync(dir).filter((d) => d !== "tmp")) {
        for (const rest of readdirSync(join(dir, shard))) {
          const id = shard + rest;
          const hash = createHash("sha256").update(typeOf.get(id)!).update("\0");
          assert.equal(hash.update(readFileSync(join(dir, shard, rest))).digest("hex"), id);
          files++;
        }
      }
      assert.equal(files, uploaded);
      assert.deepEqual(readdirSync(join(dir, "tmp")), []);
    } finally {
      restarted.child.kill("SIGTERM");
      assert.equal(await restarted.exited, 0);
    }
  });
});
