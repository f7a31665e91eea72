/**
 * Live notes panes: one Yjs document `notes/<rootId>` per root run, with one Y.Text named `notes`.
 * Unlike the graph documents (hub.ts), browsers write here: this is the only document a client may
 * change. The server applies each client's update, relays it (and awareness: cursors, names) to
 * the other clients, and stays the writer of record: it persists the text and the document's state
 * in sqlite at most {@link SAVE_DELAY_MS} after a change and when the last client leaves, and loads
 * them again after a restart.
 *
 * A change that would make the text longer than {@link MAX_NOTES_CHARS} is dropped and its client
 * disconnected with close code {@link NOTES_TOO_LONG} (the reason says why), so nothing unbounded is
 * kept or stored.
 */
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import WebSocket from "ws";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import type { Db } from "../storage/db";
import {
  MAX_NOTES_CHARS,
  notesPane,
  type NotesPaneView,
  saveNotesPane,
} from "../storage/notes-pane";
import { MESSAGE_AWARENESS, MESSAGE_SYNC, syncStep1, updateMessage } from "./protocol";

/** The WebSocket close code of a change refused for making the notes too long. */
export const NOTES_TOO_LONG = 4413;
/** Longest delay between a change and its save. */
export const SAVE_DELAY_MS = 500;
/** Longest author name a client may give (`?author=`). */
export const MAX_AUTHOR_CHARS = 128;

interface Client {
  author: string | null;
}

interface NotesDoc {
  rootId: string;
  doc: Y.Doc;
  clients: Map<WebSocket, Client>;
  author: string | null;
  updatedAt: number | null;
  /** Changed since the last save. */
  dirty: boolean;
  timer?: NodeJS.Timeout;
}

/** How often clients are pinged; one that did not answer the previous ping is dropped. */
const PING_INTERVAL_MS = 30_000;

export class LiveNotes {
  private readonly docs = new Map<string, NotesDoc>();
  private readonly alive = new WeakSet<WebSocket>();
  private readonly pinger: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    private readonly log: (message: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    // A vanished browser (no close frame) would keep its document open: drop what stops answering.
    this.pinger = setInterval(() => this.ping(), PING_INTERVAL_MS);
    this.pinger.unref();
  }

  /** Number of notes documents open (one per root whose pane someone is looking at). */
  get size(): number {
    return this.docs.size;
  }

  /** The pane as clients see it now (unsaved changes included). */
  view(rootId: string): NotesPaneView {
    const open = this.docs.get(rootId);
    if (open) {
      return {
        text: open.doc.getText("notes").toString(),
        updatedAt: open.updatedAt,
        author: open.author,
      };
    }
    const { text, updatedAt, author } = notesPane(this.db, rootId);
    return { text, updatedAt, author };
  }

  connect(rootId: string, ws: WebSocket, author: string | null): void {
    const notes = this.open(rootId);
    notes.clients.set(ws, { author });
    this.alive.add(ws);
    ws.on("pong", () => this.alive.add(ws));
    ws.on("message", (data, isBinary) => {
      if (!isBinary) {
        ws.close(1003, "binary y-websocket messages only");
        return;
      }
      try {
        this.receive(notes, ws, toBytes(data));
      } catch {
        ws.close(1007, "malformed y-websocket message");
      }
    });
    ws.on("close", () => this.disconnect(notes, ws));
    ws.on("error", () => ws.terminate());
    ws.send(syncStep1(notes.doc));
  }

  /** Saves every open pane and closes its clients (server shutdown). */
  close(): void {
    clearInterval(this.pinger);
    for (const notes of this.docs.values()) {
      this.save(notes);
      for (const ws of notes.clients.keys()) ws.close(1001, "server shutting down");
      notes.doc.destroy();
    }
    this.docs.clear();
  }

