import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { ServerClient, ServerRefusedError, ServerUnavailableError } from "./http";

/** A server on 127.0.0.1 that answers every request with `status` and a JSON error message. */
async function answering(
  status: number,
  message: string,
): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { code: "x", message } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server };
}

test("a full disk (507) is a refusal that keeps the server's advice, not an outage to retry", async (t) => {
  const { url, server } = await answering(
    507,
    "the disk is full: free space in the data directory",
  );
  t.after(() => server.close());
  const client = new ServerClient({ url, token: "t", source: "test" });
  const error = await client.request("GET", "/health").catch((e: unknown) => e);
  assert.ok(error instanceof ServerRefusedError, `got ${String(error)}`);
  assert.match((error as Error).message, /507: the disk is full: free space/);
});

test("a server error (503) is an outage the uploaders retry", async (t) => {
  const { url, server } = await answering(503, "busy");
  t.after(() => server.close());
  const client = new ServerClient({ url, token: "t", source: "test" });
  const error = await client.request("GET", "/health").catch((e: unknown) => e);
  assert.ok(error instanceof ServerUnavailableError, `got ${String(error)}`);
});
