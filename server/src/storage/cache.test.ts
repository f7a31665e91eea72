import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { pipelineFixture } from "../testing/fixture";
import { findCached, findCachedMany } from "./cache";
import { openDatabase, type Db } from "./db";
import { Ingestor } from "./ingest";

describe("cache lookups of many keys at once", () => {
  let dir: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "tsematic-cache-"));
    db = openDatabase(join(dir, "lineage.sqlite"));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("find the same hits as one lookup per key, whichever outputs are stored", () => {
    const ingestor = new Ingestor(db);
    const fixtures = [pipelineFixture({ seed: "first" }), pipelineFixture({ seed: "second" })];
    for (const fx of fixtures) ingestor.ingest(fx.events);
    const keys = [
      ...new Set(
        fixtures.flatMap((fx) =>
          fx.events.flatMap((e) =>
            e.type === "run-state" && e.cacheKey !== undefined ? [e.cacheKey] : [],
          ),
        ),
      ),
      "c".repeat(64), // no run has it
    ];
    assert.ok(keys.length > 5);
    const everyOther = new Set(
      fixtures[0]!.artifacts.filter((_, i) => i % 2 === 0).map((a) => a.id),
    );
    const stores: ((id: string) => boolean)[] = [
      () => true,
      () => false,
      (id) => everyOther.has(id),
    ];
    for (const isStored of stores) {
      const one = new Map(
        keys.flatMap((key) => {
          const hit = findCached(db, key, isStored);
          return hit ? [[key, hit] as const] : [];
        }),
      );
      const sizes = (ids: readonly string[]): Map<string, number> =>
        new Map(ids.filter(isStored).map((id) => [id, 1]));
      assert.deepEqual(findCachedMany(db, keys, sizes), one);
    }
    assert.ok(findCachedMany(db, keys, (ids) => new Map(ids.map((id) => [id, 1]))).size > 5);
  });
});
