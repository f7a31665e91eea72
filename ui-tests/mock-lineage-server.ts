/**
 * A stand-in for the lineage server's REST API (server/openapi.yaml): `GET /api/v1/health` without
 * a token, `GET /api/v1/runs` with `Authorization: Bearer <token>`, CORS for configured origins, and
 * errors as `{ error: { code, message } }`. It lets the panel be tested on its own.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface MockLineageServer {
  url: string;
  token: string;
  close(): Promise<void>;
}

export const MOCK_RUNS = [
  {
    id: "run-train",
    rootId: "run-train",
    parentId: null,
    stepName: "train_pipeline",
    state: "resolved",
    tags: ["demo"],
    createdAt: Date.UTC(2025, 0, 2, 10, 0, 0),
  },
  {
    id: "run-etl",
    rootId: "run-etl",
    parentId: null,
    stepName: "etl_pipeline",
    state: "failed",
    tags: [],
    createdAt: Date.UTC(2025, 0, 2, 9, 0, 0),
  },
];

export interface MockOptions {
  /** Browser origins given CORS headers, as `tsematic server --cors-origin`; default: any. */
  corsOrigins?: readonly string[];
}

export async function startMockLineageServer(
  token: string,
  options: MockOptions = {},
): Promise<MockLineageServer> {
  const server: Server = createServer((request, response) => {
    const origin = request.headers.origin;
    if (origin && (options.corsOrigins?.includes(origin) ?? true)) {
      response.setHeader("Access-Control-Allow-Origin", origin);
      response.setHeader("Vary", "Origin");
    }
    if (request.method === "OPTIONS") {
      response.setHeader("Access-Control-Allow-Headers", "Authorization, Accept, Content-Type");
      response.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
      response.writeHead(204).end();
      return;
    }
    const json = (status: number, body: unknown) =>
      response.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
    const path = request.url?.split("?")[0];
    if (request.method === "GET" && path === "/api/v1/health") {
      json(200, { ok: true, version: "mock" });
      return;
    }
    if (request.headers.authorization !== `Bearer ${token}`) {
      json(401, { error: { code: "unauthorized", message: "missing or wrong token" } });
      return;
    }
    if (request.method === "GET" && path === "/api/v1/runs") {
      json(200, { runs: MOCK_RUNS, nextCursor: null });
      return;
    }
    json(404, { error: { code: "not_found", message: `no route ${request.method} ${path}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
