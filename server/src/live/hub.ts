/**
 * Live graphs: one Yjs document per watched root run, alive while at least one WebSocket client is
 * connected. Ingest, cancel and the heartbeat monitor report what they changed; documents that
 * nobody watches cost nothing.
 */
import WebSocket from "ws";
import * as Y from "yjs";
import type { Db } from "../storage/db";
import type { RootChanges } from "../storage/ingest";
import { loadGraph, writeChanges, writeRoot } from "./document";
import { answer, syncStep1, updateMessage } from "./protocol";

interface LiveGraph {
  doc: Y.Doc;
  clients: Set<WebSocket>;
}

const PING_INTERVAL_MS = 30_000;

export class LiveGraphs {
  private readonly graphs = new Map<string, LiveGraph>();
  private readonly alive = new WeakSet<WebSocket>();
  private readonly pinger: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    private readonly log: (message: string) => void,
  ) {
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
    ws.on("message", (data, isBinary) => {
      if (!isBinary) {
        ws.close(1003, "binary y-websocket messages only");
        return;
      }
      try {
        const reply = answer(graph.doc, toBytes(data));
        if (reply) ws.send(reply);
      } catch {
        ws.close(1007, "malformed y-websocket message");
      }
    });
    ws.on("close", () => this.disconnect(rootId, ws));
    ws.on("error", () => ws.terminate());
    ws.send(syncStep1(graph.doc));
  }

  applyChanges(changes: Map<string, RootChanges>): void {
    for (const [rootId, c] of changes) {
      const graph = this.graphs.get(rootId);
      if (graph) writeChanges(graph.doc, this.db, c.runs, c.edges);
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
          if (ws.readyState === WebSocket.OPEN) ws.send(message);
        }
      });
      this.graphs.set(rootId, created);
      graph = created;
    }
    return graph;
  }

  private disconnect(rootId: string, ws: WebSocket): void {
    const graph = this.graphs.get(rootId);
    if (!graph) return;
    graph.clients.delete(ws);
    if (graph.clients.size === 0) {
      graph.doc.destroy();
      this.graphs.delete(rootId);
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
