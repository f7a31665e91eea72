import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";

import { LineageClient, LineageServerError } from "./client";
import { fetchRunGraph } from "./live/rest";
import { resolveSettings, tokenFor } from "./settings";

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

describe("LineageClient.listRuns", () => {
  let server: Server;
  let url = "";
  let handler: Handler = (_request, response) => response.end();

  before(async () => {
    server = createServer((request, response) => handler(request, response));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((done) => server.close(() => done())));

  const client = (token = "secret") =>
    new LineageClient({
      settings: () => ({ serverUrl: url, token, tokenOrigin: url }),
    });
  const reply =
    (status: number, body: string): Handler =>
    (_request, response) =>
      response.writeHead(status, { "Content-Type": "application/json" }).end(body);

  it("reads a root run's timings and summary from the run listing", async () => {
    const summary = { steps: 3, cached: 1, failed: 0, inputs: [{ name: "n", preview: "20" }] };
    handler = reply(
      200,
      JSON.stringify({
        runs: [{ id: "r1", stepName: "p", state: "resolved", startedAt: 5, endedAt: 9, summary }],
      }),
    );
    const [run] = await client().listRuns({ rootsOnly: true });
    assert.equal(run?.startedAt, 5);
    assert.equal(run?.endedAt, 9);
    assert.deepEqual(run?.summary, summary);
  });

  it("sends the bearer token to GET /api/v1/runs and reads a { runs } body", async () => {
    let seen: IncomingMessage | undefined;
    handler = (request, response) => {
      seen = request;
      reply(200, JSON.stringify({ runs: [{ id: "r1", stepName: "train", state: "running" }] }))(
        request,
        response,
      );
    };
    const runs = await client().listRuns({ rootsOnly: true, limit: 20 });
    assert.equal(seen?.url, "/api/v1/runs?root=true&summary=true&limit=20");
    assert.equal(seen?.headers.authorization, "Bearer secret");
    assert.deepEqual(runs, [
      {
        id: "r1",
        name: "train",
        state: "running",
        rootId: null,
        parentId: null,
        tags: [],
        createdAt: null,
      },
    ]);
  });

  it("passes the name, states, tag and cursor filters and reads the next page's cursor", async () => {
    let seen = "";
    handler = (request, response) => {
      seen = request.url ?? "";
      reply(200, JSON.stringify({ runs: [{ id: "r1", stepName: "train" }], nextCursor: "c2" }))(
        request,
        response,
      );
    };
    const page = await client().listRunPage({
      rootsOnly: true,
      nameContains: "tr ain",
      states: ["failed", "nested-failed"],
      tag: "gpu",
      limit: 100,
      cursor: "c1",
    });
    assert.equal(
      seen,
      "/api/v1/runs?root=true&summary=true&nameContains=tr+ain&state=failed%2Cnested-failed&tag=gpu&limit=100&cursor=c1",
    );
    assert.equal(page.nextCursor, "c2");
    assert.deepEqual(
      page.runs.map((run) => run.id),
      ["r1"],
    );
  });

  it("reads a bare array with snake_case fields and ISO times", async () => {
    handler = reply(
      200,
      JSON.stringify([
        {
          id: "r2",
          step_name: "etl",
          status: "failed",
          root_id: "r2",
          tags: ["a", 1],
          created_at: "2025-01-02T10:00:00Z",
        },
      ]),
    );
    const [run] = await client().listRuns();
    assert.equal(run?.name, "etl");
    assert.equal(run?.state, "failed");
    assert.equal(run?.rootId, "r2");
    assert.deepEqual(run?.tags, ["a"]);
    assert.equal(run?.createdAt, Date.UTC(2025, 0, 2, 10));
  });

  it("says how to set the token when the server refuses it", async () => {
    handler = reply(401, JSON.stringify({ error: "bad token" }));
    await assert.rejects(client("wrong").listRuns(), (error: unknown) => {
      assert.ok(error instanceof LineageServerError);
      assert.equal(error.kind, "unauthorized");
      assert.match(error.message, /refused the token \(HTTP 401\).*Settings › Tsematic/);
      return true;
    });
  });

  it("quotes the server's JSON error on other failures", async () => {
    handler = reply(500, JSON.stringify({ error: { message: "database is locked" } }));
    await assert.rejects(
      client().listRuns(),
      /HTTP 500 to GET \/api\/v1\/runs: database is locked/,
    );
  });

  it("rejects a body that is not JSON or not a run list", async () => {
    handler = reply(200, "<html>");
    await assert.rejects(client().listRuns(), /not JSON: is this URL really a Tsematic/);
    handler = reply(200, JSON.stringify({ hello: 1 }));
    await assert.rejects(client().listRuns(), /run list this version of the extension/);
  });

  it("tells the user to start the server when nothing listens at the URL", async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((done) => closed.close(() => done()));

    const dead = new LineageClient({
      settings: () => ({
        serverUrl: deadUrl,
        token: "",
        tokenOrigin: deadUrl,
      }),
    });
    await assert.rejects(dead.listRuns(), (error: unknown) => {
      assert.ok(error instanceof LineageServerError);
      assert.equal(error.kind, "unreachable");
      assert.equal(
        error.message,
        `The lineage server is not reachable at ${deadUrl}: start it with \`npm start\` ` +
          "(from the Tsematic checkout), or set its URL in Settings › Tsematic.",
      );
      return true;
    });
  });
});

