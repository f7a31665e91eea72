/**
 * Live graphs: one Yjs document per watched root run, alive while at least one WebSocket client is
 * connected. Ingest, cancel and the heartbeat monitor report what they changed; documents that
 * nobody watches cost nothing.
 *
 * The documents live in a worker thread (graph-documents.ts, started at the first client) with its
 * own read-only connection to the database: their queries, Yjs transactions and encoding use the
 * second core, and a request only hands over the ids it changed. This thread keeps the sockets.
 * If the documents' thread fails, the server logs why and closes their clients with code
 * {@link LIVE_UNAVAILABLE} (they reconnect to a new thread and sync again: sqlite keeps the truth).
 *
 * Memory per client is bounded whatever the client sends: a sync request (which may ask for the
 * whole document) is answered only once the previous answer has left the process; requests that
 * arrive meanwhile are merged into one; a client that keeps asking while it does not read, or whose
 * unsent data passes `maxBufferedBytes`, is disconnected.
 */
import WebSocket from "ws";
import type { Db } from "../storage/db";
import type { EdgeKey, RootChanges } from "../storage/ingest";
import type { FromDocuments } from "./document-messages";
import { DocumentThread } from "./document-thread";
import { LiveNotes } from "./notes";
import { syncRequest } from "./protocol";

export { LIVE_WRITE_WINDOW_MS } from "./graph-documents";

/** The WebSocket close code of clients whose documents' thread failed (RFC 6455: internal error). */
export const LIVE_UNAVAILABLE = 1011;

interface LiveGraph {
  clients: Set<WebSocket>;
}

/** One connected client and the state of its sync answers. */
interface Client {
  ws: WebSocket;
  rootId: string;
  /** An answer was asked for or handed to the socket and has not been written out yet. */
  busy: boolean;
  /** The newest state vector asked for while busy (answered when the previous answer is out). */
  pending?: Uint8Array;
  /** Sync requests received while busy: a y-websocket client sends one per connection. */
  waiting: number;
}

const PING_INTERVAL_MS = 30_000;
/** Default cap of data queued for one client before it is disconnected. */
export const DEFAULT_LIVE_BUFFER_BYTES = 16 * 1024 * 1024;
/** Sync requests a client may send while it has not read the previous answer. */
const MAX_WAITING_REQUESTS = 16;

