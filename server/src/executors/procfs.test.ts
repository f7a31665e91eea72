import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, it } from "node:test";
import { groupMembers, readProcessTable, readStat, residentKiB } from "./procfs";

describe("procfs", () => {
  it("finds a process's group even when its name holds spaces and parentheses", async () => {
    // Detached: the child leads its own group. It renames itself, then says so on stdout.
    const child = spawn(
      process.execPath,
      ["-e", 'process.title = "x) y (z"; console.log("ready"); setInterval(() => {}, 1000);'],
      { detached: true, stdio: ["ignore", "pipe", "ignore"] },
    );
    try {
      await once(child.stdout, "data");
      const pid = child.pid!;
      const stat = readStat(pid);
      assert.equal(stat?.pid, pid);
      assert.equal(stat.pgrp, pid, "a detached child leads its own group");
      assert.match(stat.state, /^[RSD]$/, "running or sleeping");
      assert.deepEqual(
        groupMembers(readProcessTable(), pid).map((p) => p.pid),
        [pid],
      );
      assert.ok((residentKiB(pid) ?? 0) > 0);
    } finally {
      child.kill("SIGKILL");
      await once(child, "exit");
    }
    assert.equal(readStat(child.pid!), undefined, "gone once reaped");
    assert.equal(residentKiB(child.pid!), undefined);
  });
});
