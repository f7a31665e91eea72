import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { startTestServer, type TestServer } from "../testing/harness";

describe("prebuilt dependency archives on the server", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ maxArtifactBytes: 64 * 1024 });
  });
  after(() => t.close());

  const put = (key: string, body: Buffer | string) =>
    t.api.request<{
      key: string;
      archiveId: string;
      size: number;
      created: boolean;
      error?: { code: string; message: string };
    }>("PUT", `/api/v1/dependencies/${key}`, {
      raw: body,
      headers: { "content-type": "application/gzip" },
    });
  const get = (key: string) =>
    fetch(`${t.server.url}/api/v1/dependencies/${key}`, {
      headers: { authorization: `Bearer ${t.server.token}` },
    });

  it("gives back the identical bytes of the archive a key names, and the key's newest archive after a second upload", async () => {
    const key = "a".repeat(64);
    const first = gzipSync("first node_modules");
    const stored = await put(key, first);
    assert.equal(stored.status, 201, stored.text);
    assert.equal((await put(key, first)).body.created, false);
    assert.deepEqual(Buffer.from(await (await get(key)).arrayBuffer()), first);
    const second = gzipSync("second node_modules");
    const replaced = await put(key, second);
    assert.equal(replaced.status, 201);
    assert.notEqual(replaced.body.archiveId, stored.body.archiveId);
    assert.deepEqual(Buffer.from(await (await get(key)).arrayBuffer()), second);
  });

  it("answers 404 for a key without an archive, saying how to upload one", async () => {
    const res = await get("b".repeat(64));
    assert.equal(res.status, 404);
    assert.match(await res.text(), /PUT \/api\/v1\/dependencies\/b{64}/);
  });

  it("refuses an archive over --max-artifact-bytes with a 413 that says how to raise it, and stores nothing", async () => {
    const key = "c".repeat(64);
    const res = await put(key, gzipSync(randomBytes(70 * 1024)));
    assert.equal(res.status, 413, res.text);
    assert.match(res.body.error!.message, /--max-artifact-bytes/);
    assert.equal((await get(key)).status, 404);
  });

  it("refuses a body that is not gzip with a 400 naming what to upload", async () => {
    const res = await put("d".repeat(64), "node_modules/");
    assert.equal(res.status, 400);
    assert.match(res.body.error!.message, /tar -czf deps\.tgz node_modules/);
  });
});
