import assert from "node:assert/strict";
import { test } from "node:test";
import { ServerRefusedError, type ServerClient } from "./http";
import { RemoteCache } from "./remote-cache";

const KEY = "a".repeat(64);
const RUN = "b".repeat(32);
const ARTIFACT = {
  id: "c".repeat(64),
  typeName: "json",
  mediaType: "application/json",
  size: 1,
  summary: { kind: "number", preview: "4", truncated: false },
};

/** A server's batch cache route, recording each request body; `refusesRunField`: one from before `run`. */
function fakeServer(refusesRunField: boolean): { client: ServerClient; bodies: unknown[] } {
  const bodies: unknown[] = [];
  const client = {
    url: `http://127.0.0.1:1/${Math.random()}`,
    json: (method: string, path: string, body: Record<string, unknown>) => {
      assert.equal(`${method} ${path}`, "POST /cache/lookups");
      bodies.push(body);
      if (refusesRunField && "run" in body) {
        return Promise.reject(
          new ServerRefusedError(
            "POST /cache/lookups failed with 400: the cache lookups must NOT have additional properties (run)",
          ),
        );
      }
      const run = "run" in body ? { id: RUN } : { id: RUN, stepName: "double", sourceHash: "d" };
      return Promise.resolve({
        hits: { [KEY]: { run, outputs: [{ name: "output", artifact: ARTIFACT, bytes: "NA==" }] } },
      });
    },
  } as unknown as ServerClient;
  return { client, bodies };
}

test("cache lookups ask the server for each hit's run id only, not the whole run", async () => {
  const { client, bodies } = fakeServer(false);
  const hit = await new RemoteCache(client).lookup(KEY);
  assert.equal(hit?.runId, RUN);
  assert.equal(Buffer.from(hit!.bytes).toString(), "4");
  assert.deepEqual(bodies, [{ keys: [KEY], inlineBytes: 64 * 1024, run: "id" }]);
});

test("a server from before run ids only is asked again for whole runs, once, and the hit is found", async () => {
  const { client, bodies } = fakeServer(true);
  const cache = new RemoteCache(client);
  assert.equal((await cache.lookup(KEY))?.runId, RUN);
  assert.equal((await cache.lookup(KEY))?.runId, RUN);
  assert.deepEqual(bodies, [
    { keys: [KEY], inlineBytes: 64 * 1024, run: "id" },
    { keys: [KEY], inlineBytes: 64 * 1024 },
    { keys: [KEY], inlineBytes: 64 * 1024 },
  ]);
});
