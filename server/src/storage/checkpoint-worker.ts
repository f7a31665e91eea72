/**
 * Runs in a worker thread with its own connection: copies the WAL into the database file in the
 * background ("passive" checkpoints never block the writer), so that ingest requests do not pay for
 * checkpoints. See {@link Checkpointer}.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const db = new Database(file);
const timer = setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // A busy database is checkpointed at the next tick.
  }
}, intervalMs);

parentPort!.on("message", (message) => {
  if (message !== "stop") return;
  clearInterval(timer);
  db.close();
  parentPort!.postMessage("stopped");
  parentPort!.close();
});
