import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { tempDir } from "./harness";
import { workerPid } from "./job-fixture";

describe("the fake worker's files", () => {
  const dir = tempDir("tsematic-pidfile-");
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("workerPid waits for the pid itself, not the empty file its writer created first", async () => {
    const file = join(dir, "job.pid");
    // As a reader sees it between the writer's open and its write.
    writeFileSync(file, "");
    setTimeout(() => writeFileSync(file, "4242"), 120);
    assert.equal(await workerPid(dir, "job"), 4242);
  });
});