export class LiveGraphs {
  private readonly graphs = new Map<string, LiveGraph>();
  private readonly clients = new Map<number, Client>();
  private nextClient = 1;
  private readonly alive = new WeakSet<WebSocket>();
  private readonly pinger: NodeJS.Timeout;
  private thread: DocumentThread | undefined;
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
    const id = this.nextClient++;
    const client: Client = { ws, rootId, busy: false, waiting: 0 };
    this.clients.set(id, client);
    let graph = this.graphs.get(rootId);
    if (!graph) {
      graph = { clients: new Set() };
      this.graphs.set(rootId, graph);
    }
    graph.clients.add(ws);
    this.alive.add(ws);
    ws.on("pong", () => this.alive.add(ws));
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
      if (!client.busy) {
        this.ask(id, client, stateVector);
        return;
      }
      client.pending = stateVector;
      if (++client.waiting > MAX_WAITING_REQUESTS) ws.terminate();
    });
    ws.on("close", () => this.disconnect(id, client));
    ws.on("error", () => ws.terminate());
    this.documents().post({ kind: "connect", rootId, client: id });
  }

  /**
   * Hands what a batch changed in the watched roots to their documents, which write it within
   * {@link LIVE_WRITE_WINDOW_MS}. Roots nobody watches cost nothing.
   *
   * @example
   * ```ts
   * const result = ingestor.ingest(events); // committed first: the documents mirror sqlite
   * live.applyChanges(result.changes);
   * ```
   */
  applyChanges(changes: Map<string, RootChanges>): void {
    if (this.graphs.size === 0) return;
    const watched: [string, string[], EdgeKey[]][] = [];
    for (const [rootId, c] of changes) {
      if (this.graphs.has(rootId)) watched.push([rootId, [...c.runs], c.edges]);
    }
    if (watched.length > 0) this.thread?.post({ kind: "changes", changes: watched });
  }

  /**
   * Resolves once every change handed over before is written and its updates handed to the
   * sockets (tests; otherwise the window's timer writes them).
   */
  async flush(): Promise<void> {
    await this.thread?.flush();
  }

  refreshRuns(rootId: string, runIds: string[]): void {
    if (this.graphs.has(rootId) && runIds.length > 0) {
      this.thread?.post({ kind: "refresh-runs", rootId, runIds });
    }
  }

  refreshRoot(rootId: string): void {
    if (this.graphs.has(rootId)) this.thread?.post({ kind: "refresh-root", rootId });
  }

  /** Closes every client and waits for the documents' thread to end. */
  async close(): Promise<void> {
    clearInterval(this.pinger);
    this.notes.close();
    for (const graph of this.graphs.values()) {
      for (const ws of graph.clients) ws.close(1001, "server shutting down");
    }
    this.graphs.clear();
    this.clients.clear();
    const thread = this.thread;
    this.thread = undefined;
    await thread?.stop();
  }

  /** The documents' thread, started at the first client (again after a failure). */
  private documents(): DocumentThread {
    if (!this.thread?.running) {
      const thread = new DocumentThread(this.db.name, {
        message: (message) => this.receive(message),
        failed: (err) => {
          if (this.thread === thread) this.thread = undefined;
          this.failed(err);
        },
      });
      this.thread = thread;
    }
    return this.thread;
  }

  private receive(message: Exclude<FromDocuments, { kind: "flushed" }>): void {
    switch (message.kind) {
      case "greet": {
        const ws = this.clients.get(message.client)?.ws;
        if (ws?.readyState === WebSocket.OPEN && this.hasRoom(ws, message.message.length)) {
          ws.send(message.message);
        }
        return;
      }
      case "answer": {
        const client = this.clients.get(message.client);
        if (client) this.answer(message.client, client, message.message);
        return;
      }
      case "update": {
        const graph = this.graphs.get(message.rootId);
        for (const ws of graph?.clients ?? []) {
          if (ws.readyState === WebSocket.OPEN && this.hasRoom(ws, message.message.length)) {
            ws.send(message.message);
          }
        }
        return;
      }
      case "failed":
        for (const ws of this.graphs.get(message.rootId)?.clients ?? []) {
          ws.close(LIVE_UNAVAILABLE, message.reason);
        }
        return;
      case "log":
        this.log(message.message);
        return;
    }
  }

  /** Asks the documents for one sync answer; the next is asked once this one has left the process. */
  private ask(id: number, client: Client, stateVector: Uint8Array): void {
    if (client.ws.readyState !== WebSocket.OPEN) return;
    client.busy = true;
    // A copy of its own: the request's bytes may share a buffer with other data of the socket.
    const copy = new Uint8Array(stateVector);
    this.documents().post({ kind: "sync", rootId: client.rootId, client: id, stateVector: copy });
  }

  private answer(id: number, client: Client, reply: Uint8Array | undefined): void {
    const { ws } = client;
    const done = (err?: Error): void => {
      client.busy = false;
      client.waiting = 0;
      const next = client.pending;
      client.pending = undefined;
      if (!err && next) this.ask(id, client, next);
    };
    if (!reply || ws.readyState !== WebSocket.OPEN) return done();
    if (!this.hasRoom(ws, reply.length)) return;
    ws.send(reply, done);
  }

  /** The documents' thread failed: say so in the log and to its clients, who may reconnect. */
  private failed(err: Error): void {
    this.log(
      `live graphs: the documents' thread (reading ${this.db.name}) failed, its clients were ` +
        `disconnected: ${err.stack ?? String(err)}`,
    );
    for (const graph of this.graphs.values()) {
      for (const ws of graph.clients) {
        ws.close(
          LIVE_UNAVAILABLE,
          "live graph unavailable: server error (reconnect to sync again)",
        );
      }
    }
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

  private disconnect(id: number, client: Client): void {
    this.clients.delete(id);
    const graph = this.graphs.get(client.rootId);
    if (!graph) return;
    graph.clients.delete(client.ws);
    if (graph.clients.size === 0) {
      this.graphs.delete(client.rootId);
      this.thread?.post({ kind: "release", rootId: client.rootId });
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
