import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { submitBlocker } from "./blocker";
import { nodeUrlSettingProblem, withSettingProblem } from "./node-url";
import type { IPromotionPlan } from "./protocol";

const PLAN: IPromotionPlan = {
  cell: 5,
  call: { callee: "trainingPipeline", expression: "trainingPipeline(200, 30)" },
  executor: {
    name: "slurm",
    reachable: true,
    problem: null,
    serverUrl: "http://127.0.0.1:8765",
    nodeUrl: "http://head:8765",
    nodeUrls: ["http://head:8765", "http://10.0.0.1:8765"],
    nodeUrlProblem: null,
  },
  steps: [],
  package: null,
  errors: [],
};

describe("the Cluster node URL setting in the Run Pipeline on Cluster dialog", () => {
  it("accepts an empty setting (the server's default) and an http(s) URL", () => {
    assert.equal(nodeUrlSettingProblem(undefined), null);
    assert.equal(nodeUrlSettingProblem(""), null);
    assert.equal(nodeUrlSettingProblem("https://head.example/tsematic"), null);
  });

  it("refuses a URL with credentials, another scheme, a query, or too long, saying what to do", () => {
    assert.match(
      nodeUrlSettingProblem("http://admin:pw@head:8765")!,
      /Cluster node URL "head:8765" carries a user name or password: remove them/,
    );
    assert.doesNotMatch(nodeUrlSettingProblem("http://admin:pw@head:8765")!, /pw/, "never echoed");
    assert.match(
      nodeUrlSettingProblem("file:///etc/passwd")!,
      /uses file: use an http or https URL/,
    );
    assert.match(
      nodeUrlSettingProblem("head:8765")!,
      /use an http or https URL|not an absolute URL/,
    );
    assert.match(nodeUrlSettingProblem("http://head:8765/?token=x")!, /query or fragment/);
    assert.match(
      nodeUrlSettingProblem(`http://head/${"a".repeat(3000)}`)!,
      /characters long \(at most 2048\)/,
    );
  });

  it("blocks submitting while the chosen URL is not one the server allows, with the plan's reason", () => {
    assert.equal(submitBlocker(PLAN), null);
    const refused: IPromotionPlan = {
      ...PLAN,
      executor: {
        ...PLAN.executor,
        nodeUrl: null,
        nodeUrlProblem: "… (it allows: http://head:8765, http://10.0.0.1:8765) …",
      },
    };
    assert.match(submitBlocker(refused)!, /it allows: http:\/\/head:8765/);
    const malformed = withSettingProblem(PLAN, "Settings › Tsematic › Cluster node URL …");
    assert.equal(malformed.executor.nodeUrl, null);
    assert.equal(submitBlocker(malformed), "Settings › Tsematic › Cluster node URL …");
  });
});
