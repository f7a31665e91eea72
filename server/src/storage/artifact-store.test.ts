import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, describe, it } from "node:test";
import { ApiError } from "../http/errors";
import { contentId } from "../testing/fixture";
import { tempDir } from "../testing/harness";
import { ArtifactStore } from "./artifact-store";

describe("artifact bytes on disk", () => {
  const dir = tempDir();
  after(() => rmSync(dir, { recursive: true, force: true }));
  const store = new ArtifactStore(join(dir, "artifacts"));
  const bytes = Buffer.from('{"rows":3}');
  const id = contentId("json", bytes);

  it("stores verified bytes under their content address, once", async () => {
    assert.deepEqual(await store.write(id, "json", Readable.from([bytes]), 1024), {
      created: true,
      size: bytes.length,
    });
    assert.deepEqual(readFileSync(store.pathOf(id)), bytes);
    assert.equal(store.pathOf(id), join(dir, "artifacts", id.slice(0, 2), id.slice(2)));
    assert.deepEqual(await store.write(id, "json", Readable.from([bytes]), 1024), {
      created: false,
      size: bytes.length,
    });
  });

  it("refuses bytes that do not hash to the id, leaving nothing behind", async () => {
    const other = contentId("json", Buffer.from("other"));
    await assert.rejects(
      store.write(other, "json", Readable.from([bytes]), 1024),
      (err: unknown) => err instanceof ApiError && err.code === "content_mismatch",
    );
    await assert.rejects(
      store.write(id, "arrow.table", Readable.from([bytes]), 1024),
      (err: unknown) => err instanceof ApiError && err.code === "content_mismatch",
    );
    assert.equal(store.has(other), false);
    assert.deepEqual(readdirSync(join(dir, "artifacts", "tmp")), []);
  });

  it("refuses bytes over the limit with a 413", async () => {
    const big = Buffer.alloc(2048, 1);
    await assert.rejects(
      store.write(contentId("binary", big), "binary", Readable.from([big]), 1024),
      (err: unknown) => err instanceof ApiError && err.status === 413,
    );
    assert.deepEqual(readdirSync(join(dir, "artifacts", "tmp")), []);
  });

  it("builds no path from an id that is not a content address", () => {
    for (const bad of ["../../etc/passwd", "A".repeat(64), "a".repeat(63), ""]) {
      assert.throws(() => store.pathOf(bad), /not an artifact id/);
    }
  });

  it("removes leftovers of interrupted uploads when it opens", () => {
    const tmp = join(dir, "artifacts", "tmp", "partial");
    writeFileSync(tmp, "half");
    new ArtifactStore(join(dir, "artifacts"));
    assert.equal(existsSync(tmp), false);
  });
});
