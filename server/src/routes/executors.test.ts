import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { rowCounts, startTestServer, type TestServer } from "../testing/harness";

interface ExecutorView {
  name: string;
  nodeUrls: string[];
  reachable: boolean;
  problem: string | null;
}

describe("the executors' callback URLs and reachability (GET /executors, POST /submissions nodeUrl)", () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.close());

  const submit = (nodeUrl: unknown) =>
    t.api.request<{ error: { code: string; message: string } }>("POST", "/api/v1/submissions", {
      json: {
        kind: "root",
        packageId: "a".repeat(64),
        stepName: "pipeline",
        inputs: [],
        executor: "local",
        nodeUrl,
      },
    });

  it("lists each executor's callback URLs (the local executor's: the server's own) and that the server reaches it", async () => {
    const res = await t.api.get<{ executors: ExecutorView[] }>("/executors");
    assert.equal(res.status, 200, res.text);
    const local = res.body.executors.find((e) => e.name === "local")!;
    assert.deepEqual(
      { nodeUrls: local.nodeUrls, reachable: local.reachable, problem: local.problem },
      { nodeUrls: [t.server.url], reachable: true, problem: null },
    );
  });

  it("refuses a submission whose nodeUrl the operator did not configure with a 400 naming the allowed URLs, creating nothing", async () => {
    const before = rowCounts(t.server.context.db);
    const res = await submit("http://attacker.example:9999");
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.error.code, "node_url_not_allowed");
    assert.match(res.body.error.message, /"http:\/\/attacker\.example:9999" is not a URL/);
    assert.ok(res.body.error.message.includes(`(allowed: ${t.server.url})`), res.text);
    assert.deepEqual(rowCounts(t.server.context.db), before);
  });

  it("refuses a malformed nodeUrl (scheme, credentials, length) with a 400 saying what is wrong", async () => {
    for (const [url, problem] of [
      ["file:///etc/passwd", /uses file: use an http or https URL/],
      [`http://admin:pw@${new URL(t.server.url).host}`, /user name or password/],
      [`${t.server.url}/${"x".repeat(3000)}`, /characters long \(at most 2048\)/],
    ] as const) {
      const res = await submit(url);
      assert.equal(res.status, 400, res.text);
      assert.equal(res.body.error.code, "bad_node_url", res.text);
      assert.match(res.body.error.message, problem);
    }
  });

  it("accepts one of the allowed URLs (trailing slash or not) and goes on to check the rest of the submission", async () => {
    const res = await submit(`${t.server.url}/`);
    // The node URL passed; the made-up package is what is refused now.
    assert.equal(res.status, 404, res.text);
    assert.equal(res.body.error.code, "unknown_package", res.text);
  });
});
