/**
 * Volume: a tracked fan-out larger than one request may carry, on a fresh data directory (the
 * embedded server starts, nothing is stored yet), and a server that refuses a batch. Each client is a
 * real separate process, so a crash would show as its exit.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { nodeChild, stopPid, stopServerOf } from "../test-support/node-child";

const homes: string[] = [];
const pids: number[] = [];
after(async () => {
  for (const home of homes) await stopServerOf(home);
  for (const pid of pids) await stopPid(pid);
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

function freshHome(): string {
  const home = mkdtempSync(join(tmpdir(), "tsematic-volume-"));
  homes.push(home);
  return home;
}

const NO_SERVER = { TSEMATIC_URL: undefined, TSEMATIC_TOKEN: undefined };

test("a tracked 10,000-step fan-out with distinct values completes on a fresh data directory", async () => {
  const home = freshHome();
  const { done } = nodeChild(
    `
    const leaf = t.func(function leaf(i) { return i + 1; });
    const pipe = t.func(async function scalePipe(n) {
      return (await Promise.all(Array.from({ length: n }, (_, i) => leaf(i)))).length;
    });
    pipe(10000).then((n) => console.log("RESULT", n), (e) => console.log("FAILED", e.message));
    `,
    { ...NO_SERVER, TSEMATIC_HOME: home },
  );
  const { code, output } = await done;
  assert.equal(code, 0, output);
  assert.match(output, /RESULT 10000/, output);
});

/** A server in its own process with a small body limit, started through the library's API. */
async function serverWithBatchLimit(maxBatchBytes: number) {
  const home = freshHome();
  const server = nodeChild(
    `
    const { startServer } = require("@tsematic/server");
    startServer({ dataDir: ${JSON.stringify(home)}, port: 0, maxBatchBytes: ${maxBatchBytes} }).then(
      (s) => { console.log("LISTENING", s.url, s.token); process.on("SIGTERM", () => s.close().then(() => process.exit(0))); },
      (e) => { console.log("FAILED", e.message); process.exit(1); });
    `,
    {},
  );
  pids.push(server.child.pid!);
  let output = "";
  server.child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const match = /LISTENING (\S+) (\S+)/.exec(output);
    if (match) return { url: match[1]!, token: match[2]!, home };
    if (Date.now() > deadline || server.child.exitCode !== null) {
      throw new Error(`the server did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("a server that refuses a batch fails the run with a clear error; the client process lives on", async () => {
  const server = await serverWithBatchLimit(4096);
  // Small events fit (they are split to the limit); this step's run-created event carries its
  // 6,000-character source text, which no batch of 4,096 bytes can hold.
  const { done } = nodeChild(
    `
    const small = t.func(function small(i) { return i * 2; });
    const big = t.func(function big() { return "${"x".repeat(6_000)}".length; });
    const pipe = t.func(async function refusedPipe() {
      const xs = await Promise.all(Array.from({ length: 200 }, (_, i) => small(i)));
      return xs.length + (await big());
    });
    pipe().then(
      (v) => console.log("RESULT", v),
      (e) => console.log("FAILED", e.name, e.message),
    ).then(() => setTimeout(() => console.log("STILL ALIVE"), 200));
    process.on("uncaughtException", (e) => { console.log("UNCAUGHT", e.message); process.exit(3); });
    process.on("unhandledRejection", (e) => { console.log("UNHANDLED", String(e)); process.exit(4); });
    `,
    {
      TSEMATIC_URL: server.url,
      TSEMATIC_TOKEN: server.token,
      TSEMATIC_HOME: server.home,
      TSEMATIC_GIVE_UP_MS: "60000",
    },
  );
  const { code, output } = await done;
  assert.equal(code, 0, output);
  assert.match(
    output,
    /FAILED TrackingRefusedError the lineage server at http:\/\/127\.0\.0\.1:\d+ refused a batch of 1 run events/,
    output,
  );
  assert.match(output, /it accepts \d+ events and 4096 bytes per batch/, output);
  assert.match(output, /The run was stopped/, output);
  assert.match(output, /STILL ALIVE/, output);
  // What the server acknowledged before the refusal stays: the 200 small steps, split into batches
  // of at most 4,096 bytes, are all recorded.
  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    return (await res.json()) as T;
  };
  const small = await api<{ runs: unknown[] }>("/runs?name=small&limit=1000");
  assert.equal(small.runs.length, 200);
});
