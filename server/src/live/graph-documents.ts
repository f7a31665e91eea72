/**
 * The Yjs documents of the watched root runs, as kept by the live documents' thread
 * (document-worker.ts): one per root with at least one client. Reads sqlite through the thread's
 * own connection and answers every {@link ToDocuments} message with bytes for the main thread to
 * send. Ingest's changes are written after a short window ({@link LIVE_WRITE_WINDOW_MS}): the
 * batches of one window make one Yjs transaction and one update per client instead of one each.
 * The documents read sqlite when they are written, so a later write never shows an older state.
 */
import * as Y from "yjs";
import type { Db } from "../storage/db";
import type { EdgeKey } from "../storage/ingest";
import type { FromDocuments, ToDocuments } from "./document-messages";
import { edgeKey, loadGraph, writeChanges, writeRoot } from "./document";
import { syncStep1, syncStep2, updateMessage } from "./protocol";

/**
 * How long ingest's changes wait before they are written into the live documents. A client posting
 * batches back to back sends one every few milliseconds: a window of 25 ms merges several into one
 * Yjs update, and a person watching the graph does not see the delay.
 */
export const LIVE_WRITE_WINDOW_MS = 25;

/** What ingest changed in one root since its document was last written. */
interface QueuedChanges {
  runs: Set<string>;
  /** By {@link edgeKey}: an edge rewritten twice in a window is written once. */
  edges: Map<string, EdgeKey>;
}

/**
 * @example
 * ```ts
 * const documents = new GraphDocuments(db, (message) => parentPort.postMessage(message));
 * documents.handle({ kind: "connect", rootId, client: 1 }); // posts { kind: "greet", client: 1, ... }
 * ```
 */
export class GraphDocuments {
  private readonly docs = new Map<string, Y.Doc>();
  private readonly queued = new Map<string, QueuedChanges>();
  private writeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly post: (message: FromDocuments) => void,
  ) {}

  handle(message: Exclude<ToDocuments, { kind: "stop" }>): void {
    switch (message.kind) {
      case "connect":
        return this.connect(message.rootId, message.client);
      case "release":
        return this.release(message.rootId);
      case "sync": {
        const doc = this.docs.get(message.rootId);
        const reply = doc && syncStep2(doc, message.stateVector);
        return this.post({ kind: "answer", client: message.client, message: reply });
      }
      case "changes":
        return this.queue(message.changes);
      case "refresh-runs":
        return this.write(message.rootId, (doc) => writeChanges(doc, this.db, message.runIds, []));
      case "refresh-root":
        return this.write(message.rootId, (doc) => writeRoot(doc, this.db, message.rootId));
      case "flush":
        this.writeQueued();
        return this.post({ kind: "flushed", id: message.id });
    }
  }

  /** Drops every document (the thread is ending). */
  close(): void {
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    this.queued.clear();
    for (const doc of this.docs.values()) doc.destroy();
    this.docs.clear();
  }

  private connect(rootId: string, client: number): void {
    let doc = this.docs.get(rootId);
    if (!doc) {
      const created = new Y.Doc();
      try {
        loadGraph(created, this.db, rootId);
      } catch (err) {
        created.destroy();
        this.post({
          kind: "log",
          message: `live document of root ${rootId} not loaded: ${String(err)}`,
        });
        this.post({ kind: "failed", rootId, reason: "the live graph could not be loaded" });
        return;
      }
      created.on("update", (update: Uint8Array) => {
        this.post({ kind: "update", rootId, message: updateMessage(update) });
      });
      this.docs.set(rootId, created);
      doc = created;
    }
    this.post({ kind: "greet", client, message: syncStep1(doc) });
  }

  private release(rootId: string): void {
    this.docs.get(rootId)?.destroy();
    this.docs.delete(rootId);
    this.queued.delete(rootId);
  }

  private queue(changes: [string, string[], EdgeKey[]][]): void {
    for (const [rootId, runs, edges] of changes) {
      if (!this.docs.has(rootId)) continue;
      let queued = this.queued.get(rootId);
      if (!queued) {
        queued = { runs: new Set(), edges: new Map() };
        this.queued.set(rootId, queued);
      }
      for (const runId of runs) queued.runs.add(runId);
      for (const edge of edges) queued.edges.set(edgeKey(edge), edge);
    }
    if (this.queued.size > 0 && this.writeTimer === undefined) {
      this.writeTimer = setTimeout(() => this.writeQueued(), LIVE_WRITE_WINDOW_MS);
    }
  }

  private writeQueued(): void {
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    const queued = [...this.queued];
    this.queued.clear();
    for (const [rootId, c] of queued) {
      this.write(rootId, (doc) => writeChanges(doc, this.db, c.runs, [...c.edges.values()]));
    }
  }

  private write(rootId: string, change: (doc: Y.Doc) => void): void {
    const doc = this.docs.get(rootId);
    if (!doc) return;
    try {
      change(doc);
    } catch (err) {
      // sqlite keeps the truth; the document catches up at its next write or its clients' next
      // connection.
      this.post({
        kind: "log",
        message: `live document of root ${rootId} not updated: ${String(err)}`,
      });
    }
  }
}
