import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { startServer } from "./server";
import { LOCK_FILE } from "./start-lock";
import { tempDir } from "./testing/harness";

describe("the start-up lock of a data directory", () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("takes over a lock left by a process that is gone, and releases it once server.json is written", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
    writeFileSync(join(dir, LOCK_FILE), `${gone.stdout.toString()}\n`, { mode: 0o600 });
    const server = await startServer({ dataDir: dir, port: 0 });
    try {
      assert.ok(existsSync(join(dir, "server.json")));
      assert.equal(existsSync(join(dir, LOCK_FILE)), false);
    } finally {
      await server.close();
    }
  });

  it("waits while the process holding the lock runs, and starts once it is gone", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], {
      stdio: "ignore",
    });
    const exited = new Promise((r) => holder.once("exit", r));
    writeFileSync(join(dir, LOCK_FILE), `${holder.pid}\n`, { mode: 0o600 });
    let started = false;
    const starting = startServer({ dataDir: dir, port: 0 }).then((s) => {
      started = true;
      return s;
    });
    try {
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(started, false, "no server starts while another holds the lock");
      assert.equal(existsSync(join(dir, "server.json")), false);
    } finally {
      holder.kill("SIGKILL");
      await exited;
    }
    const server = await starting;
    await server.close();
  });
});
