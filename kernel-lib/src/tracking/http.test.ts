import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import {
  ServerClient,
  ServerRefusedError,
  ServerUnavailableError,
  TokenRefusedError,
} from "./http";

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

test("a batch POST fails as any request does: refused, refused token, outage, no server", async (t) => {
  const cases: Array<[number, string, (e: unknown) => boolean]> = [
    [
      507,
      "the disk is full",
      (e) => e instanceof ServerRefusedError && /507: the disk is full/.test((e as Error).message),
    ],
    [
      400,
      "too many events",
      (e) =>
        e instanceof ServerRefusedError &&
        /POST \/events failed with 400: too many events/.test((e as Error).message),
    ],
    [401, "bad token", (e) => e instanceof TokenRefusedError],
    [503, "busy", (e) => e instanceof ServerUnavailableError],
  ];
  for (const [status, message, expected] of cases) {
    const { url, server } = await answering(status, message);
    t.after(() => {
      server.closeAllConnections();
      server.close();
    });
    const client = new ServerClient({ url, token: "t", source: "test" });
    const error = await client.post("/events", '{"events":[]}').catch((e: unknown) => e);
    assert.ok(expected(error), `${status}: got ${String(error)}`);
  }
  const { url, server } = await answering(200, "");
  await new Promise((resolve) => server.close(resolve));
  const gone = new ServerClient({ url, token: "t", source: "test" });
  const error = await gone.post("/events", "{}").catch((e: unknown) => e);
  assert.ok(error instanceof ServerUnavailableError, `got ${String(error)}`);
});

test("a batch POST sends the body and the token, and resolves on a 2xx", async (t) => {
  let received = "";
  let authorization: string | undefined;
  const server = createServer((req, res) => {
    authorization = req.headers.authorization;
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (received += chunk));
    req.on("end", () => res.writeHead(202).end("{}"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as AddressInfo;
  const client = new ServerClient({ url: `http://127.0.0.1:${port}`, token: "t", source: "test" });
  const body = JSON.stringify({ events: [{ text: "ünïcode ✓" }] });
  await client.post("/events", body);
  assert.equal(received, body);
  assert.equal(authorization, "Bearer t");
});
