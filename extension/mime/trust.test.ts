import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, describe, it } from "node:test";

import WebSocket, { WebSocketServer } from "ws";

import { LineageClient } from "../client";
import { cancelRootRun } from "../commands/cancel";
import { fetchRunGraph } from "../live/rest";
import { LiveGraphSource } from "../live/source";
import { type ITsematicSettings, resolveSettings, tokenFor } from "../settings";
import { approveOrigin, clearApprovals, runViewSource, settingsFor } from "./trust";

/** What a fake lineage server received: path and query, and the Authorization header. */
interface IReceived {
  readonly url: string;
  readonly authorization: string | undefined;
  readonly upgrade: boolean;
}

/** A fake server on 127.0.0.1 (HTTP and WebSocket) that records every request it receives. */
async function fakeServer(): Promise<{
  url: string;
  received: IReceived[];
  close(): Promise<void>;
}> {
  const received: IReceived[] = [];
  const record = (request: IncomingMessage, upgrade: boolean): void => {
    received.push({
      url: request.url ?? "",
      authorization: request.headers.authorization,
      upgrade,
    });
  };
  const server: Server = createServer((request, response) => {
    record(request, false);
    response
      .writeHead(200, { "Content-Type": "application/json" })
      .end(JSON.stringify({ runs: [], flows: [], status: "active", canceledRuns: 0 }));
  });
  const sockets = new WebSocketServer({ noServer: true });
  server.on("upgrade", (request, socket, head) => {
    record(request, true);
    sockets.handleUpgrade(request, socket, head, (ws) => ws.close());
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: async () => {
      for (const client of sockets.clients) {
        client.terminate();
      }
      sockets.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

const TOKEN = "configured-secret";

describe("the lineage token goes only to the configured server's origin", () => {
  let configured: Awaited<ReturnType<typeof fakeServer>>;
  let other: Awaited<ReturnType<typeof fakeServer>>;
  let settings: ITsematicSettings;

  before(async () => {
    configured = await fakeServer();
    other = await fakeServer();
    settings = resolveSettings({ serverUrl: configured.url, token: TOKEN });
  });
  after(async () => {
    await configured.close();
    await other.close();
  });
  beforeEach(() => {
    configured.received.length = 0;
    other.received.length = 0;
    clearApprovals();
  });

  it("tokenFor gives the token for the configured origin only", () => {
    assert.equal(tokenFor(settings, `${configured.url}/api/v1/runs`), TOKEN);
    assert.equal(tokenFor(settings, `${other.url}/api/v1/runs`), "");
    assert.equal(tokenFor(settings, "http://evil.example/api"), "");
    assert.equal(tokenFor(settings, "not a url"), "");
  });

  it("a client pointed at another server by spreading the settings sends no token (REST, graph poll, cancel)", async () => {
    // What the renderer and the cancel command did: the bundle's URL in place of the configured one.
    const client = new LineageClient({ settings: () => ({ ...settings, serverUrl: other.url }) });
    await client.listRuns();
    await fetchRunGraph(client, "r1");
    await cancelRootRun(client, "r1");
    assert.equal(other.received.length, 3);
    assert.deepEqual(
      other.received.map((r) => r.authorization),
      [undefined, undefined, undefined],
    );
    // The configured server still gets it.
    await new LineageClient({ settings: () => settings }).listRuns();
    assert.equal(configured.received[0]?.authorization, `Bearer ${TOKEN}`);
  });

  it("the live source's WebSocket carries the token only to the configured server", async () => {
    const open = (target: ITsematicSettings): LiveGraphSource =>
      new LiveGraphSource({
        rootId: "r1",
        settings: () => target,
        pollFallback: false,
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      });
    const foreign = open(settingsFor(settings, other.url));
    const home = open(settings);
    const upgrades = async (server: typeof other): Promise<IReceived[]> => {
      for (let i = 0; i < 200 && !server.received.some((r) => r.upgrade); i++) {
        await new Promise((done) => setTimeout(done, 10));
      }
      return server.received.filter((r) => r.upgrade);
    };
    try {
      const [away] = await upgrades(other);
      const [mine] = await upgrades(configured);
      assert.ok(away && mine, "both servers were asked for the live document");
      assert.doesNotMatch(away.url, /token/);
      assert.match(mine.url, new RegExp(`token=${TOKEN}`));
    } finally {
      foreign.dispose();
      home.dispose();
    }
  });

  it("a notebook's run view: silent runs and other origins are not followed; the configured origin is", () => {
    assert.deepEqual(runViewSource({ mode: "silent", serverUrl: null }, settings), {
      kind: "silent",
    });
    assert.deepEqual(runViewSource({ mode: "local", serverUrl: `${configured.url}/` }, settings), {
      kind: "configured",
      serverUrl: configured.url,
    });
    assert.deepEqual(runViewSource({ mode: "local", serverUrl: other.url }, settings), {
      kind: "foreign",
      serverUrl: other.url,
      origin: other.url,
    });
    assert.deepEqual(runViewSource({ mode: "local", serverUrl: "javascript:alert(1)" }, settings), {
      kind: "foreign",
      serverUrl: "javascript:alert(1)",
      origin: "",
    });
  });

  it("after the user agrees to connect, the other server gets the token only if the user allowed it", async () => {
    approveOrigin(other.url, false);
    const source = runViewSource({ mode: "local", serverUrl: other.url }, settings);
    assert.deepEqual(source, { kind: "approved", serverUrl: other.url, sendToken: false });
    await new LineageClient({ settings: () => settingsFor(settings, other.url, false) }).listRuns();
    await new LineageClient({ settings: () => settingsFor(settings, other.url, true) }).listRuns();
    assert.deepEqual(
      other.received.map((r) => r.authorization),
      [undefined, `Bearer ${TOKEN}`],
    );
  });
});
