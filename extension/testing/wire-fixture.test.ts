import assert from "node:assert/strict";
import { describe, it } from "node:test";

import type { Job } from "../wire";
import { wireFixture } from "./wire-fixture";

const JOB: Job = {
  id: "4f0c6f1f8a7d4e0f9b1c2d3e4f5a6b7c",
  kind: "step",
  rootId: "0a1b2c3d4e5f6071",
  runId: "8192a3b4c5d6e7f8",
  executor: "local",
  state: "running",
  attempt: 1,
  resources: {},
  createdAt: 0,
};

describe("wireFixture", () => {
  it("returns a fixture that is a valid value of its openapi.yaml schema", () => {
    assert.equal(wireFixture("Job", JOB), JOB);
  });

  it("fails a fixture that drifted from openapi.yaml, naming the schema and the field", () => {
    // A field the server does not send (renamed, say): what a type cast in a test would hide.
    const drifted = { ...JOB, startTime: 1 } as unknown as Job;
    assert.throws(
      () => wireFixture("Job", drifted),
      /not a valid Job of server\/openapi\.yaml: .*additional properties \(startTime\)/,
    );
    const badState = { ...JOB, state: "pending" } as unknown as Job;
    assert.throws(() => wireFixture("Job", badState), /\/state must be equal to one of/);
  });
});
