/**
 * Live graphs: one Yjs document per watched root run, alive while at least one WebSocket client is
 * connected. Ingest, cancel and the heartbeat monitor report what they changed; documents that
 * nobody watches cost nothing.
 *
 * Memory per client is bounded whatever the client sends: a sync request (which may ask for the
 * whole document) is answered only once the previous answer has left the process; requests that
 * arrive meanwhile are merged into one; a client that keeps asking while it does not read, or whose
 * unsent data passes `maxBufferedBytes`, is disconnected.
 *
 * Ingest's changes reach the documents after a short window ({@link LIVE_WRITE_WINDOW_MS}), off the
 * request's path: the batches of one window make one Yjs transaction and one update per client
 * instead of one each. The documents read sqlite when they are written, so a later write never
 * shows an older state.
 */
import WebSocket from "ws";
import * as Y from "yjs";
import type { Db } from "../storage/db";
import type { EdgeKey, RootChanges } from "../storage/ingest";
import { edgeKey, loadGraph, writeChanges, writeRoot } from "./document";
import { LiveNotes } from "./notes";
import { syncRequest, syncStep1, syncStep2, updateMessage } from "./protocol";

interface LiveGraph {
  doc: Y.Doc;
  clients: Set<WebSocket>;
}

/** Per-client state of sync answers. */
interface Answering {
  /** An answer was handed to the socket and has not been written out yet. */
  busy: boolean;
  /** The newest state vector asked for while busy (answered when the previous answer is out). */
  pending?: Uint8Array;
  /** Sync requests received while busy: a y-websocket client sends one per connection. */
  waiting: number;
}

/** What ingest changed in one root since its document was last written. */
interface QueuedChanges {
  runs: Set<string>;
  /** By {@link edgeKey}: an edge rewritten twice in a window is written once. */
  edges: Map<string, EdgeKey>;
}

/**
 * How long ingest's changes wait before they are written into the live documents. A client posting
 * batches back to back sends one every few milliseconds: a window of 25 ms merges several into one
 * Yjs update, and a person watching the graph does not see the delay.
 */
export const LIVE_WRITE_WINDOW_MS = 25;

const PING_INTERVAL_MS = 30_000;
/** Default cap of data queued for one client before it is disconnected. */
export const DEFAULT_LIVE_BUFFER_BYTES = 16 * 1024 * 1024;
/** Sync requests a client may send while it has not read the previous answer. */
const MAX_WAITING_REQUESTS = 16;

export class LiveGraphs {
  private readonly graphs = new Map<string, LiveGraph>();
  private readonly alive = new WeakSet<WebSocket>();
  private readonly pinger: NodeJS.Timeout;
  private readonly queued = new Map<string, QueuedChanges>();
  private writeTimer: NodeJS.Timeout | undefined;
  /** The notes panes of root runs: the documents clients write (see notes.ts). */
  readonly notes: LiveNotes;

  constructor(
    private readonly db: Db,
    private readonly log: (message: string) => void,
    private readonly maxBufferedBytes = DEFAULT_LIVE_BUFFER_BYTES,
  ) {
    this.notes = new LiveNotes(db, log);
    // Connections that stop answering pings are dropped, so their documents can be released.
    this.pinger = setInterval(() => this.ping(), PING_INTERVAL_MS);
    this.pinger.unref();
  }

  /** Number of documents currently open (one per watched root run). */
  get size(): number {
    return this.graphs.size;
  }

  connect(rootId: string, ws: WebSocket): void {
    const graph = this.open(rootId);
    graph.clients.add(ws);
    this.alive.add(ws);
    ws.on("pong", () => this.alive.add(ws));
    const answering: Answering = { busy: false, waiting: 0 };
    ws.on("message", (data, isBinary) => {
      if (!isBinary) {
        ws.close(1003, "binary y-websocket messages only");
        return;
      }
      let stateVector: Uint8Array | undefined;
      try {
        stateVector = syncRequest(toBytes(data));
      } catch {
        ws.close(1007, "malformed y-websocket message");
        return;
      }
      if (stateVector === undefined) return;
      if (!answering.busy) {
        this.answer(graph, ws, answering, stateVector);
        return;
      }
      answering.pending = stateVector;
      if (++answering.waiting > MAX_WAITING_REQUESTS) ws.terminate();
    });
    ws.on("close", () => this.disconnect(rootId, ws));
    ws.on("error", () => ws.terminate());
    ws.send(syncStep1(graph.doc));
  }

