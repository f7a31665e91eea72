/**
 * Scenarios every executor must pass, written once and run by each executor's test file
 * (worker/cloud.test.ts on the local executor, worker/slurm.test.ts on a real Slurm cluster):
 * what differs is the executor's name, which steps are dispatched and how long a cluster takes.
 *
 * @example
 * ```ts
 * it("the driver of a submitted run killed with -9 ...", () =>
 *   requeuedDriverReusesFinishedChildren(cloud, { executor: "slurm", dispatchSteps: true, timeoutMs: 120_000 }));
 * ```
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type cloudProjects, files, lastJson } from "./cloud-project";
import { eventually } from "./server-process";

type Cloud = ReturnType<typeof cloudProjects>;

export interface ScenarioOptions {
  executor: string;
  /**
   * true: the children ask for resources, so they are dispatched as jobs of their own; false:
   * they run inline in the driver's process (and die with it).
   */
  dispatchSteps: boolean;
  /** How long a job may take to start (default 60 s; a cluster is slower than a local process). */
  timeoutMs?: number;
  /** The job record of a run (`GET /runs/{id}/job`). */
  jobOf: (runId: string) => Promise<{ attempt: number; state: string }>;
}

/**
 * `submit()`s a root whose driver runs `first` then `second`, kills the driver with -9 while
 * `second` runs, and checks that the requeued driver (attempt 2) reuses `first`'s output and that
 * the root resolves. A dispatched `second` is re-attached to (it ran once); an inline one died
 * with the driver and runs again.
 */
export async function requeuedDriverReusesFinishedChildren(
  cloud: Cloud,
  options: ScenarioOptions,
): Promise<void> {
  const wait = options.timeoutMs ?? 60_000;
  const settings = options.dispatchSteps ? "{ resources: { cpus: 1, memoryMiB: 200 } }, " : "";
  const { main, markers: m } = cloud.project(
    `kill-driver-${options.executor}`,
    `
const first = func(${settings}function first(x) { mark("first-" + process.pid + "-" + Date.now()); return x + 1; });
const second = func(${settings}async function second(x) {
  mark("second-" + process.pid + "-" + Date.now());
  await waitFor("go");
  return x * 10;
});
const pipeline = func(async function pipeline(x) {
  mark("driver-" + process.pid);
  const a = await first(x);
  return await second(a);
});
pipeline(1).submit({ executor: ${JSON.stringify(options.executor)} }).then(
  (r) => console.log(JSON.stringify({ rootId: r.rootId })),
  (e) => { console.error(e); process.exit(1); },
);
`,
  );
  const submitted = await cloud.drive(main).done;
  assert.equal(submitted.code, 0, submitted.output);
  const { rootId } = lastJson<{ rootId: string }>(submitted.output);
  await eventually("second to start", async () => files(m, "second-")[0], wait);
  // The server has recorded first as resolved before the driver dies.
  await eventually(
    "first resolved on the server",
    async () => {
      const runs = await cloud.runsUnder(rootId);
      return runs.find((r) => r.run.stepName === "first" && r.run.state === "resolved");
    },
    wait,
  );
  const [driver1] = files(m, "driver-");
  const pid1 = Number(driver1!.slice("driver-".length));
  process.kill(pid1, "SIGKILL");
  const driver2 = await eventually(
    "the requeued driver",
    async () => files(m, "driver-").find((f) => f !== driver1),
    wait,
  );
  assert.notEqual(Number(driver2.slice("driver-".length)), pid1);
  const secondRuns = options.dispatchSteps ? 1 : 2;
  if (!options.dispatchSteps) {
    await eventually(
      "second to start again",
      async () => (files(m, "second-").length === 2 ? true : undefined),
      wait,
    );
  }
  writeFileSync(join(m, "go"), "");
  await eventually(
    "the root to resolve",
    async () => ((await cloud.runOf(rootId)).run.state === "resolved" ? true : undefined),
    wait,
  );
  assert.equal(
    files(m, "first-").length,
    1,
    "first ran once: the requeued driver reused its output",
  );
  assert.equal(
    files(m, "second-").length,
    secondRuns,
    options.dispatchSteps
      ? "second ran once: the requeued driver re-attached to its running job"
      : "second ran inline in the killed driver, and again in the requeued one",
  );
  const runs = await cloud.runsUnder(rootId);
  assert.deepEqual(runs.map((r) => `${r.run.stepName}:${r.run.state}`).sort(), [
    "first:resolved",
    "pipeline:resolved",
    "second:resolved",
  ]);
  const job = await options.jobOf(rootId);
  assert.deepEqual([job.attempt, job.state], [2, "succeeded"]);
}
