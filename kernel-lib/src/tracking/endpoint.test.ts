import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { nodeChild, stopServerOf } from "../test-support/node-child";
import { answersWithin, isAlive, processExists } from "./endpoint";

test("a server slow to answer its first health checks is not taken for a dead one (regression)", async () => {
  let calls = 0;
  const server = createServer((_req, res) => {
    calls++;
    // The first answer comes after the client's per-request timeout, as on a machine under load.
    const delay = calls === 1 ? 2_500 : 0;
    setTimeout(() => res.end(JSON.stringify({ ok: true, version: "test" })), delay);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    assert.equal(await isAlive(url, 1_000), false, "one short check gives up");
    assert.equal(await answersWithin(url, 10_000), true);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test("nothing listening: answersWithin gives up after its patience", async () => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.close();
  const started = Date.now();
  assert.equal(await answersWithin(url, 1_500), false);
  assert.ok(Date.now() - started < 8_000);
});

test("a server.json naming a finished process is recognised as stale", () => {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  assert.equal(processExists(Number(child.stdout.toString())), false);
  assert.equal(processExists(process.pid), true);
});

/** A server that records every request's headers and answers like a healthy Tsematic server. */
async function recorder(): Promise<{ port: number; seen: IncomingHttpHeaders[]; close(): void }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ ok: true, version: "fake", received: 1, ingested: 1, duplicates: 0 }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

function homeWith(serverJson: object): string {
  const home = mkdtempSync(join(tmpdir(), "tsematic-endpoint-"));
  writeFileSync(join(home, "token"), `${"s".repeat(64)}\n`, { mode: 0o600 });
  writeFileSync(join(home, "server.json"), JSON.stringify(serverJson), { mode: 0o600 });
  return home;
}

const TRACKED_RUN = `
  const step = t.func(function hostileProbe(x) { return x + 1; });
  step(1).resolve().then((v) => console.log("RESULT", v), (e) => console.log("FAILED", e.message));
`;

test("a tracked run refuses a server.json naming a URL that is not loopback, and sends it no token", async () => {
  const fake = await recorder();
  // 0.0.0.0 reaches this machine's listener, but is not a loopback name: a stand-in for elsewhere.
  const home = homeWith({ url: `http://0.0.0.0:${fake.port}`, pid: process.pid, version: "x" });
  try {
    const { code, output } = await nodeChild(TRACKED_RUN, {
      TSEMATIC_HOME: home,
      TSEMATIC_URL: undefined,
      TSEMATIC_TOKEN: undefined,
    }).done;
    assert.equal(code, 0, output);
    assert.match(
      output,
      /FAILED .*server\.json names "http:\/\/0\.0\.0\.0:\d+", which is not this machine/,
    );
    assert.match(output, /say so with TSEMATIC_URL=http:\/\/0\.0\.0\.0:\d+; else remove the file/);
    const tokens = fake.seen.filter((h) => h.authorization !== undefined).length;
    assert.equal(tokens, 0, "the token never reached the server server.json names");
  } finally {
    fake.close();
    rmSync(home, { recursive: true, force: true });
  }
});

test('a tracked run refuses a server.json with "pid": 1, and sends it nothing', async () => {
  const fake = await recorder();
  const home = homeWith({ url: `http://127.0.0.1:${fake.port}`, pid: 1, version: "x" });
  try {
    const { code, output } = await nodeChild(TRACKED_RUN, {
      TSEMATIC_HOME: home,
      TSEMATIC_URL: undefined,
      TSEMATIC_TOKEN: undefined,
    }).done;
    assert.equal(code, 0, output);
    assert.match(
      output,
      /FAILED .*names pid 1, which cannot be a Tsematic server: remove the file/,
    );
    assert.equal(fake.seen.length, 0);
  } finally {
    fake.close();
    rmSync(home, { recursive: true, force: true });
  }
});

test("a stale TSEMATIC_TOKEN refused by the embedded server says which token, from where, and what to do", async () => {
  const home = mkdtempSync(join(tmpdir(), "tsematic-endpoint-"));
  try {
    const { code, output } = await nodeChild(TRACKED_RUN, {
      TSEMATIC_HOME: home,
      TSEMATIC_URL: undefined,
      TSEMATIC_TOKEN: "stale0123456789abcdef",
    }).done;
    assert.equal(code, 0, output);
    assert.match(
      output,
      /FAILED the lineage server at http:\/\/127\.0\.0\.1:\d+ refused the token from TSEMATIC_TOKEN \(it starts with "stal"\) \(401: .*\): TSEMATIC_TOKEN is stale or belongs to another server; .* unset TSEMATIC_TOKEN to use it/,
    );
  } finally {
    await stopServerOf(home);
    rmSync(home, { recursive: true, force: true });
  }
});

test("a tracked run on a group-writable data directory fails with the embedded server's advice", async () => {
  const home = mkdtempSync(join(tmpdir(), "tsematic-endpoint-"));
  chmodSync(home, 0o770);
  try {
    const { code, output } = await nodeChild(TRACKED_RUN, {
      TSEMATIC_HOME: home,
      TSEMATIC_URL: undefined,
      TSEMATIC_TOKEN: undefined,
    }).done;
    assert.equal(code, 0, output);
    assert.match(
      output,
      /FAILED the embedded lineage server \(pid \d+\) exited with code 1, saying: .*is writable by its group \(mode 0770\).*chmod go-w /,
    );
  } finally {
    await stopServerOf(home);
    rmSync(home, { recursive: true, force: true });
  }
});
