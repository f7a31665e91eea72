/**
 * Listing root runs the way the runs side panel asks (`GET /api/v1/runs?root=true&…`): newest first,
 * filtered by part of the pipeline name, by states, by a tag, one page and the next. A store of many
 * pipelines with many steps each, queried through the server's own `listRuns`, with and without the
 * partial index of root runs (migration 5), alternating in one process: the ratio is the figure.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "@tsematic/server/lib/storage/db";
import { listRuns, type RunFilter } from "@tsematic/server/lib/storage/runs";

const ROOTS = 300;
const STEPS_PER_ROOT = 1_000;
const REPEATS = 15;
const ROUNDS = 5;
const INDEX_SQL = `CREATE INDEX runs_roots_created ON runs (created_at DESC, id DESC) WHERE id = root_id`;

const hex = (n: number, width = 32): string => n.toString(16).padStart(width, "0");

function fill(db: ReturnType<typeof openDatabase>): void {
  const root = db.prepare(
    `INSERT INTO roots (root_id, mode, status, created_at, last_heartbeat) VALUES (?, 'local', 'finished', ?, ?)`,
  );
  const run = db.prepare(
    `INSERT INTO runs (id, root_id, parent_id, step_name, source_hash, source_text, parameters_json,
       cache, state, created_at, resources_json, tags_json)
     VALUES (?, ?, ?, ?, 'h', 's', '[]', 0, ?, ?, '{}', ?)`,
  );
  const tag = db.prepare(`INSERT INTO run_tags (tag, run) SELECT ?, seq FROM runs WHERE id = ?`);
  const names = ["trainModel", "evaluate", "etlDaily", "featurePipeline", "report"];
  db.transaction(() => {
    for (let i = 0; i < ROOTS; i++) {
      const id = hex(i * (STEPS_PER_ROOT + 1));
      const at = 1_700_000_000_000 + i * 100_000;
      const state = i >= ROOTS - 3 ? "running" : i % 7 === 0 ? "failed" : "resolved";
      const tags = i % 10 === 0 ? ["nightly"] : [];
      root.run(id, at, at);
      run.run(id, id, null, names[i % names.length], state, at, JSON.stringify(tags));
      for (const t of tags) tag.run(t, id);
      for (let j = 1; j <= STEPS_PER_ROOT; j++) {
        run.run(hex(i * (STEPS_PER_ROOT + 1) + j), id, id, "step", "resolved", at + j, "[]");
      }
    }
  })();
  db.exec("ANALYZE");
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), "tsematic-runlist-"));
  try {
    const db = openDatabase(join(dir, "lineage.sqlite"));
    fill(db);
    const first = listRuns(db, { rootOnly: true, limit: 50 });
    const deep = listRuns(db, { rootOnly: true, limit: 250 });
    const queries: Array<[string, RunFilter]> = [
      ["roots, newest 50", { rootOnly: true, limit: 50 }],
      ["roots, next page", { rootOnly: true, limit: 50, cursor: first.nextCursor! }],
      ["roots, page 6", { rootOnly: true, limit: 50, cursor: deep.nextCursor! }],
      ["roots, name contains 'train'", { rootOnly: true, nameContains: "train", limit: 50 }],
      [
        "roots, state failed or nested-failed",
        { rootOnly: true, states: ["failed", "nested-failed"], limit: 50 },
      ],
      ["roots, tag nightly", { rootOnly: true, tag: "nightly", limit: 50 }],
      ["roots, state running (3 of 300)", { rootOnly: true, states: ["running"], limit: 50 }],
    ];
    const timings = new Map<string, { with: number[]; without: number[] }>();
    const time = (filter: RunFilter): number => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < REPEATS; i++) listRuns(db, filter);
      return Number(process.hrtime.bigint() - start) / 1e6 / REPEATS;
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const indexed of round % 2 === 0 ? [true, false] : [false, true]) {
        db.exec("DROP INDEX IF EXISTS runs_roots_created");
        if (indexed) db.exec(INDEX_SQL);
        for (const [name, filter] of queries) {
          const entry = timings.get(name) ?? { with: [], without: [] };
          (indexed ? entry.with : entry.without).push(time(filter));
          timings.set(name, entry);
        }
      }
    }
    db.close();
    console.log(
      `${ROOTS} root runs x ${STEPS_PER_ROOT} steps (${(ROOTS * (STEPS_PER_ROOT + 1)).toLocaleString("en-US")} runs); ` +
        `median of ${ROUNDS} rounds, each the mean of ${REPEATS} queries`,
    );
    for (const [name, t] of timings) {
      const w = median(t.with);
      const wo = median(t.without);
      const range = (xs: number[]): string =>
        `${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`;
      console.log(
        `${name.padEnd(40)} with the roots index ${w.toFixed(2).padStart(7)} ms (${range(t.with)}), ` +
          `without ${wo.toFixed(2).padStart(8)} ms (${range(t.without)}): ${(wo / w).toFixed(0)}x`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
