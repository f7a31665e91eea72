/**
 * A stand-in for the lineage server's REST API, speaking the contract the extension codes against
 * (`GET /api/v1/runs` with `Authorization: Bearer <token>`, CORS for the JupyterLab origin), so the
 * panel can be tested before and independently of server/.
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

export async function startMockLineageServer(token: string): Promise<MockLineageServer> {
  const server: Server = createServer((request, response) => {
    const origin = request.headers.origin;
    if (origin) {
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
    if (request.headers.authorization !== `Bearer ${token}`) {
      json(401, { error: "missing or wrong token" });
      return;
    }
    if (request.method === "GET" && request.url?.split("?")[0] === "/api/v1/runs") {
      json(200, { runs: MOCK_RUNS });
      return;
    }
    json(404, { error: `no route ${request.method} ${request.url}` });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
