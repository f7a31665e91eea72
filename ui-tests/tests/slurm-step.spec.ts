/**
 * The step panel of cloud steps on the real engine: a local Slurm cluster of one node with two
 * CPUs (ui-tests/slurm-lineage-server.ts: the project's own slurmctld, slurmd and slurmrestd), a
 * lineage server whose `slurm` executor submits every step with `resources` as a Slurm job, and
 * pipelines driven against it by Node processes, as a notebook's kernel drives them. The page is
 * pointed at that server through its settings; every check reads the real JupyterLab step panel,
 * and what the panel says of a job is compared with what Slurm itself says (slurmrestd).
 * - Two steps each asking for both CPUs: the first's panel says its Slurm job id, node and attempt,
 *   and shows a line it logs while the panel is open; the second's panel, open before its job
 *   exists, shows the job once it is submitted, pending, with Slurm's reason ("Resources"), and
 *   follows it to its end.
 * - A step that allocates past its `resources.memoryMiB` is killed by Slurm's memory cgroup
 *   (OUT_OF_MEMORY): its panel says out of memory, asked vs used, and to raise memoryMiB.
 * One cluster for the file (it takes seconds to start), stopped with every process it started.
 *
 * Reference screenshots (compared, light and dark theme) of the out-of-memory step's panel: where it
 * ran (slurm-step-oom-job*.png) and its failure (slurm-step-oom-failure*.png).
 */
import { join, resolve } from "node:path";

import type { IJupyterLabPageFixture } from "@jupyterlab/galata";
import type { Locator, Page } from "@playwright/test";
import { slurmRest } from "tsematic/lib/test-support/slurm-server";

import {
  SLURM_NODE,
  type SlurmLineageServer,
  startSlurmLineageServer,
} from "../slurm-lineage-server";
import { expect, test } from "./fixtures";
import { closePageOnServer, type IPageFixtures, pageOnServer } from "./page-on-server";
import { openStep as executeOpenStep } from "./steps";

const OUTPUT_DIR = resolve(__dirname, "..", "test-output");

/**
 * Two steps needing both CPUs of the one node. The waiter's input comes from `gate`, a step that
 * runs in the driver until the test lets it end: the waiter's run exists before its job does, and
 * its job is submitted while the holder has both CPUs.
 */
const WATCHED = `
const holder = func({ resources: { cpus: 2, memoryMiB: 300 } }, async function holder() {
  console.log("holder: started on " + process.env.SLURMD_NODENAME);
  await waitFor("more");
  console.log("holder: a line logged while its panel is open");
  await waitFor("release");
  return 1;
});
const gate = func(async function gate() { await waitFor("gate"); return 2; });
const waiter = func({ resources: { cpus: 2, memoryMiB: 300 } }, function waiter(n) { return n; });
const slurmWatched = func(async function slurmWatched() {
  const [held, waited] = await Promise.all([holder(), waiter(gate())]);
  return held + waited;
});
slurmWatched().run({ executor: "slurm" }).then(
  (r) => console.log(JSON.stringify({ rootId: r.rootId, value: r.value })),
  (e) => { console.error(e); process.exit(1); },
);
`;

/** A step that keeps 20 MiB more every 50 ms, past the 200 MiB it asks for. */
const OOM = `
const hog = func({ resources: { memoryMiB: 200 } }, async function hog() {
  const held = [];
  for (let i = 0; i < 60; i++) { held.push(Buffer.alloc(20 * 1024 * 1024, 1)); await sleep(50); }
  return held.length;
});
const slurmOom = func(async function slurmOom() { return await hog(); });
slurmOom().run({ executor: "slurm" }).then(
  () => { console.error("hog was not stopped"); process.exit(1); },
  (e) => console.log(JSON.stringify({ failed: e.runId })),
);
`;

interface IJobView {
  id: string;
  state: string;
  handle?: { externalId?: string; node?: string; pendingReason?: string };
}

let slurm: SlurmLineageServer;

