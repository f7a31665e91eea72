import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";

import { LineageClient } from "../client";
import { originOf } from "../settings";
import { checkRerun, requestRerun, rerunOfRecord, rerunRefusal } from "./api";

/** The refusal a rerun call failed with (the call must fail). */
async function refusalOf(call: Promise<unknown>): Promise<ReturnType<typeof rerunRefusal>> {
  try {
    await call;
  } catch (error) {
    return rerunRefusal(error);
  }
  assert.fail("the server accepted the rerun");
}

describe("the rerun route as the extension calls it, on the real lineage server", () => {
  let server: ChildProcess;
  let dataDir: string;
  let client: LineageClient;
  /** A root run a notebook kernel made (no code package), and one of its steps. */
  const kernelRoot = randomBytes(16).toString("hex");
  const kernelStep = randomBytes(16).toString("hex");

  before(async () => {
    const repo = resolve(__dirname, "..", "..", "..");
    dataDir = mkdtempSync(join(tmpdir(), "tsematic-rerunui-api-"));
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
    const run = (id: string, parentId: string | null, stepName: string) => ({
      type: "run-created",
      run: {
        id,
        rootId: kernelRoot,
        parentId,
        stepName,
        sourceHash: "a".repeat(64),
        sourceText: `function ${stepName}() {}`,
        tags: [],
        resources: {},
        cache: false,
        parameters: [],
        createdAt: Date.now(),
        ...(parentId === null && { mode: "local" }),
      },
    });
    const events = [run(kernelRoot, null, "pipeline"), run(kernelStep, kernelRoot, "square")];
    await client.requestJson("/api/v1/events", {
      method: "POST",
      body: {
        events: events.map((event, i) => ({
          ...event,
          id: `${kernelRoot}:${kernelRoot}.1:${i + 1}`,
          rootId: kernelRoot,
          at: Date.now(),
        })),
      },
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

  it("reads a kernel root's 409 as no_package, which the commands answer with the Rerun Cell dialog", async () => {
    const refusal = await refusalOf(requestRerun(client, kernelRoot, { cache: false }));
    assert.equal(refusal?.code, "no_package");
    assert.equal(refusal?.parameter, "");
    assert.match(refusal?.message ?? "", new RegExp(`${kernelRoot}.*rerun its cell`));
    // The dry run refuses it alike: the form is never shown a run it cannot rerun.
    const dry = await refusalOf(checkRerun(client, kernelRoot, {}));
    assert.equal(dry?.code, "no_package");
  });

  it("reads a step run's refusal as not_a_root, and an unknown run's as unknown_run", async () => {
    assert.equal((await refusalOf(requestRerun(client, kernelStep, {})))?.code, "not_a_root");
    const unknown = randomBytes(16).toString("hex");
    assert.equal((await refusalOf(requestRerun(client, unknown, {})))?.code, "unknown_run");
  });

  it("finds rerunOf in a root's record, and null for a root that is no rerun", async () => {
    const record = await client.requestJson(`/api/v1/runs/${kernelRoot}`);
    assert.equal(rerunOfRecord(record), null);
    assert.deepEqual(
      rerunOfRecord({ run: {}, root: { rerunOf: { runId: "ab12cd34", from: null } } }),
      { runId: "ab12cd34", from: null },
    );
  });
});
