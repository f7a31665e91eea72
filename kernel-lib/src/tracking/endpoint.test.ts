import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
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