  private open(rootId: string): NotesDoc {
    const existing = this.docs.get(rootId);
    if (existing) return existing;
    const stored = notesPane(this.db, rootId);
    const doc = new Y.Doc();
    if (stored.state) Y.applyUpdate(doc, stored.state);
    const notes: NotesDoc = {
      rootId,
      doc,
      clients: new Map(),
      author: stored.author,
      updatedAt: stored.updatedAt,
      dirty: false,
    };
    doc.on("update", (update: Uint8Array, origin: unknown) => {
      const message = updateMessage(update);
      for (const ws of notes.clients.keys()) {
        if (ws.readyState === WebSocket.OPEN) ws.send(message);
      }
      const client = origin instanceof WebSocket ? notes.clients.get(origin) : undefined;
      if (client) {
        notes.author = client.author;
        notes.updatedAt = this.now();
      }
      notes.dirty = true;
      notes.timer ??= setTimeout(() => {
        notes.timer = undefined;
        this.save(notes);
      }, SAVE_DELAY_MS);
    });
    this.docs.set(rootId, notes);
    return notes;
  }

  private receive(notes: NotesDoc, ws: WebSocket, message: Uint8Array): void {
    const decoder = decoding.createDecoder(message);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_AWARENESS) {
      // Presence (who is here, their cursor): the server keeps none of it, it only relays it.
      for (const other of notes.clients.keys()) {
        if (other !== ws && other.readyState === WebSocket.OPEN) other.send(message);
      }
      return;
    }
    if (type !== MESSAGE_SYNC) return;
    const syncType = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    if (syncType === syncProtocol.messageYjsSyncStep1) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeSyncStep2(encoder, notes.doc, payload);
      ws.send(encoding.toUint8Array(encoder));
      return;
    }
    if (this.tooLong(notes.doc, payload)) {
      ws.close(
        NOTES_TOO_LONG,
        `notes are limited to ${MAX_NOTES_CHARS} characters: this change was not saved`,
      );
      return;
    }
    Y.applyUpdate(notes.doc, payload, ws);
  }

  /**
   * Whether applying `update` would make the text longer than allowed. An update of n bytes inserts
   * at most n UTF-16 code units, so only updates near the limit are tried on a copy.
   */
  private tooLong(doc: Y.Doc, update: Uint8Array): boolean {
    const length = doc.getText("notes").length;
    if (length + update.length <= MAX_NOTES_CHARS) return false;
    const trial = new Y.Doc();
    try {
      Y.applyUpdate(trial, Y.encodeStateAsUpdate(doc));
      Y.applyUpdate(trial, update);
      return trial.getText("notes").length > MAX_NOTES_CHARS;
    } finally {
      trial.destroy();
    }
  }

  private save(notes: NotesDoc): void {
    if (notes.timer) clearTimeout(notes.timer);
    notes.timer = undefined;
    if (!notes.dirty) return;
    notes.dirty = false;
    try {
      saveNotesPane(this.db, notes.rootId, {
        text: notes.doc.getText("notes").toString(),
        state: Y.encodeStateAsUpdate(notes.doc),
        author: notes.author,
        updatedAt: notes.updatedAt ?? this.now(),
      });
    } catch (err) {
      // A full disk or a closed database: the text stays in memory and is saved on the next change.
      notes.dirty = true;
      this.log(`saving the notes of root run ${notes.rootId} failed: ${String(err)}`);
    }
  }

  private ping(): void {
    for (const notes of this.docs.values()) {
      for (const ws of notes.clients.keys()) {
        if (!this.alive.has(ws)) {
          ws.terminate();
          continue;
        }
        this.alive.delete(ws);
        try {
          ws.ping();
        } catch (err) {
          this.log(`notes ping failed: ${String(err)}`);
          ws.terminate();
        }
      }
    }
  }

  private disconnect(notes: NotesDoc, ws: WebSocket): void {
    notes.clients.delete(ws);
    if (notes.clients.size > 0 || this.docs.get(notes.rootId) !== notes) return;
    this.save(notes);
    notes.doc.destroy();
    this.docs.delete(notes.rootId);
  }
}

function toBytes(data: WebSocket.RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