/** GET `/api/v1${path}` of the Slurm lineage server. */
async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${slurm.server.url}/api/v1${path}`, {
    headers: { authorization: `Bearer ${slurm.server.token}` },
  });
  if (!response.ok) {
    throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
  }
  return (await response.json()) as T;
}

/** The id of the run of step `name` on the server (in `state`, when given); undefined before. */
async function runIn(name: string, state?: string): Promise<string | undefined> {
  const { runs } = await api<{ runs: { id: string; stepName: string; state: string }[] }>(
    `/runs?name=${encodeURIComponent(name)}&limit=5`,
  );
  return runs.find((run) => run.stepName === name && (!state || run.state === state))?.id;
}

/** The id of the run of step `name` once it exists (and is in `state`, when given). */
async function waitForRun(name: string, state?: string): Promise<string> {
  let id: string | undefined;
  await expect
    .poll(async () => (id = await runIn(name, state)), {
      message: `a run of ${name} ${state ?? ""} on the Slurm lineage server`,
      timeout: 120_000,
    })
    .toBeTruthy();
  return id!;
}

/** A JupyterLab page (in a context of its own) whose Tsematic settings name the Slurm server. */
function pageForSlurm(fixtures: IPageFixtures): Promise<IJupyterLabPageFixture> {
  return pageOnServer(fixtures, { serverUrl: slurm.server.url, token: slurm.server.token });
}

/** Opens the step panel of `runId`; returns it. */
async function openStep(page: Page, runId: string): Promise<Locator> {
  await executeOpenStep(page, runId);
  const panel = page.locator(`#tsematic-step-${runId}`);
  await expect(panel.locator(".jp-TsematicStep-header")).toBeVisible({ timeout: 30_000 });
  return panel;
}

