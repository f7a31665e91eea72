import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";

import { LineageClient } from "../client";
import { resolveSettings } from "../settings";
import { type IRunWithPorts, StepApi } from "./api";

/** `GET /api/v1/runs/{id}` answers of a real server's shape (RunWithPorts), by run id. */
const RUNS: Record<string, unknown> = {
  root: {
    run: { id: "root", rootId: "root", stepName: "pipeline" },
    root: { environment: { notebookPath: "tutorials/01-first-pipeline.ipynb" } },
    inputs: [],
    outputs: [],
    childIds: ["sum"],
  },
  script: {
    run: { id: "script", rootId: "script", stepName: "pipeline" },
    root: { environment: { notebookPath: null } },
    inputs: [],
    outputs: [],
    childIds: [],
  },
};

describe("StepApi.notebookPath", () => {
  let server: Server;
  let asked: string[] = [];
  let api: StepApi;

  before(async () => {
    server = createServer((request, response) => {
      asked.push(request.url ?? "");
      const id = decodeURIComponent((request.url ?? "").split("/").pop() ?? "");
      const body = RUNS[id];
      response
        .writeHead(body ? 200 : 404, { "Content-Type": "application/json" })
        .end(JSON.stringify(body ?? { error: { message: `unknown run ${id}` } }));
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const settings = resolveSettings({ serverUrl: url, token: "t" });
    api = new StepApi({ client: new LineageClient({ settings: () => settings }) });
  });
  after(() => new Promise<void>((done) => server.close(() => done())));

  const step = (rootId: string): IRunWithPorts =>
    ({
      run: { id: "sum", rootId, stepName: "sum" },
      root: null,
      inputs: [],
      outputs: [],
      childIds: [],
    }) as unknown as IRunWithPorts;

  it("reads a step's notebook from its root run's environment", async () => {
    asked = [];
    assert.equal(await api.notebookPath(step("root")), "tutorials/01-first-pipeline.ipynb");
    assert.deepEqual(asked, ["/api/v1/runs/root"]);
  });

  it("asks nothing more for a root run, and says null when the notebook is unknown", async () => {
    asked = [];
    const root = RUNS.script as IRunWithPorts;
    assert.equal(await api.notebookPath(root), null);
    assert.deepEqual(asked, []);
    assert.equal(await api.notebookPath(step("script")), null);
  });
});
