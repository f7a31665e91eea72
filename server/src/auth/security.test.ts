import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startServer } from "../server";
import { pipelineFixture } from "../testing/fixture";
import { startTestServer, tempDir, type TestServer } from "../testing/harness";
import { tokensEqual } from "./token";

const mode = (file: string): number => statSync(file).mode & 0o777;

describe("security defaults", () => {
  let t: TestServer;
  const origin = "http://localhost:8888";
  before(async () => {
    t = await startTestServer({ corsOrigins: [origin] });
  });
  after(() => t.close());

  it("binds 127.0.0.1 and writes token and server.json readable by the owner only", () => {
    assert.match(t.server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const token = readFileSync(join(t.dataDir, "token"), "utf8").trim();
    assert.equal(token, t.server.token);
    assert.match(token, /^[0-9a-f]{64}$/);
    assert.equal(mode(join(t.dataDir, "token")), 0o600);
    assert.equal(mode(join(t.dataDir, "server.json")), 0o600);
    assert.equal(mode(join(t.dataDir, "lineage.sqlite")), 0o600);
    assert.equal(mode(t.dataDir) & 0o077, 0);
    const info = JSON.parse(readFileSync(join(t.dataDir, "server.json"), "utf8"));
    assert.deepEqual(Object.keys(info).sort(), ["pid", "url", "version"]);
    assert.equal(info.url, t.server.url);
    assert.equal(info.pid, process.pid);
  });

  it("answers health without a token, saying nothing but ok, the version and the request limits", async () => {
    const res = await t.api.request("GET", "/api/v1/health", { token: null });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body as object).sort(), ["limits", "ok", "version"]);
    // The limits are the ones this server enforces: its options and the contract's maxItems.
    assert.deepEqual((res.body as { limits: unknown }).limits, {
      batchBytes: t.server.context.options.maxBatchBytes,
      eventsPerBatch: 20_000,
      artifactsPerBatch: 10_000,
      artifactBytes: t.server.context.options.maxArtifactBytes,
    });
  });

  it("requires the bearer token everywhere else; ?token= is for WebSocket only", async () => {
    for (const token of [null, "wrong", `${t.server.token}0`, ""]) {
      const res = await t.api.request<{ error: { code: string; message: string } }>(
        "GET",
        "/api/v1/runs",
        { token },
      );
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, "unauthorized");
    }
    const query = await t.api.request("GET", `/api/v1/runs?token=${t.server.token}`, {
      token: null,
    });
    assert.equal(query.status, 401);
  });

  it("sends CORS headers to configured origins only", async () => {
    const allowed = await t.api.request("GET", "/api/v1/runs", { headers: { origin } });
    assert.equal(allowed.headers.get("access-control-allow-origin"), origin);
    const other = await t.api.request("GET", "/api/v1/runs", {
      headers: { origin: "http://evil.example" },
    });
    assert.equal(other.headers.get("access-control-allow-origin"), null);
    const preflight = await t.api.request("OPTIONS", "/api/v1/events", {
      token: null,
      headers: { origin, "access-control-request-method": "POST" },
    });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get("access-control-allow-headers") ?? "", /Authorization/);
    const refused = await t.api.request("OPTIONS", "/api/v1/events", {
      token: null,
      headers: { origin: "http://evil.example", "access-control-request-method": "POST" },
    });
    assert.equal(refused.headers.get("access-control-allow-origin"), null);
  });

  it("serves artifact bytes so that a browser never runs them as a page", async () => {
    const fx = pipelineFixture({ seed: "security" });
    await t.api.uploadArtifacts(fx.artifacts);
    await t.api.postEvents(fx.events);
    const res = await t.api.get(`/artifacts/${fx.artifactIds.plot}/value`);
    assert.equal(res.headers.get("content-security-policy"), "sandbox");
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  });

  it("refuses a second server on the same data directory", async () => {
    await assert.rejects(startServer({ dataDir: t.dataDir, port: 0 }), /already serves/);
  });
});

describe("the token across restarts", () => {
  it("is created once and reused; server.json goes away when the server stops", async () => {
    const dataDir = tempDir();
    try {
      const first = await startTestServer({ dataDir });
      const token = first.server.token;
      await first.close();
      assert.equal(existsSync(join(dataDir, "server.json")), false);
      const second = await startTestServer({ dataDir });
      assert.equal(second.server.token, token);
      await second.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("token comparison", () => {
  it("accepts only the exact token, whatever the length of the guess", () => {
    const token = "a".repeat(64);
    assert.equal(tokensEqual(token, token), true);
    assert.equal(tokensEqual(`${token}a`, token), false);
    assert.equal(tokensEqual("a", token), false);
    assert.equal(tokensEqual("", token), false);
    assert.equal(tokensEqual("b".repeat(64), token), false);
  });
});
