// Stalls the server's event loop for 7.5 s and waits out heartbeat timeouts (about 18 s): not for the inner loop; `npm test` runs it.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pipelineFixture } from "../testing/fixture";
import { startTestServer, type TestServer } from "../testing/harness";

// Not 1 s: on a loaded 2-core machine (two fresh-clone runs side by side) a beating client was
// failed. Only the stall the sweep timer measures is excused; the time before its first late tick
// (a quarter timeout), a beat answered late under load, or the client process's own gap between
// beats must fit in the timeout besides. The stall it must not be blamed for is 2.5 timeouts long.
const TIMEOUT_MS = 3000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Blocks this process (which runs the server) as a long synchronous request or GC pause would. */
function stallEventLoop(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy: nothing else in this process runs meanwhile
  }
}

describe("a stalled server", () => {
  let t: TestServer;
  let client: ChildProcess | undefined;
  before(async () => {
    t = await startTestServer({ heartbeatTimeoutMs: TIMEOUT_MS });
  });
  after(async () => {
    client?.kill("SIGKILL");
    await t.close();
  });

  const status = async (rootId: string): Promise<string> =>
    (await t.api.get<{ root: { status: string } }>(`/runs/${rootId}/graph`)).body.root.status;

  it("does not blame a client that beats regularly for the server's own stall, and still fails one that stops", async () => {
    // The client is another process: it keeps beating (every 50 ms) while this one is blocked.
    const script = join(__dirname, "..", "testing", "client-process.js");
    const child = spawn(process.execPath, [script, t.server.url, t.server.token, "stall", "hang"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    client = child;
    await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
    const fx = pipelineFixture({ seed: "stall", unfinished: true });
    await sleep(TIMEOUT_MS / 2);
    assert.equal(await status(fx.rootId), "active");

    stallEventLoop(TIMEOUT_MS * 2.5);
    await sleep(TIMEOUT_MS * 1.5);
    assert.equal(
      await status(fx.rootId),
      "active",
      "a stall of the server failed a beating client",
    );

    child.kill("SIGKILL");
    const killedAt = Date.now();
    while ((await status(fx.rootId)) === "active" && Date.now() - killedAt < TIMEOUT_MS * 10) {
      await sleep(50);
    }
    assert.equal(
      await status(fx.rootId),
      "abandoned",
      "a client that stopped beating was not failed",
    );
  });
});
