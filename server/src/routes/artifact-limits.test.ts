import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readdirSync, rmSync } from "node:fs";
import { open } from "node:fs/promises";
import { request } from "node:http";
import type { Socket } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { contentId, pipelineFixture } from "../testing/fixture";
import { spawnServer, startTestServer, tempDir, type TestServer } from "../testing/harness";

const MiB = 1024 * 1024;
const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface UploadOutcome {
  status?: number;
  body: string;
  /** Bytes of the body handed to the socket when the answer came. */
  sentWhenAnswered: number;
}

/**
 * A chunked PUT (no Content-Length) that sends `sendAtMost` bytes, then waits for the answer with the
 * body still open, and ends it only once answered. So the server must answer before the body ends:
 * if it waited for the end, no answer would come (rejected after `answerWithinMs`). A loaded
 * machine may deliver the answer late, but never "after the whole body", whatever its buffers hold.
 */
function chunkedUpload(
  t: TestServer,
  id: string,
  sendAtMost: number,
  answerWithinMs: number,
): Promise<UploadOutcome> {
  const base = new URL(t.server.url);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request({
      host: base.hostname,
      port: base.port,
      method: "PUT",
      path: `/api/v1/artifacts/${id}/value?typeName=binary`,
      headers: {
        authorization: `Bearer ${t.server.token}`,
        "content-type": "application/octet-stream",
      },
      agent: false,
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${answerWithinMs} ms while the body was still open`));
    }, answerWithinMs);
    req.on("response", (res) => {
      answered = true;
      clearTimeout(timer);
      const sentWhenAnswered = sent;
      req.end();
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode, body, sentWhenAnswered }));
    });
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`the answer was lost (${error.message}) after ${sent} bytes`));
    });
    void (async () => {
      const chunk = Buffer.alloc(64 * 1024, 7);
      while (sent < sendAtMost && !answered && !req.destroyed) {
        if (!req.write(chunk)) await new Promise((r) => req.once("drain", r));
        sent += chunk.length;
        await turn();
      }
    })();
  });
}

const tmpFiles = (t: TestServer): string[] => readdirSync(join(t.dataDir, "artifacts", "tmp"));

describe("artifact upload limits", () => {
  let t: TestServer;
  const logs: string[] = [];
  before(async () => {
    t = await startTestServer({ maxArtifactBytes: 4 * MiB, log: (m) => logs.push(m) });
  });
  after(() => t.close());

  it("answers a chunked upload over the limit with 413 as soon as the limit is passed, stores no more than the limit, and deletes its temporary file", async () => {
    const store = t.server.context.artifacts.files;
    const original = store.openTemporary;
    let stored = 0;
    // Counts what reaches the disk: the limit is about storing, and the answer must not wait for it.
    store.openTemporary = async (path) => {
      const file = await original(path);
      const write = file.write.bind(file) as (chunk: Buffer) => Promise<unknown>;
      (file as unknown as { write: (chunk: Buffer) => Promise<unknown> }).write = (chunk) => {
        stored += chunk.length;
        return write(chunk);
      };
      return file;
    };
    const connections: Socket[] = [];
    const onConnection = (socket: Socket): void => {
      connections.push(socket);
    };
    t.server.http.on("connection", onConnection);
    const sendAtMost = 16 * MiB;
    let outcome: UploadOutcome;
    try {
      outcome = await chunkedUpload(t, "a".repeat(64), sendAtMost, 120_000);
    } finally {
      t.server.http.off("connection", onConnection);
      store.openTemporary = original;
    }
    assert.equal(outcome.status, 413, outcome.body);
    assert.match(outcome.body, /--max-artifact-bytes/);
    assert.ok(stored <= 4 * MiB, `${stored} bytes were stored over a 4 MiB limit`);
    assert.ok(outcome.sentWhenAnswered > 4 * MiB, "the answer came before the limit was passed");
    assert.equal(connections.length, 1);
    await t.api.get("/health");
    assert.deepEqual(tmpFiles(t), []);
  });

  it("answers 507 with advice when the disk is full, and keeps nothing", async () => {
    const store = t.server.context.artifacts.files;
    const original = store.openTemporary;
    // /dev/full: every write fails with a real ENOSPC from the kernel.
    store.openTemporary = () => open("/dev/full", "w");
    try {
      const bytes = randomBytes(256 * 1024);
      const id = contentId("binary", bytes);
      const res = await t.api.request<{ error: { code: string; message: string } }>(
        "PUT",
        `/api/v1/artifacts/${id}/value?typeName=binary`,
        { raw: bytes, headers: { "content-type": "application/octet-stream" } },
      );
      assert.equal(res.status, 507, res.text);
      assert.equal(res.body.error.code, "insufficient_storage");
      assert.match(res.body.error.message, /free space/);
      assert.equal((await t.api.get(`/artifacts/${id}`)).status, 404);
    } finally {
      store.openTemporary = original;
    }
    assert.deepEqual(
      logs.filter((l) => /internal error/.test(l)),
      [],
      "a full disk is not an internal error",
    );
  });

  it("answers 507 before reading an upload larger than the free space", async () => {
    const store = t.server.context.artifacts.files;
    const original = store.freeBytes;
    store.freeBytes = () => Promise.resolve(MiB);
    try {
      const bytes = randomBytes(2 * MiB);
      const res = await t.api.request<{ error: { code: string } }>(
        "PUT",
        `/api/v1/artifacts/${contentId("binary", bytes)}/value?typeName=binary`,
        { raw: bytes, headers: { "content-type": "application/octet-stream" } },
      );
      assert.equal(res.status, 507);
      assert.equal(res.body.error.code, "insufficient_storage");
    } finally {
      store.freeBytes = original;
    }
  });

  it("answers 507 when sqlite is full (SQLITE_FULL)", async () => {
    const { db } = t.server.context;
    const pages = (db.pragma("page_count", { simple: true }) as number) + 0;
    db.pragma(`max_page_count = ${pages}`);
    try {
      const items = Array.from({ length: 64 }, (_, i) => {
        const bytes = randomBytes(16 * 1024 + i);
        return {
          id: contentId("binary", bytes),
          typeName: "binary",
          bytes: bytes.toString("base64"),
        };
      });
      const res = await t.api.post("/artifact-uploads", { artifacts: items });
      assert.equal(res.status, 507, JSON.stringify(res.body));
    } finally {
      db.pragma("max_page_count = 1073741823");
    }
  });

  it("writes at most a few streamed uploads at once; the others wait their turn", async () => {
    const store = t.server.context.artifacts.files;
    const original = store.openTemporary;
    let open_ = 0;
    let most = 0;
    store.openTemporary = async (path) => {
      const file = await original(path);
      most = Math.max(most, ++open_);
      const close = file.close.bind(file);
      file.close = () => {
        open_--;
        return close();
      };
      return file;
    };
    try {
      const uploads = Array.from({ length: 12 }, () => {
        const bytes = randomBytes(512 * 1024);
        return t.api.request(
          "PUT",
          `/api/v1/artifacts/${contentId("binary", bytes)}/value?typeName=binary`,
          {
            raw: bytes,
            headers: { "content-type": "application/octet-stream" },
          },
        );
      });
      const answers = await Promise.all(uploads);
      assert.deepEqual(
        answers.map((a) => a.status),
        answers.map(() => 201),
      );
    } finally {
      store.openTemporary = original;
    }
    assert.ok(most <= 4, `${most} uploads were written at once`);
  });
});

describe("artifact downloads", () => {
  let t: TestServer;
  const logs: string[] = [];
  before(async () => {
    t = await startTestServer({ log: (m) => logs.push(m) });
  });
  after(() => t.close());

  it("does not log an aborted download as an error", async () => {
    const bytes = randomBytes(16 * MiB);
    const id = contentId("binary", bytes);
    const put = await t.api.request("PUT", `/api/v1/artifacts/${id}/value?typeName=binary`, {
      raw: bytes,
      headers: { "content-type": "application/octet-stream" },
    });
    assert.equal(put.status, 201);
    const fx = pipelineFixture({ seed: "download" });
    assert.equal((await t.api.postEvents(fx.events)).status, 200);
    const known = await t.api.postEvents([
      {
        type: "artifact",
        id: `${fx.rootId}:10000`,
        rootId: fx.rootId,
        at: Date.now(),
        artifact: {
          id,
          typeName: "binary",
          mediaType: "application/octet-stream",
          size: bytes.length,
          summary: {},
        },
      },
    ]);
    assert.equal(known.status, 200, known.text);
    const before = logs.length;
    const base = new URL(t.server.url);
    await new Promise<void>((resolve) => {
      const req = request(
        {
          host: base.hostname,
          port: base.port,
          path: `/api/v1/artifacts/${id}/value`,
          headers: { authorization: `Bearer ${t.server.token}` },
          agent: false,
        },
        (res) => {
          res.once("data", () => {
            req.destroy();
            resolve();
          });
        },
      );
      req.end();
    });
    await sleep(300);
    await t.api.get("/health");
    assert.deepEqual(logs.slice(before), []);
  });
});

describe("tsematic server --max-artifact-bytes", () => {
  it("sets the upload limit that the 413 names", async () => {
    const dataDir = tempDir();
    const server = await spawnServer(dataDir, ["--max-artifact-bytes", "1000"]);
    try {
      const bytes = randomBytes(2000);
      const res = await server.api.request<{ error: { message: string } }>(
        "PUT",
        `/api/v1/artifacts/${contentId("binary", bytes)}/value?typeName=binary`,
        { raw: bytes, headers: { "content-type": "application/octet-stream" } },
      );
      assert.equal(res.status, 413);
      assert.match(
        res.body.error.message,
        /limit of 1000 bytes?: start the server with --max-artifact-bytes/,
      );
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
