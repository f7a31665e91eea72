/**
 * Background WAL checkpoints. The writing connection then only checkpoints itself (sqlite's
 * automatic checkpoint, raised to 20,000 pages) if the background one falls far behind.
 */
import { once } from "node:events";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { Db } from "./db";

export class Checkpointer {
  private readonly worker: Worker;
  private stopped: Promise<void> | undefined;

  constructor(db: Db, intervalMs = 250) {
    db.pragma("wal_autocheckpoint = 20000");
    this.worker = new Worker(join(__dirname, "checkpoint-worker.js"), {
      workerData: { file: db.name, intervalMs },
    });
    this.worker.unref();
  }

  /** Stops the worker and closes its connection (before the writer's, which then cleans up the WAL). */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      const exited = once(this.worker, "exit");
      // Unreferenced so it never keeps a process alive, but a caller awaiting stop() must be woken.
      this.worker.ref();
      this.worker.postMessage("stop");
      await exited;
    })();
    return this.stopped;
  }
}
