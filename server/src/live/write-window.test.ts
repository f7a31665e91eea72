import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import type WebSocket from "ws";
import * as syncProtocol from "y-protocols/sync";
import * as Y from "yjs";
import { openDatabase, type Db } from "../storage/db";
import { Ingestor } from "../storage/ingest";
import { wideFixture } from "../testing/fixture";
import { LIVE_WRITE_WINDOW_MS, LiveGraphs } from "./hub";

/** A connected socket that keeps what the hub sends it and lets the test play its client. */
function fakeSocket(): {
  ws: WebSocket;
  sent: Uint8Array[];
  emit(event: string, ...args: unknown[]): void;
} {
  const sent: Uint8Array[] = [];
  const listeners = new Map<string, ((...args: unknown[]) => void)[]>();
  const ws = {
    readyState: 1, // WebSocket.OPEN
    bufferedAmount: 0,
    on(event: string, listener: (...args: unknown[]) => void) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
    },
    send(data: Uint8Array, done?: (err?: Error) => void) {
      sent.push(data);
      done?.();
    },
    close() {},
    terminate() {},
    ping() {},
  } as unknown as WebSocket;
  const emit = (event: string, ...args: unknown[]): void => {
    for (const listener of listeners.get(event) ?? []) listener(...args);
  };
  return { ws, sent, emit };
}

/** y-websocket: [messageSync = 0, messageYjsUpdate = 2, ...]. */
const updatesIn = (sent: Uint8Array[]): Uint8Array[] =>
  sent.filter((m) => m[0] === 0 && m[1] === 2);

/** Applies the server's sync answers and updates to a client's document, as y-websocket does. */
function receive(doc: Y.Doc, messages: Uint8Array[]): void {
  for (const message of messages) {
    const decoder = decoding.createDecoder(message);
    if (decoding.readVarUint(decoder) !== 0) continue;
    syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), doc, "server");
  }
}

/** The client's sync step 1: "send me everything I lack". */
function syncStep1Of(doc: Y.Doc): Buffer {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  syncProtocol.writeSyncStep1(encoder, doc);
  return Buffer.from(encoding.toUint8Array(encoder));
}

/** Resolves when the hub has sent a first update (fails after 10 s: the window's timer never wrote). */
async function firstUpdate(sent: Uint8Array[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (updatesIn(sent).length === 0) {
    assert.ok(Date.now() < deadline, "no update within 10 s of the window");
    await new Promise((r) => setTimeout(r, LIVE_WRITE_WINDOW_MS));
  }
}

describe("live documents are written once per window of ingest", () => {
  let dir: string;
  let db: Db;
  let ingestor: Ingestor;
  let live: LiveGraphs;
  const logged: string[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "tsematic-live-window-"));
    db = openDatabase(join(dir, "lineage.sqlite"));
    ingestor = new Ingestor(db);
    live = new LiveGraphs(db, (m) => logged.push(m));
  });
  afterEach(async () => {
    await live.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("sends the batches of one window to a watching client as one Yjs update with the latest rows", async () => {
    const fx = wideFixture(30, "window");
    live.applyChanges(ingestor.ingest(fx.events.slice(0, 1)).changes);
    const { ws, sent, emit } = fakeSocket();
    live.connect(fx.rootId, ws);
    const client = new Y.Doc();
    emit("message", syncStep1Of(client), true);
    await live.flush(); // the greeting and the sync answer are sent
    const answered = sent.length;
    assert.equal(answered, 2);
    // Committed first, then handed over back to back: within one window whatever the disk's speed
    // (the window's timer runs in the documents' thread, not held up by this one's fsyncs).
    const batches = [];
    for (let i = 1; i < fx.events.length; i += 50) {
      batches.push(ingestor.ingest(fx.events.slice(i, i + 50)).changes);
    }
    for (const changes of batches) live.applyChanges(changes);
    // Off the request's path: nothing is written while the batches are acknowledged.
    assert.equal(sent.length, answered);
    // The window's timer writes them (in the documents' thread: on a loaded machine its update may
    // take longer than the window to come back); then nothing is left to write.
    await firstUpdate(sent);
    await live.flush();
    assert.equal(updatesIn(sent).length, 1);

    receive(client, sent);
    const runs = client.getMap<{ state: string }>("runs");
    assert.equal(runs.size, 31);
    assert.ok([...runs.values()].every((run) => run.state === "resolved"));
    assert.equal(client.getMap("edges").size, 60);
    assert.deepEqual(logged, []);
  });

  it("drops what was queued for a root whose last client left before the window ended", async () => {
    const fx = wideFixture(3, "left");
    live.applyChanges(ingestor.ingest(fx.events.slice(0, 1)).changes);
    const { ws, sent, emit } = fakeSocket();
    live.connect(fx.rootId, ws);
    live.applyChanges(ingestor.ingest(fx.events.slice(1)).changes);
    emit("close");
    assert.equal(live.size, 0);
    await live.flush();
    assert.equal(updatesIn(sent).length, 0);
    assert.deepEqual(logged, []);
  });
});
