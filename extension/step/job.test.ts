import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";

import { wireFixture } from "../testing/wire-fixture";
import { fetchJob, type IJob, jobFacts, readsAgain } from "./job";

/** A job of a dispatched run as `GET /api/v1/runs/{id}/job` answers it (server/openapi.yaml Job). */
const JOB: IJob = wireFixture("Job", {
  id: "4f0c6f1f8a7d4e0f9b1c2d3e4f5a6b7c",
  kind: "step",
  rootId: "0a1b2c3d4e5f6071",
  runId: "8192a3b4c5d6e7f8",
  executor: "local",
  state: "running",
  attempt: 2,
  resources: { cpus: 1, memoryMiB: 512 },
  handle: { executor: "local", host: "node-7", pid: 4242 },
  createdAt: 0,
  startedAt: 1,
});

describe("jobFacts", () => {
  it("lists the job id, executor, state, attempt, infrastructure retries, pid and host", () => {
    assert.deepEqual(jobFacts(JOB), [
      ["job", JOB.id],
      ["executor", "local"],
      ["job state", "running"],
      ["attempt", "2"],
      ["infrastructure retries", "1 (earlier workers were lost)"],
      ["pid", "4242"],
      ["host", "node-7"],
    ]);
  });

  it("says 0 retries for a first attempt, and leaves out a pid and host the job does not have yet", () => {
    const queued: IJob = { ...JOB, state: "queued", attempt: 1, handle: undefined };
    assert.deepEqual(jobFacts(queued), [
      ["job", JOB.id],
      ["executor", "local"],
      ["job state", "queued"],
      ["attempt", "1"],
      ["infrastructure retries", "0"],
    ]);
  });

  it("names a queued Slurm job's array task, and the reason Slurm gives for not starting it yet", () => {
    const pending: IJob = {
      ...JOB,
      executor: "slurm",
      state: "queued",
      attempt: 1,
      handle: { executor: "slurm", host: "", externalId: "412_7", pendingReason: "Resources" },
    };
    assert.deepEqual(jobFacts(pending), [
      ["job", JOB.id],
      ["executor", "slurm"],
      ["job state", "queued"],
      ["attempt", "1"],
      ["infrastructure retries", "0"],
      ["external id", "412_7"],
      ["pending", "Resources"],
    ]);
  });

  it("names the node a Slurm job runs on, and no pending reason once it runs", () => {
    const running: IJob = {
      ...JOB,
      executor: "slurm",
      state: "running",
      attempt: 1,
      handle: {
        executor: "slurm",
        host: "",
        node: "w1",
        externalId: "413",
        pendingReason: "Priority",
      },
    };
    assert.deepEqual(jobFacts(running).slice(5), [
      ["node", "w1"],
      ["external id", "413"],
    ]);
  });
});

describe("readsAgain", () => {
  it("reads a queued job again: the reason its cluster gives for not starting it may change", () => {
    const queued: IJob = { ...JOB, state: "queued" };
    assert.equal(readsAgain(queued, "scheduled"), true);
    assert.equal(readsAgain(JOB, "running"), false);
    assert.equal(readsAgain({ ...JOB, state: "succeeded" }, "resolved"), false);
  });

  it("reads again a scheduled run that has no job yet (its resolver creates it a moment later), not a run that ran inline", () => {
    assert.equal(readsAgain(null, "scheduled"), true);
    for (const state of ["created", "running", "resolved", "failed"]) {
      assert.equal(readsAgain(null, state), false, state);
    }
  });
});

describe("fetchJob", () => {
  let server: Server;
  let url = "";
  const asked: Array<{ url: string; authorization: string | undefined }> = [];

  before(async () => {
    server = createServer((request, response) => {
      asked.push({ url: request.url ?? "", authorization: request.headers.authorization });
      const dispatched = request.url === "/api/v1/runs/dispatched/job";
      response
        .writeHead(dispatched ? 200 : 404, { "Content-Type": "application/json" })
        .end(JSON.stringify(dispatched ? JOB : { error: { code: "not_found" } }));
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((done) => server.close(() => done())));

  it("reads the run's latest job with the token, and null for a run that ran inline", async () => {
    const api = { serverUrl: url, token: "secret" };
    assert.deepEqual(await fetchJob(api, "dispatched"), JOB);
    assert.equal(await fetchJob(api, "inline"), null);
    assert.deepEqual(
      asked.map((a) => [a.url, a.authorization]),
      [
        ["/api/v1/runs/dispatched/job", "Bearer secret"],
        ["/api/v1/runs/inline/job", "Bearer secret"],
      ],
    );
  });
});