  /**
   * Queues what a batch changed for the documents of the watched roots; they are written within
   * {@link LIVE_WRITE_WINDOW_MS}. Roots nobody watches cost nothing.
   *
   * @example
   * ```ts
   * const result = ingestor.ingest(events); // committed first: the documents mirror sqlite
   * live.applyChanges(result.changes);
   * ```
   */
  applyChanges(changes: Map<string, RootChanges>): void {
    for (const [rootId, c] of changes) {
      if (!this.graphs.has(rootId)) continue;
      let queued = this.queued.get(rootId);
      if (!queued) {
        queued = { runs: new Set(), edges: new Map() };
        this.queued.set(rootId, queued);
      }
      for (const runId of c.runs) queued.runs.add(runId);
      for (const edge of c.edges) queued.edges.set(edgeKey(edge), edge);
    }
    if (this.queued.size > 0 && this.writeTimer === undefined) {
      this.writeTimer = setTimeout(() => this.writeQueued(), LIVE_WRITE_WINDOW_MS);
      // A server shutting down does not wait for it: close() drops the documents anyway.
      this.writeTimer.unref();
    }
  }

  /** Writes the queued changes now (close() and tests; otherwise the window's timer does). */
  writeQueued(): void {
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    const queued = [...this.queued];
    this.queued.clear();
    for (const [rootId, c] of queued) {
      const graph = this.graphs.get(rootId);
      if (!graph) continue;
      try {
        writeChanges(graph.doc, this.db, c.runs, [...c.edges.values()]);
      } catch (err) {
        // Off any request's path: a failure here must not end the server. sqlite keeps the
        // truth; the document catches up at its next write or its clients' next connection.
        this.log(`live document of root ${rootId} not updated: ${String(err)}`);
      }
    }
  }

  refreshRuns(rootId: string, runIds: string[]): void {
    const graph = this.graphs.get(rootId);
    if (graph && runIds.length > 0) writeChanges(graph.doc, this.db, runIds, []);
  }

  refreshRoot(rootId: string): void {
    const graph = this.graphs.get(rootId);
    if (graph) writeRoot(graph.doc, this.db, rootId);
  }

  close(): void {
    clearInterval(this.pinger);
    clearTimeout(this.writeTimer);
    this.writeTimer = undefined;
    this.queued.clear();
    this.notes.close();
    for (const graph of this.graphs.values()) {
      for (const ws of graph.clients) ws.close(1001, "server shutting down");
      graph.doc.destroy();
    }
    this.graphs.clear();
  }

  private open(rootId: string): LiveGraph {
    let graph = this.graphs.get(rootId);
    if (!graph) {
      const doc = new Y.Doc();
      loadGraph(doc, this.db, rootId);
      const created: LiveGraph = { doc, clients: new Set() };
      doc.on("update", (update: Uint8Array) => {
        const message = updateMessage(update);
        for (const ws of created.clients) {
          if (ws.readyState === WebSocket.OPEN && this.hasRoom(ws, message.length)) {
            ws.send(message);
          }
        }
      });
      this.graphs.set(rootId, created);
      graph = created;
    }
    return graph;
  }

  /** Sends one sync answer; the next request is answered once this one has left the process. */
  private answer(
    graph: LiveGraph,
    ws: WebSocket,
    answering: Answering,
    stateVector: Uint8Array,
  ): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    const reply = syncStep2(graph.doc, stateVector);
    if (!this.hasRoom(ws, reply.length)) return;
    answering.busy = true;
    ws.send(reply, (err) => {
      answering.busy = false;
      answering.waiting = 0;
      const next = answering.pending;
      answering.pending = undefined;
      if (!err && next) this.answer(graph, ws, answering, next);
    });
  }

  /**
   * Whether `bytes` more may be queued for a client; disconnects a client whose queue would pass
   * the cap (it does not read, so it would never see the data anyway). A client with nothing queued
   * may always receive one message, however large: a big document still syncs.
   */
  private hasRoom(ws: WebSocket, bytes: number): boolean {
    const queued = ws.bufferedAmount;
    if (queued === 0 || queued + bytes <= this.maxBufferedBytes) return true;
    ws.terminate();
    return false;
  }

  private disconnect(rootId: string, ws: WebSocket): void {
    const graph = this.graphs.get(rootId);
    if (!graph) return;
    graph.clients.delete(ws);
    if (graph.clients.size === 0) {
      graph.doc.destroy();
      this.graphs.delete(rootId);
      this.queued.delete(rootId);
    }
  }

  private ping(): void {
    for (const graph of this.graphs.values()) {
      for (const ws of graph.clients) {
        if (!this.alive.has(ws)) {
          ws.terminate();
          continue;
        }
        this.alive.delete(ws);
        try {
          ws.ping();
        } catch (err) {
          this.log(`live ping failed: ${String(err)}`);
          ws.terminate();
        }
      }
    }
  }
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
