import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { pipelineFixture } from "../testing/fixture";
import { startTestServer, type TestServer } from "../testing/harness";

interface Reply {
  status: number;
  body: string;
}

/** A request with a Host header of our choosing (fetch does not let a caller set Host). */
function withHost(
  url: string,
  path: string,
  host: string | undefined,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const base = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        path,
        method: "GET",
        headers: host === undefined ? headers : { ...headers, host },
        setHost: host === undefined ? false : undefined,
        agent: false,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("Host header check (DNS rebinding)", () => {
  let t: TestServer;
  const fx = pipelineFixture({ seed: "host-check" });
  before(async () => {
    t = await startTestServer({ allowedHosts: ["lineage.internal"] });
    await t.api.postEvents(fx.events);
  });
  after(() => t.close());

  const port = (): string => new URL(t.server.url).port;
  const auth = (): Record<string, string> => ({ authorization: `Bearer ${t.server.token}` });

  it("refuses a request whose Host is not a loopback name or a configured one, even with the token", async () => {
    for (const host of [
      "evil.example",
      `evil.example:${port()}`,
      "127.0.0.1.evil.example",
      "10.0.0.1",
    ]) {
      const res = await withHost(t.server.url, "/api/v1/runs", host, auth());
      assert.equal(res.status, 403, host);
      const body = JSON.parse(res.body) as { error: { code: string; message: string } };
      assert.equal(body.error.code, "host_not_allowed");
      assert.match(body.error.message, /--allowed-host/);
    }
    const health = await withHost(t.server.url, "/api/v1/health", "evil.example");
    assert.equal(health.status, 403);
  });

  it("accepts loopback names with any port, and the configured host names", async () => {
    for (const host of [
      `127.0.0.1:${port()}`,
      "127.0.0.1",
      `localhost:${port()}`,
      "LOCALHOST:1",
      `[::1]:${port()}`,
      "lineage.internal",
      "lineage.internal:443",
    ]) {
      const res = await withHost(t.server.url, "/api/v1/runs", host, auth());
      assert.equal(res.status, 200, host);
    }
  });

  it("refuses a WebSocket upgrade whose Host is not allowed", async () => {
    const base = new URL(t.server.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({
        host: base.hostname,
        port: base.port,
        path: `/api/v1/live/${fx.rootId}?token=${t.server.token}`,
        headers: {
          host: "evil.example",
          connection: "Upgrade",
          upgrade: "websocket",
          "sec-websocket-version": "13",
          "sec-websocket-key": Buffer.alloc(16, 1).toString("base64"),
        },
        agent: false,
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("upgrade", (_res, socket) => {
        socket.destroy();
        resolve(101);
      });
      req.on("error", reject);
      req.end();
    });
    assert.equal(status, 403);
  });
});
