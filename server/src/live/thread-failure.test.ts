import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type WebSocket from "ws";
import type { Db } from "../storage/db";
import { LIVE_UNAVAILABLE, LiveGraphs } from "./hub";

/** A connected socket that records how the hub closed it. */
function closingSocket(): { ws: WebSocket; closed: Promise<[number, string]> } {
  let close!: (how: [number, string]) => void;
  const closed = new Promise<[number, string]>((resolve) => (close = resolve));
  const ws = {
    readyState: 1, // WebSocket.OPEN
    bufferedAmount: 0,
    on() {},
    send() {},
    close(code: number, reason: string) {
      close([code, reason]);
    },
    terminate() {},
    ping() {},
  } as unknown as WebSocket;
  return { ws, closed };
}

describe("a failed live documents' thread", () => {
  it("is logged, and its clients are closed with code 1011 so that they reconnect", async () => {
    // The thread cannot open this database: it fails as soon as it starts.
    const db = { name: "/nonexistent/tsematic-live/lineage.sqlite" } as Db;
    const logged: string[] = [];
    const live = new LiveGraphs(db, (m) => logged.push(m));
    try {
      const { ws, closed } = closingSocket();
      live.connect("0123456789abcdef", ws);
      const [code, reason] = await closed;
      assert.equal(code, LIVE_UNAVAILABLE);
      assert.match(reason, /live graph unavailable/);
      assert.equal(logged.length, 1);
      assert.ok(
        logged[0]!.startsWith(`live graphs: the documents' thread (reading ${db.name}) failed`),
        logged[0],
      );
    } finally {
      await live.close();
    }
  });
});
