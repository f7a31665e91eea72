// Idles a connection for 6 s: not for the inner loop; `npm test` runs it.
import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { after, before, describe, it } from "node:test";
import { startTestServer, type TestServer } from "./testing/harness";

/** GET /api/v1/health through `agent`; whether it went over a connection used before. */
function health(t: TestServer, agent: Agent): Promise<{ status: number; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${t.server.url}/api/v1/health`,
      { agent, headers: { authorization: `Bearer ${t.server.token}` } },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("keep-alive connections", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  it("stay open past a client's 4 s idle timeout, so a loaded client never sends on one the server closed", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      assert.equal((await health(t, agent)).status, 200);
      // Idle longer than Node's default keepAliveTimeout (5 s), which closed it from this side.
      await new Promise((r) => setTimeout(r, 6_000));
      const again = await health(t, agent);
      assert.equal(again.status, 200);
      assert.equal(again.reused, true, "the same connection served the second request");
    } finally {
      agent.destroy();
    }
  });
});
