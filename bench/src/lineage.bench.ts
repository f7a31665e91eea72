/**
 * Bounded lineage answers (issue 10 item 7). A common value (`0`) taken by 18,000 runs: the JSON of
 * `GET /artifacts/{id}/lineage` as it was (every producer and consumer in one answer, the same query
 * without a page bound) against one default page (50 links) and a page of 1,000; then a run's
 * downstream lineage over recorded flows of a 18,000-way fan-out (cut at 10,000 runs), first page
 * and a walk of all pages.
 * Built with the server's own storage functions on a real sqlite file; median of several rounds.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getLineage } from "@tsematic/server/lib/storage/artifacts";
import { openDatabase } from "@tsematic/server/lib/storage/db";
import { runLineage } from "@tsematic/server/lib/storage/lineage";

const CONSUMERS = 18_000;
const ROUNDS = 7;

const hex = (n: number, width = 32): string => n.toString(16).padStart(width, "0");

function fill(db: ReturnType<typeof openDatabase>): { artifact: string; source: string } {
  const root = hex(0);
  const source = hex(1);
  const artifact = "0".repeat(63) + "1";
  db.prepare(
    `INSERT INTO roots (root_id, mode, status, created_at, last_heartbeat) VALUES (?, 'local', 'finished', 1, 1)`,
  ).run(root);
  const run = db.prepare(
    `INSERT INTO runs (id, root_id, parent_id, step_name, source_hash, source_text, parameters_json,
       cache, state, created_at, resources_json, tags_json)
     VALUES (?, ?, ?, ?, 'h', 's', '["x"]', 0, 'resolved', ?, '{}', '[]')`,
  );
  const edge = db.prepare(
    `INSERT INTO edges (run, direction, name, artifact) SELECT seq, ?, ?, 1 FROM runs WHERE id = ?`,
  );
  const flow = db.prepare(
    `INSERT INTO flows (run, from_run, kind, parameter, path) SELECT seq, ?, 'future', 'x', 'x' FROM runs WHERE id = ?`,
  );
  db.transaction(() => {
    db.prepare(
      `INSERT INTO artifacts (id, type_name, media_type, size, summary_json, created_at)
       VALUES (?, 'json', 'application/json', 1, '{"preview":"0"}', 1)`,
    ).run(artifact);
    run.run(root, root, null, "pipeline", 1);
    run.run(source, root, root, "zero", 2);
    edge.run("output", "output", source);
    for (let i = 0; i < CONSUMERS; i++) {
      const id = hex(i + 2);
      run.run(id, root, root, "add", 3 + i);
      edge.run("input", "x", id);
      flow.run(source, id);
    }
  })();
  return { artifact, source };
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function measure(fn: () => unknown): { ms: number; bytes: number } {
  let bytes = 0;
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = process.hrtime.bigint();
    bytes = JSON.stringify(fn()).length;
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { ms: median(times), bytes };
}

const dir = mkdtempSync(join(tmpdir(), "tsematic-bench-lineage-"));
try {
  const db = openDatabase(join(dir, "lineage.sqlite"));
  const { artifact, source } = fill(db);
  const show = (label: string, m: { ms: number; bytes: number }): void =>
    console.log(
      `${label.padEnd(58)} ${(m.bytes / 1024).toFixed(1).padStart(8)} KiB ${m.ms.toFixed(1).padStart(8)} ms`,
    );
  console.log(`one value taken by ${CONSUMERS} runs (median of ${ROUNDS})`);
  show(
    "artifact lineage, unpaged (as before)",
    measure(() => getLineage(db, artifact, 1e9)),
  );
  show(
    "artifact lineage, default page (50)",
    measure(() => getLineage(db, artifact, 50)),
  );
  show(
    "artifact lineage, page of 1,000",
    measure(() => getLineage(db, artifact, 1000)),
  );
  show(
    "run lineage downstream, first page (50)",
    measure(() => runLineage(db, source, "downstream", 50)),
  );
  let pages = 0;
  const last = measure(() => {
    let page = runLineage(db, source, "downstream", 1000);
    pages = 1;
    while (page.nextCursor) {
      page = runLineage(db, source, "downstream", 1000, page.nextCursor);
      pages++;
    }
    return { pages };
  });
  show(`run lineage downstream, all ${pages} pages of 1,000 (total time)`, { ...last, bytes: 0 });
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