test.describe("cloud steps on a Slurm cluster in the step panel", () => {
  test.beforeAll(async () => {
    test.setTimeout(240_000);
    slurm = await startSlurmLineageServer({
      corsOrigins: [process.env.TARGET_URL!],
      log: join(OUTPUT_DIR, "slurm-lineage-server.log"),
    });
  });

  test.afterAll(async () => {
    // Each daemon gets seconds to stop before it is killed: more than a test's default.
    test.setTimeout(120_000);
    await slurm?.close();
  });

  test("a step waiting for CPUs shows Slurm's pending reason; a running one its job id, node, attempt and the lines it logs", async ({
    browser,
    waitForApplication,
    tmpPath,
  }) => {
    test.setTimeout(300_000);
    const driver = slurm.drive("watched", WATCHED, join(OUTPUT_DIR, "slurm-watched.log"));
    const exited = new Promise<number | null>((done) => driver.once("exit", done));
    const holderId = await waitForRun("holder", "running");
    const page = await pageForSlurm({ browser, waitForApplication, tmpPath });
    try {
      const holder = await openStep(page, holderId);
      const state = holder.locator(".jp-TsematicStep-state");
      const logs = holder.locator(".jp-TsematicStep-logs pre");
      await expect(logs).toContainText(`holder: started on ${SLURM_NODE.name}`, {
        timeout: 60_000,
      });
      await expect(state).toHaveText("running");
      // A line logged after the panel opened appears in it while the step still runs.
      slurm.release("watched", "more");
      await expect(logs).toContainText("holder: a line logged while its panel is open", {
        timeout: 60_000,
      });
      await expect(state).toHaveText("running");

      // Where it runs: what Slurm itself says of the job the panel names.
      const holderJob = holder.locator(".jp-TsematicStep-job");
      await expect(holderJob).toContainText("executorslurm");
      await expect(holderJob).toContainText("job staterunning");
      await expect(holderJob).toContainText("attempt1");
      await expect(holderJob).toContainText("infrastructure retries0");
      await expect(holderJob).toContainText(`node${SLURM_NODE.name}`);
      const job = await api<IJobView>(`/runs/${holderId}/job`);
      const externalId = job.handle?.externalId ?? "";
      expect(externalId).toMatch(/^\d+$/);
      await expect(holderJob).toContainText(`external id${externalId}`);
      await expect(holderJob).toHaveAttribute("data-job-id", job.id);
      const record = await slurmRest(slurm.cluster).job(externalId);
      expect(record?.job_state).toBe("RUNNING");
      expect(record?.nodes).toBe(SLURM_NODE.name);
      expect(record?.name).toBe(job.id);

      // The waiter's panel, open before its job exists (its input is not there yet): no job.
      const waiterId = await waitForRun("waiter", "created");
      const waiter = await openStep(page, waiterId);
      const waiterJob = waiter.locator(".jp-TsematicStep-job");
      await expect(waiterJob).toBeHidden();
      // Its input comes: it is dispatched, and asks for the CPUs the holder has. The open panel
      // shows its job, which Slurm keeps pending, and why.
      slurm.release("watched", "gate");
      await expect(waiterJob).toContainText("job statequeued", { timeout: 60_000 });
      await expect(waiterJob).toContainText("pendingResources", { timeout: 60_000 });
      await expect(waiter.locator(".jp-TsematicStep-state")).toHaveText("scheduled");
      const pending = await api<IJobView>(`/runs/${waiterId}/job`);
      const pendingRecord = await slurmRest(slurm.cluster).job(pending.handle!.externalId!);
      expect(pendingRecord?.job_state).toBe("PENDING");
      expect(pendingRecord?.state_reason).toBe("Resources");

      // Once the holder ends, the waiter runs: its panel follows, and the reason goes.
      slurm.release("watched", "release");
      await expect(waiter.locator(".jp-TsematicStep-state")).toHaveText("resolved", {
        timeout: 120_000,
      });
      await expect(waiterJob).toContainText("job statesucceeded", { timeout: 60_000 });
      await expect(waiterJob).toContainText(`node${SLURM_NODE.name}`);
      await expect(waiterJob).not.toContainText("pending");
      expect(await exited).toBe(0);
    } finally {
      await closePageOnServer(page);
    }
  });

  test("a step past its resources.memoryMiB is killed by Slurm, and its panel says out of memory: asked vs used, raise memoryMiB", async ({
    browser,
    waitForApplication,
    tmpPath,
  }) => {
    test.setTimeout(240_000);
    const driver = slurm.drive("oom", OOM, join(OUTPUT_DIR, "slurm-oom.log"));
    const exited = new Promise<number | null>((done) => driver.once("exit", done));
    const hogId = await waitForRun("hog", "failed");
    expect(await exited).toBe(0);
    const job = await api<IJobView>(`/runs/${hogId}/job`);
    const record = await slurmRest(slurm.cluster).job(job.handle!.externalId!);
    expect(record?.job_state, "Slurm itself says so").toBe("OUT_OF_MEMORY");

    const page = await pageForSlurm({ browser, waitForApplication, tmpPath });
    try {
      const hog = await openStep(page, hogId);
      await expect(hog.locator(".jp-TsematicStep-state")).toHaveText("failed");
      const failure = hog.locator(".jp-TsematicStep-failure");
      await expect(failure).toHaveClass(/jp-mod-out-of-memory/);
      await expect(failure.locator(".jp-TsematicStep-failureTitle")).toContainText("Out of memory");
      await expect(failure).toContainText(`ran out of memory on ${SLURM_NODE.name}`);
      await expect(failure).toContainText("it asked for 200 MiB");
      // Its memory cgroup stops it at its limit: what it used is that limit (Slurm keeps no peak).
      await expect(failure).toContainText("memoryasked 200 MiB, used 200 MiB at peak");
      await expect(failure.locator(".jp-TsematicStep-failureHint")).toContainText(
        "raise the step's resources.memoryMiB above 200",
      );
      const hogJob = hog.locator(".jp-TsematicStep-job");
      await expect(hogJob).toContainText("executorslurm");
      await expect(hogJob).toContainText("job statefailed");
      await expect(hogJob).toContainText(`host${SLURM_NODE.name}`);
      await expect(hogJob).toContainText(`external id${job.handle!.externalId!}`);

      // Reference screenshots: where it ran, and the failure. The job's ids change from run to
      // run: masked, and the failure's message and advice (which name them) drawn as fixed boxes.
      const facts = hogJob.locator("dd");
      const texts = await facts.allInnerTexts();
      const keep = new Set(["slurm", "failed", "1", "0", SLURM_NODE.name]);
      const mask = texts.flatMap((text, i) => (keep.has(text) ? [] : [facts.nth(i)]));
      const stylePath = join(__dirname, "job-specific-text.css");
      await expect(hogJob).toHaveScreenshot("slurm-step-oom-job.png", { mask });
      await expect(failure).toHaveScreenshot("slurm-step-oom-failure.png", { stylePath });
      await page.theme.setDarkTheme();
      await expect(page.locator("body")).toHaveAttribute("data-jp-theme-light", "false");
      await expect(hogJob).toHaveScreenshot("slurm-step-oom-job-dark.png", { mask });
      await expect(failure).toHaveScreenshot("slurm-step-oom-failure-dark.png", { stylePath });
    } finally {
      await closePageOnServer(page);
    }
  });
});