describe("LineageClient.request", () => {
  let server: Server;
  let url = "";
  let handler: Handler = (_request, response) => response.end();

  before(async () => {
    server = createServer((request, response) => handler(request, response));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((done) => server.close(() => done()));
  });

  const client = () =>
    new LineageClient({
      settings: () => ({ serverUrl: url, token: "t", tokenOrigin: url }),
    });

  it("sends a method and a JSON body with its content type", async () => {
    let seen: { method?: string; type?: string; body: string } = { body: "" };
    handler = (request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        seen = { method: request.method, type: request.headers["content-type"], body };
        response.writeHead(201, { "Content-Type": "application/json" }).end('{"id":1}');
      });
    };
    const answer = await client().requestJson("/api/v1/runs/r1/notes", {
      method: "POST",
      body: { text: "good" },
    });
    assert.deepEqual(answer, { id: 1 });
    assert.deepEqual(seen, { method: "POST", type: "application/json", body: '{"text":"good"}' });
  });

  it("names the method in HTTP errors, keeps the server's message as detail, and adds the 404 hint", async () => {
    handler = (_request, response) =>
      response
        .writeHead(404, { "Content-Type": "application/json" })
        .end(JSON.stringify({ error: { message: "unknown run r9" } }));
    await assert.rejects(
      client().request("/api/v1/runs/r9/cancel", { method: "POST", notFoundHint: " (hint)" }),
      (error: unknown) => {
        assert.ok(error instanceof LineageServerError);
        assert.equal(error.status, 404);
        assert.equal(error.detail, "unknown run r9");
        assert.match(
          error.message,
          /HTTP 404 to POST \/api\/v1\/runs\/r9\/cancel: unknown run r9 \(hint\)$/,
        );
        return true;
      },
    );
  });

  it("rejects with an AbortError, not a server error, when the caller aborts", async () => {
    handler = () => {
      // Never answers: only the abort ends the request.
    };
    const abort = new AbortController();
    const pending = client().request("/api/v1/runs", { signal: abort.signal });
    setTimeout(() => abort.abort(), 20);
    await assert.rejects(pending, { name: "AbortError" });
    await assert.rejects(client().request("/api/v1/runs", { signal: abort.signal }), {
      name: "AbortError",
    });
  });

  it("counts a server that sends no headers in time as unreachable", async () => {
    handler = () => {
      // Never answers.
    };
    const slow = new LineageClient({
      settings: () => ({ serverUrl: url, token: "", tokenOrigin: url }),
      timeoutMs: 50,
    });
    await assert.rejects(slow.request("/api/v1/runs"), { kind: "unreachable" });
  });
});

