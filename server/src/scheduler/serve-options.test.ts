import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, describe, it } from "node:test";
import { spawn } from "node:child_process";
import { CLI, spawnServer, tempDir } from "../testing/harness";

describe("tsematic serve: the local executor's limits and the job options", () => {
  const dir = tempDir();
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("takes --cpus, --memory-mib and --gpus as the local executor's capabilities (`serve` is `server`)", async () => {
    const server = await spawnServer(dir, [
      "--cpus",
      "1",
      "--memory-mib",
      "512",
      "--gpus",
      "0",
      "--max-infra-attempts",
      "2",
      "--kill-grace-ms",
      "100",
    ]);
    try {
      const res = await server.api.get<{
        executors: { name: string; capabilities: object; queued: number; running: number }[];
      }>("/executors");
      assert.equal(res.status, 200);
      assert.deepEqual(
        res.body.executors.map((e) => [e.name, e.capabilities, e.queued, e.running]),
        [["local", { cpus: 1, memoryMiB: 512, gpus: 0, oomDetection: true }, 0, 0]],
      );
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  });

  it("refuses a limit that is not a number, naming the flag", async () => {
    const child = spawn(process.execPath, [CLI, "serve", "--cpus", "many", "--data-dir", dir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    assert.equal(code, 2);
    assert.match(stderr, /--cpus must be an integer from 1 to 1000000, not "many"/);
  });

  /** `tsematic serve ARGS`: its exit code and stderr (it exits before listening). */
  async function refused(args: string[]): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, [CLI, "serve", "--data-dir", dir, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    return { code, stderr };
  }

  it("refuses a --public-url that jobs must not be told (credentials, not http), naming the flag and the problem", async () => {
    const slurm = [
      "--slurm-url",
      "http://127.0.0.1:1",
      "--slurm-user",
      "u",
      "--slurm-jwt-key",
      "k",
    ];
    const withPassword = await refused([
      ...slurm,
      "--public-url",
      "http://head:8765",
      "--public-url",
      "http://admin:secret@head:8765",
    ]);
    assert.equal(withPassword.code, 2);
    assert.match(
      withPassword.stderr,
      /--public-url "http:\/\/admin:secret@head:8765" carries a user name or password/,
    );
    const twice = await refused([
      ...slurm,
      "--public-url",
      "http://head:8765/",
      "--public-url",
      "http://head:8765",
    ]);
    assert.match(twice.stderr, /--public-url http:\/\/head:8765 is given twice/);
    const ftp = await refused([...slurm, "--public-url", "ftp://head"]);
    assert.match(ftp.stderr, /--public-url "ftp:\/\/head" uses ftp: use an http or https URL/);
  });

  it("refuses --public-url without --slurm-url: only a cluster's jobs call back another URL", async () => {
    const { code, stderr } = await refused(["--public-url", "http://head:8765"]);
    assert.equal(code, 2);
    assert.match(stderr, /--public-url needs --slurm-url/);
  });
});
