/**
 * The live notes pane with the y-websocket client the extension uses (y-websocket's
 * WebsocketProvider) against the real server and sqlite: two clients editing one note see each
 * other's text, the server persists it (with the author) so it survives a restart, a client that
 * kept its document merges with it after the restart instead of doubling it, and the limits hold.
 */
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import WebSocket from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { notesPane } from "../storage/notes-pane";
import { pipelineFixture } from "../testing/fixture";
import { startTestServer, tempDir, type TestServer } from "../testing/harness";
import { handshakeStatus, LiveClient } from "../testing/live-client";
import { NOTES_TOO_LONG } from "./notes";

/** Resolves once `predicate` holds for the document (checked after every change). */
function until(doc: Y.Doc, predicate: () => boolean, what: string): Promise<void> {
  if (predicate()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      doc.off("update", check);
      reject(
        new Error(`${what}: the notes are ${JSON.stringify(doc.getText("notes").toString())}`),
      );
    }, 10_000);
    const check = (): void => {
      if (!predicate()) return;
      clearTimeout(timer);
      doc.off("update", check);
      resolve();
    };
    doc.on("update", check);
  });
}

function synced(provider: WebsocketProvider): Promise<void> {
  if (provider.synced) return Promise.resolve();
  return new Promise((resolve) =>
    provider.once("sync", (isSynced: boolean) => isSynced && resolve()),
  );
}

async function eventually<T>(what: string, check: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("live notes panes over y-websocket", () => {
  const dataDir = tempDir();
  let t: TestServer;
  const fx = pipelineFixture({ seed: "notes" });
  const providers: WebsocketProvider[] = [];
  /** Destroyed at the end: a provider's awareness keeps a timer until its document is destroyed. */
  const docs = new Set<Y.Doc>();

  const connect = (doc: Y.Doc, author: string): WebsocketProvider => {
    const provider = new WebsocketProvider(
      `${t.server.url.replace(/^http/, "ws")}/api/v1/live`,
      `notes/${fx.rootId}`,
      doc,
      {
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        params: { token: t.server.token, author },
      },
    );
    providers.push(provider);
    docs.add(doc);
    return provider;
  };

  before(async () => {
    t = await startTestServer({ dataDir });
    await t.api.postEvents(fx.events);
  });
  after(async () => {
    for (const p of providers) p.destroy();
    for (const doc of docs) doc.destroy();
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("shows two clients each other's text, persists it with its author, and keeps it over a restart", async () => {
    const docA = new Y.Doc();
    const docB = new Y.Doc();
    const a = connect(docA, "ada");
    const b = connect(docB, "grace");
    await Promise.all([synced(a), synced(b)]);
    const notesA = docA.getText("notes");
    const notesB = docB.getText("notes");
    notesA.insert(0, "lr 0.1 diverged.");
    await until(docB, () => notesB.toString() === "lr 0.1 diverged.", "B sees A's text");
    notesB.insert(notesB.length, " Try 0.01.");
    const both = "lr 0.1 diverged. Try 0.01.";
    await until(docA, () => notesA.toString() === both, "A sees B's text");

    const pane = await t.api.get<{ text: string; author: string; updatedAt: number }>(
      `/runs/${fx.rootId}/notes-pane`,
    );
    assert.equal(pane.body.text, both);
    assert.equal(pane.body.author, "grace");
    assert.ok(pane.body.updatedAt > 0);
    // Saved while the clients are still connected (at most a second after the change).
    await eventually("the save", () =>
      notesPane(t.server.context.db, fx.rootId).text === both ? true : undefined,
    );

    a.destroy();
    b.destroy();
    await t.server.close();
    t = await startTestServer({ dataDir });
    const after = await t.api.get<{ text: string; author: string }>(
      `/runs/${fx.rootId}/notes-pane`,
    );
    assert.deepEqual([after.body.text, after.body.author], [both, "grace"]);

    const docC = new Y.Doc();
    const c = connect(docC, "linus");
    await synced(c);
    await until(docC, () => docC.getText("notes").toString() === both, "C loads the saved text");
    // A client that kept its document through the restart merges with the stored one.
    const again = connect(docA, "ada");
    await synced(again);
    notesA.insert(notesA.length, " Done.");
    await until(
      docC,
      () => docC.getText("notes").toString() === `${both} Done.`,
      "no doubled text",
    );
    assert.equal(notesA.toString(), `${both} Done.`);
  });

  it("refuses a client without the token, and a notes pane of a step or an unknown run", async () => {
    const base = `${t.server.url.replace(/^http/, "ws")}/api/v1/live/notes`;
    assert.equal(await handshakeStatus(`${base}/${fx.rootId}`), 401);
    assert.equal(await handshakeStatus(`${base}/${fx.rootId}?token=wrong`), 401);
    assert.equal(await handshakeStatus(`${base}/${"0".repeat(32)}?token=${t.server.token}`), 404);
    assert.equal(
      await handshakeStatus(`${base}/${fx.rootId}?token=${t.server.token}&author=`),
      400,
    );
    assert.equal(await handshakeStatus(`${base}/${fx.rootId}?token=${t.server.token}`), 101);
  });

  it("drops a change past 100,000 characters and tells its client, keeping the text", async () => {
    const before = (await t.api.get<{ text: string }>(`/runs/${fx.rootId}/notes-pane`)).body.text;
    const client = new LiveClient(
      `${t.server.url.replace(/^http/, "ws")}/api/v1/live/notes/${fx.rootId}?token=${t.server.token}`,
    );
    await client.synced;
    const closed = new Promise<[number, string]>((resolve) =>
      client.ws.once("close", (code, reason) => resolve([code, reason.toString()])),
    );
    client.doc.getText("notes").insert(0, "x".repeat(100_001 - before.length));
    const [code, reason] = await closed;
    assert.equal(code, NOTES_TOO_LONG);
    assert.match(reason, /limited to 100000 characters: this change was not saved/);
    const pane = await t.api.get<{ text: string }>(`/runs/${fx.rootId}/notes-pane`);
    assert.equal(pane.body.text, before);
  });
});
