/**
 * The main thread's handle on the live documents' worker thread (document-worker.ts): posts what
 * the hub asks, hands back what the documents answer, and says when the thread failed.
 */
import { once } from "node:events";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { FromDocuments, ToDocuments } from "./document-messages";

export interface DocumentThreadEvents {
  /** Every message of the documents except `flushed` (resolved here). */
  message(message: Exclude<FromDocuments, { kind: "flushed" }>): void;
  /** The thread ended by an uncaught error or exited without being stopped. */
  failed(error: Error): void;
}

/**
 * @example
 * ```ts
 * const thread = new DocumentThread(db.name, { message: send, failed: tellClients });
 * thread.post({ kind: "connect", rootId, client: 1 });
 * await thread.stop();
 * ```
 */
export class DocumentThread {
  private readonly worker: Worker;
  private readonly flushes = new Map<number, () => void>();
  private nextFlush = 1;
  private stopped: Promise<void> | undefined;
  private ended = false;

  constructor(file: string, events: DocumentThreadEvents) {
    this.worker = new Worker(join(__dirname, "document-worker.js"), { workerData: { file } });
    // Never what keeps a process alive: the clients' sockets and awaited calls do (ref below).
    this.worker.unref();
    this.worker.on("message", (message: FromDocuments) => {
      if (message.kind !== "flushed") return events.message(message);
      this.flushes.get(message.id)?.();
      this.flushes.delete(message.id);
      this.unrefIfIdle();
    });
    this.worker.on("error", (err) => this.fail(events, err));
    this.worker.on("exit", (code) => {
      if (this.stopped === undefined) {
        this.fail(events, new Error(`the live documents' thread exited with code ${code}`));
      }
    });
  }

  /** Whether the thread still runs (false after a failure or stop()). */
  get running(): boolean {
    return !this.ended;
  }

  post(message: ToDocuments): void {
    if (this.ended) return;
    const transfer =
      message.kind === "sync" ? [message.stateVector.buffer as ArrayBuffer] : undefined;
    this.worker.postMessage(message, transfer);
  }

  /** Resolves once every change posted before has been written (and its updates handed back). */
  flush(): Promise<void> {
    if (this.ended) return Promise.resolve();
    const id = this.nextFlush++;
    this.worker.ref();
    const flushed = new Promise<void>((resolve) => this.flushes.set(id, resolve));
    this.post({ kind: "flush", id });
    return flushed;
  }

  /** Ends the thread (its documents are dropped, its connection closed) and waits for it to exit. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      if (this.ended) return;
      const exited = once(this.worker, "exit");
      // Unreferenced so it never keeps a process alive, but a caller awaiting stop() must be woken.
      this.worker.ref();
      this.worker.postMessage({ kind: "stop" } satisfies ToDocuments);
      await exited;
      this.ended = true;
      this.resolveFlushes();
    })();
    return this.stopped;
  }

  private fail(events: DocumentThreadEvents, err: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.resolveFlushes();
    events.failed(err);
  }

  /** Nothing more will be written: a caller awaiting a flush must not wait forever. */
  private resolveFlushes(): void {
    for (const resolve of this.flushes.values()) resolve();
    this.flushes.clear();
  }

  private unrefIfIdle(): void {
    if (this.flushes.size === 0 && this.stopped === undefined) this.worker.unref();
  }
}