describe("fetchRunGraph (the live graph's polling fallback)", () => {
  let server: Server;
  let url = "";
  let handler: Handler = (_request, response) => response.end();

  before(async () => {
    server = createServer((request, response) => handler(request, response));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((done) => server.close(() => done()));
  });

  const client = (token = "t") =>
    new LineageClient({
      settings: () => ({ serverUrl: url, token, tokenOrigin: url }),
    });

  it("reads the graph through LineageClient.request, with the token", async () => {
    let auth: string | undefined;
    handler = (request, response) => {
      auth = request.headers.authorization;
      response.writeHead(200, { "Content-Type": "application/json" }).end(
        JSON.stringify({
          runs: [
            { id: "root", parentId: null, stepName: "pipe", state: "running" },
            { id: "a", parentId: "root", stepName: "load", state: "resolved" },
          ],
          edges: [],
        }),
      );
    };
    const graph = await fetchRunGraph(client(), "root");
    assert.equal(auth, "Bearer t");
    assert.equal(graph.runs.get("a")?.state, "resolved");
  });

  it("draws the recorded flows of the answer, never edges guessed from equal artifact ids", async () => {
    handler = (_request, response) => {
      response.writeHead(200, { "Content-Type": "application/json" }).end(
        JSON.stringify({
          runs: [
            { id: "root", parentId: null, stepName: "pipe", state: "resolved" },
            { id: "make", parentId: "root", stepName: "makeNumbers", state: "resolved" },
            { id: "sq", parentId: "root", stepName: "square", state: "resolved" },
            { id: "sum", parentId: "root", stepName: "sum", state: "resolved" },
          ],
          // `sq` outputs 4 and `make` inputs 4: the same artifact, and no data flow between them.
          edges: [
            { runId: "make", direction: "input", name: "n", artifactId: "a4" },
            { runId: "sq", direction: "output", name: "output", artifactId: "a4" },
            { runId: "sum", direction: "input", name: "xs", artifactId: "axs" },
          ],
          flows: [
            { from: "sq", to: "sum", kind: "future", parameter: "xs", path: "xs[1]" },
            { from: "make", to: "root", kind: "awaited" },
          ],
        }),
      );
    };
    const graph = await fetchRunGraph(client(), "root");
    assert.deepEqual(
      graph.edges.map((e) => `${e.from}>${e.to}:${e.kind}`),
      ["sq>sum:future", "make>root:awaited"],
    );
  });

  it("has the same actionable errors as every other call", async () => {
    handler = (_request, response) => response.writeHead(401).end();
    await assert.rejects(fetchRunGraph(client("bad"), "root"), { kind: "unauthorized" });
    handler = (_request, response) =>
      response
        .writeHead(404, { "Content-Type": "application/json" })
        .end(JSON.stringify({ error: { message: "unknown run root" } }));
    await assert.rejects(fetchRunGraph(client(), "root"), {
      message:
        /HTTP 404 to GET \/api\/v1\/runs\/root\/graph: unknown run root \(a run of another lineage server\?/,
    });
  });
});

describe("resolveSettings", () => {
  const page =
    (options: Record<string, string>) =>
    (name: string): string =>
      options[name] ?? "";

  it("prefers the user's settings, without a trailing slash", () => {
    const settings = resolveSettings(
      { serverUrl: " http://h:1/ ", token: "t" },
      page({ tsematicServerUrl: "http://other", tsematicToken: "x" }),
    );
    assert.deepEqual(settings, {
      serverUrl: "http://h:1",
      token: "t",
      tokenOrigin: "http://h:1",
    });
  });

  it("gives the default executor only when the user chose one", () => {
    assert.equal(resolveSettings({ defaultExecutor: "slurm" }, page({})).defaultExecutor, "slurm");
    assert.equal("defaultExecutor" in resolveSettings({ defaultExecutor: "" }, page({})), false);
  });

  it("gives the cluster node URL only when the user chose one, and never makes it the token's origin", () => {
    const settings = resolveSettings(
      { serverUrl: "http://127.0.0.1:8765", token: "t", nodeUrl: " http://head:8765 " },
      page({}),
    );
    assert.equal(settings.nodeUrl, "http://head:8765");
    assert.equal(settings.tokenOrigin, "http://127.0.0.1:8765");
    assert.equal(tokenFor(settings, "http://head:8765/api/v1/runs"), "");
    assert.equal("nodeUrl" in resolveSettings({ nodeUrl: "" }, page({})), false);
  });

  it("falls back to the host's page config, then to the default local server", () => {
    assert.deepEqual(
      resolveSettings({}, page({ tsematicServerUrl: "http://lab-started:9", tsematicToken: "p" })),
      {
        serverUrl: "http://lab-started:9",
        token: "p",
        tokenOrigin: "http://lab-started:9",
      },
    );
    assert.deepEqual(resolveSettings({}, page({})), {
      serverUrl: "http://127.0.0.1:8765",
      token: "",
      tokenOrigin: "http://127.0.0.1:8765",
    });
  });
});
