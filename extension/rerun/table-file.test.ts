import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";

import { tableFromArrays, tableFromIPC, tableToIPC } from "apache-arrow";

import { LineageClient } from "../client";
import { originOf } from "../settings";
import { TableFileError, tableArtifactFromFile, uploadTableArtifact } from "./table-file";

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const sha = (typeName: string, bytes: Uint8Array): string =>
  createHash("sha256").update(typeName).update("\0").update(bytes).digest("hex");

describe("a table file as a table artifact", () => {
  it("reads a CSV file as kernel-lib's arrow.table: typed columns, nulls, the same content address", async () => {
    const csv = 'city,temp,rainy\nParis,12.5,true\n"Lyon, Rhône",,false\r\nNice,18,\n';
    const artifact = await tableArtifactFromFile("weather.csv", encode(csv));
    assert.equal(artifact.typeName, "arrow.table");
    assert.equal(artifact.mediaType, "application/vnd.apache.arrow.stream");
    assert.equal(artifact.id, sha("arrow.table", artifact.bytes));
    assert.equal(artifact.size, artifact.bytes.byteLength);
    assert.deepEqual(
      artifact.summary.schema.map((f) => [f.name, f.type]),
      [
        ["city", "Utf8"],
        ["temp", "Float64"],
        ["rainy", "Bool"],
      ],
    );
    assert.equal(artifact.summary.numRows, 3);
    assert.deepEqual(artifact.summary.rows, [
      ["Paris", 12.5, true],
      ["Lyon, Rhône", null, false],
      ["Nice", 18, null],
    ]);
    const table = tableFromIPC(artifact.bytes);
    assert.deepEqual(table.getChild("temp")?.toArray(), new Float64Array([12.5, 0, 18]));
  });

  it("stores an Arrow IPC file in the stream format, as kernel-lib stores tables", async () => {
    const source = tableFromArrays({ x: new Float64Array([1, 2, 3]), label: ["a", "b", "c"] });
    const file = tableToIPC(source, "file");
    const artifact = await tableArtifactFromFile("points.arrow", file);
    assert.deepEqual(artifact.bytes, tableToIPC(source, "stream"));
    assert.equal(artifact.summary.numRows, 3);
    assert.deepEqual(artifact.summary.rows[2], [3, "c"]);
  });

  it("refuses a CSV row whose cells do not match the header, naming the line", async () => {
    await assert.rejects(
      tableArtifactFromFile("prices.csv", encode("a,b\n1,2\n3\n")),
      (error: unknown) =>
        error instanceof TableFileError &&
        error.message ===
          "prices.csv, line 3: 1 cells where the header has 2: quote cells that contain commas.",
    );
    await assert.rejects(tableArtifactFromFile("empty.csv", encode("")), /empty.csv is empty/);
  });

  describe("uploaded to the real lineage server", () => {
    let server: ChildProcess;
    let dataDir: string;
    let client: LineageClient;

    before(async () => {
      const repo = resolve(__dirname, "..", "..", "..");
      dataDir = mkdtempSync(join(tmpdir(), "tsematic-rerunui-"));
      server = spawn(
        process.execPath,
        [join(repo, "server", "lib", "cli.js"), "server", "--port=0", `--data-dir=${dataDir}`],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      const url = await new Promise<string>((done, fail) => {
        let seen = "";
        server.stdout?.on("data", (chunk: Buffer) => {
          seen += chunk.toString();
          const match = /listening on (\S+)/.exec(seen);
          if (match) {
            done(match[1]!);
          }
        });
        server.once("exit", (code) => fail(new Error(`the server exited with ${code}`)));
      });
      const token = readFileSync(join(dataDir, "token"), "utf8").trim();
      client = new LineageClient({
        settings: () => ({ serverUrl: url, token, tokenOrigin: originOf(url) }),
      });
    });

    after(async () => {
      if (server.exitCode === null) {
        const exited = new Promise((done) => server.once("exit", done));
        server.kill("SIGTERM");
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("is known as a table with its summary, and its bytes are the ones read", async () => {
      const artifact = await tableArtifactFromFile("n.csv", encode("n\n1\n2\n"));
      await uploadTableArtifact(client, artifact);
      const stored = (await client.requestJson(`/api/v1/artifacts/${artifact.id}`)) as Record<
        string,
        unknown
      >;
      assert.equal(stored.typeName, "arrow.table");
      assert.equal(stored.stored, true);
      assert.deepEqual((stored.summary as { numRows: number }).numRows, 2);
      const bytes = await (
        await client.request(`/api/v1/artifacts/${artifact.id}/value`, { accept: "*/*" })
      ).arrayBuffer();
      assert.deepEqual(new Uint8Array(bytes), artifact.bytes);
      // Uploading the same table again changes nothing (content-addressed, idempotent).
      await uploadTableArtifact(client, artifact);
    });
  });
});
