/**
 * A dispatched step's time budget reaches the executor: a worker stuck where the step's own timer
 * cannot fire (a synchronous loop, as native code would be) is stopped by the local executor and
 * its run fails classified `timeout`. Real server, real executor and worker processes.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { CloudProjects, lastJson } from "../test-support/cloud-project";
import { ServerProcess } from "../test-support/server-process";
import { jobTimeBudgetMs } from "./dispatch";

const projects = new CloudProjects();
let server: ServerProcess | undefined;

after(async () => {
  projects.cleanup();
  await server?.stop();
});

describe("a dispatched step's time budget", () => {
  it("counts every attempt's timeout and the backoffs between them", () => {
    assert.equal(jobTimeBudgetMs({}), undefined);
    assert.equal(jobTimeBudgetMs({ timeoutMs: 500 }), 500);
    // 3 × 1000, then backoffs of 100 and 200 ms.
    assert.equal(
      jobTimeBudgetMs({ timeoutMs: 1000, retry: { attempts: 3, backoffMs: 100 } }),
      3300,
    );
  });

  // Without the executor's clock the worker would never end: the test fails at its timeout.
  it(
    "stops a worker stuck in a synchronous loop past its budget: the run fails with failure kind timeout",
    { timeout: 120_000 },
    async () => {
      server = await ServerProcess.start({ args: ["--cpus", "4", "--memory-mib", "4096"] });
      const { main } = projects.project(
        "job-timeout",
        `
const { func } = require("tsematic");
const stuck = func({ resources: { cpus: 1 }, timeoutMs: 200 }, function stuck() {
  for (;;) {} // the event loop never turns: the step's own timer cannot fire
});
const pipeline = func(async function pipeline() { return await stuck(); });
pipeline().resolve({ executor: "local" }).then(
  (v) => console.log(JSON.stringify({ value: v })),
  (e) => console.log(JSON.stringify({ failure: e.cause && e.cause.info && e.cause.info.failure, message: e.message })),
);
`,
      );
      const { code, output } = await projects.drive(server, main).done;
      assert.equal(code, 0, output);
      const result = lastJson<{ failure?: { kind: string; timeoutMs?: number }; message: string }>(
        output,
      );
      assert.equal(result.failure?.kind, "timeout", output);
      // The executor's clock: the budget twice plus 10 s for the worker's setup.
      assert.equal(result.failure?.timeoutMs, 2 * 200 + 10_000);
    },
  );
});
