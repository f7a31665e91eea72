import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  ANSWER_PREFIX,
  formatDuration,
  formatLimits,
  formatResources,
  formatRole,
  formatSize,
  parseAnswer,
  planCode,
  submitCode,
  type IPromotionRequest,
} from "./protocol";

const REQUEST: IPromotionRequest = {
  notebookPath: "tutorials/05-from-notebook-to-cluster.ipynb",
  cells: [{ cellType: "code", source: 'const s = "`${x}` \\n";' }],
  cellIndex: 0,
  executor: "local",
};

describe("the promotion protocol with the kernel", () => {
  it("sends the cells as a JSON literal, so no cell text is ever evaluated as code", () => {
    const code = planCode(REQUEST);
    assert.match(code, /^await import\("tsematic\/lib\/promote"\)\.then\(\(m\) => m\.answerPlan\(/);
    const literal = code.slice(code.indexOf("answerPlan(") + "answerPlan(".length, -3);
    assert.deepEqual(JSON.parse(literal), REQUEST);
  });

  it("submits the cell's own call expression, evaluated in the kernel's scope", () => {
    const code = submitCode(REQUEST, "pipeline(sample, 2) // trailing comment");
    assert.match(
      code,
      /answerSubmit\(\{.*\}, \(\) => \(\npipeline\(sample, 2\) \/\/ trailing comment\n\)\)\);$/s,
    );
  });

  it("reads the answer line among the kernel's other output, and nothing without one", () => {
    const text = `log line\n${ANSWER_PREFIX}{"ok":true,"answer":{"rootId":"r1"}}\nmore\n`;
    assert.deepEqual(parseAnswer(text), { ok: true, answer: { rootId: "r1" } });
    assert.equal(parseAnswer("no answer\n"), null);
  });

  it("shows sizes and resources for people", () => {
    assert.equal(formatSize(812), "812 B");
    assert.equal(formatSize(14_540), "14.2 KiB");
    assert.equal(formatResources({ cpus: 2, memoryMiB: 512, gpus: 1 }), "2 CPUs · 512 MiB · 1 GPU");
    assert.equal(formatResources({}), "defaults (1 CPU)");
  });

  it("says where each step of the plan runs, with its time budget and tries", () => {
    assert.equal(formatRole("driver"), "driver (the pipeline)");
    assert.equal(formatRole("job"), "job");
    assert.equal(formatRole("inline"), "inline");
    assert.equal(formatLimits({ timeoutMs: 60_000, attempts: 3 }), "timeout 1 min · 3 attempts");
    assert.equal(formatLimits({ timeoutMs: null, attempts: 1 }), "", "one try is no retry");
    assert.equal(formatLimits({ timeoutMs: null, attempts: null }), "");
    assert.equal(formatDuration(800), "800 ms");
    assert.equal(formatDuration(45_000), "45 s");
    assert.equal(formatDuration(90_000), "1 min 30 s");
    assert.equal(formatDuration(7_200_000), "2 h");
  });
});
