import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";

import { LineageClient, LineageServerError } from "../client";
import { wireFixture } from "../testing/wire-fixture";
import { cancelRootRun, describeCancel } from "./cancel";

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

describe("cancelRootRun", () => {
  let server: Server;
  let url = "";
  let handler: Handler = (_request, response) => response.end();

  before(async () => {
    server = createServer((request, response) => handler(request, response));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((done) => server.close(() => done())));

  const client = (token: string, serverUrl = url): LineageClient =>
    new LineageClient({
      settings: () => ({ serverUrl, token, tokenOrigin: serverUrl }),
    });
  const reply =
    (status: number, body: unknown): Handler =>
    (_request, response) =>
      response.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));

  it("POSTs to /api/v1/runs/{rootId}/cancel with the bearer token and reads the answer", async () => {
    let seen: { method?: string; url?: string; auth?: string } = {};
    handler = (request, response) => {
      seen = { method: request.method, url: request.url, auth: request.headers.authorization };
      reply(
        200,
        wireFixture("CancelAnswer", { cancelRequested: true, status: "active", canceledRuns: 0 }),
      )(request, response);
    };
    const answer = await cancelRootRun(client("secret"), "r 1");
    assert.deepEqual(seen, {
      method: "POST",
      url: "/api/v1/runs/r%201/cancel",
      auth: "Bearer secret",
    });
    assert.deepEqual(answer, { status: "active", canceledRuns: 0 });
    assert.match(describeCancel("r-1", answer), /Cancel requested for run r-1/);
  });

  it("says when the server canceled the runs itself because the kernel was gone", () => {
    assert.match(
      describeCancel("r-1", { status: "abandoned", canceledRuns: 3 }),
      /kernel is gone, so the lineage server canceled 3 open run\(s\)/,
    );
  });

  it("turns a finished run's 409 into a message naming the run", async () => {
    handler = reply(409, { error: { code: "conflict", message: "root r-1 already ended" } });
    await assert.rejects(
      cancelRootRun(client("t"), "r-1"),
      (error: unknown) =>
        error instanceof LineageServerError &&
        error.status === 409 &&
        error.message === "Run r-1 cannot be canceled: root r-1 already ended.",
    );
  });

  it("says where to set the token on 401, and that the run is unknown on 404", async () => {
    handler = reply(401, { error: "unauthorized" });
    await assert.rejects(cancelRootRun(client("bad"), "r-1"), {
      kind: "unauthorized",
      message: /refused the token \(HTTP 401\).*Settings › Tsematic/,
    });
    handler = reply(404, { error: "not found" });
    await assert.rejects(cancelRootRun(client("t"), "r-9"), {
      message: /has no run r-9.*Settings › Tsematic/,
    });
  });

  it("names the method and path of other failures, with the server's message", async () => {
    handler = reply(500, { error: { code: "internal", message: "database is locked" } });
    await assert.rejects(cancelRootRun(client("t"), "r-1"), {
      kind: "http",
      status: 500,
      detail: "database is locked",
      message: /answered HTTP 500 to POST \/api\/v1\/runs\/r-1\/cancel: database is locked$/,
    });
  });

  it("rejects an answer that is not JSON", async () => {
    handler = (_request, response) => response.writeHead(200).end("<html>");
    await assert.rejects(cancelRootRun(client("t"), "r-1"), {
      kind: "bad-response",
      message: /response to POST \/api\/v1\/runs\/r-1\/cancel that is not JSON/,
    });
  });

  it("tells the user to start the server when nothing listens at its URL", async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const gone = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((done) => closed.close(() => done()));
    await assert.rejects(cancelRootRun(client("t", gone), "r-1"), {
      kind: "unreachable",
      message: new RegExp(`not reachable at ${gone}: start it with \`npm start\``),
    });
  });
});
