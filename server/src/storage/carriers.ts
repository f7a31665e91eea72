/**
 * Which executor job carries a job (migration 9). A warm worker is one process of the executor,
 * launched for one job, that serves later step jobs of the same root: the executor still knows it
 * by the job it was launched for (its *carrier*), so everything the scheduler asks the executor
 * (poll, cancel, the classified failure) goes through the carrier, and every answer lands on the
 * job the process is running now.
 */
import type { Db } from "./db";

/** The executor job id of the process that runs (or will run) `jobId`: its carrier, else itself. */
export function carrierOf(db: Db, jobId: string): string {
  return (
    db
      .prepare<[string], { carrier: string }>(
        "SELECT COALESCE(carrier_id, id) AS carrier FROM jobs WHERE id = ?",
      )
      .get(jobId)?.carrier ?? jobId
  );
}

/** The carriers of every open job, by job id (one query per scheduler tick). */
export function carriersOfOpenJobs(db: Db): Map<string, string> {
  const rows = db
    .prepare<[], { id: string; carrier: string }>(
      `SELECT id, COALESCE(carrier_id, id) AS carrier FROM jobs
       WHERE state IN ('queued', 'running')`,
    )
    .all();
  return new Map(rows.map((r) => [r.id, r.carrier]));
}

/** Records that `carrierId`'s process now runs `jobId`. */
export function setCarrier(db: Db, jobId: string, carrierId: string): void {
  db.prepare("UPDATE jobs SET carrier_id = ? WHERE id = ?").run(carrierId, jobId);
}

/** Queued step jobs of a root on an executor, oldest first, with their stored specs. */
export function queuedStepJobs(
  db: Db,
  rootId: string,
  executor: string,
): { id: string; specJson: string }[] {
  return db
    .prepare<[string, string], { id: string; specJson: string }>(
      `SELECT id, spec_json AS specJson FROM jobs
       WHERE root_id = ? AND executor = ? AND kind = 'step' AND state = 'queued'
       ORDER BY created_at, rowid`,
    )
    .all(rootId, executor);
}
