import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestServer, type TestServer } from "../testing/harness";
import { idOf, packageArchive as archive, sha256 } from "../testing/package-fixture";

describe("code packages on the server", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ maxPackageBytes: 64 * 1024 });
  });
  after(() => t.close());

  const post = (body: Buffer | string, headers: Record<string, string> = {}) =>
    t.api.request<{
      id: string;
      size: number;
      created: boolean;
      error?: { code: string; message: string };
    }>("POST", "/api/v1/packages", {
      raw: body,
      headers: { "content-type": "application/json", ...headers },
    });

  it("stores a package once: the same upload again is answered 200 with the same id", async () => {
    const bytes = archive();
    const first = await post(bytes);
    assert.equal(first.status, 201, first.text);
    assert.deepEqual(first.body, { id: idOf(bytes), size: bytes.length, created: true });
    const again = await post(bytes);
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.body, { id: idOf(bytes), size: bytes.length, created: false });
  });

  it("gives back the identical bytes and the manifest", async () => {
    const bytes = archive("module.exports = { two: 2 };\n");
    const { body } = await post(bytes);
    const res = await fetch(`${t.server.url}/api/v1/packages/${body.id}`, {
      headers: { authorization: `Bearer ${t.server.token}` },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
    const manifest = await t.api.get<{ entry: unknown; files: unknown[] }>(
      `/packages/${body.id}/manifest`,
    );
    assert.equal(manifest.status, 200);
    assert.deepEqual(
      manifest.body,
      (JSON.parse(bytes.toString()) as { manifest: unknown }).manifest,
    );
  });

  it("refuses a package over the size limit with a 413 that says what to do", async () => {
    const res = await post(archive("x".repeat(70 * 1024)));
    assert.equal(res.status, 413);
    assert.match(res.body.error!.message, /larger than the server's limit of 65536 bytes/);
  });

  it("refuses an archive that is not canonical, or whose manifest does not match its files", async () => {
    const spaced = await post(JSON.stringify(JSON.parse(archive().toString()), null, 1));
    assert.equal(spaced.status, 400);
    assert.match(spaced.body.error!.message, /not in canonical form/);
    const tampered = await post(
      archive(undefined, (a) => {
        a.files["bundle.js"] = "process.exit(1);\n";
      }),
    );
    assert.equal(tampered.status, 400);
    assert.match(tampered.body.error!.message, /sha256 of bundle\.js does not match/);
    const escaping = await post(
      archive(undefined, (a) => {
        a.files["../evil.js"] = "";
        (a.manifest.files as unknown[]).push({ path: "../evil.js", sha256: sha256(""), size: 0 });
      }),
    );
    assert.equal(escaping.status, 400);
    assert.match(escaping.body.error!.message, /safe relative path: "\.\.\/evil\.js"/);
    const notJson = await post("not json");
    assert.equal(notJson.status, 400);
  });

  it("answers 404 for an unknown package, 400 for a bad id, 401 without the token", async () => {
    const unknown = await t.api.get<{ error: { code: string } }>(`/packages/${"0".repeat(64)}`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, "unknown_package");
    const manifest = await t.api.get<{ error: { code: string } }>(
      `/packages/${"0".repeat(64)}/manifest`,
    );
    assert.equal(manifest.status, 404);
    const bad = await t.api.get<{ error: { code: string } }>("/packages/nothex");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, "invalid_package_id");
    const anonymous = await t.api.request("POST", "/api/v1/packages", {
      raw: archive(),
      token: null,
    });
    assert.equal(anonymous.status, 401);
  });
});
