/**
 * The step panel follows a running step, against the real lineage server and the real tslab kernel:
 * opened while the step sleeps, it turns resolved and shows the step's output and last log line
 * without being reopened. A panel closed while its step still runs makes no more requests.
 */
import type { IJupyterLabPageFixture } from "@jupyterlab/galata";
import type { Request } from "@playwright/test";

import { expect, expectTslabKernelspec, test } from "./fixtures";
import { openStep } from "./steps";

/** One step that logs, sleeps long enough to open its panel, logs again and returns a value. */
const PIPELINE = [
  'import { func } from "tsematic";',
  'import { setTimeout as sleep } from "node:timers/promises";',
  "const slowDouble = func(async function slowDouble(n: number) {",
  '  console.log("slowDouble started");',
  "  await sleep(12_000);",
  '  console.log("slowDouble finished");',
  "  return { doubled: n * 2 };",
  "});",
  "const liveStepPipeline = func(async function liveStepPipeline(n: number) {",
  "  return slowDouble(n);",
  "});",
  "await liveStepPipeline(21);",
].join("\n");

interface IServerRun {
  id: string;
  rootId: string;
  state: string;
}

/** The newest run of `stepName` in `state`, asked of the server the page is configured with. */
async function newestRun(
  page: IJupyterLabPageFixture,
  stepName: string,
  state: string,
): Promise<IServerRun | null> {
  return page.evaluate(
    async ({ name, state }) => {
      const config = JSON.parse(document.getElementById("jupyter-config-data")!.textContent!);
      const query = new URLSearchParams({ name, state, limit: "1" });
      const response = await fetch(`${config.tsematicServerUrl}/api/v1/runs?${query}`, {
        headers: { Authorization: `Bearer ${config.tsematicToken}` },
      });
      const body = await response.json();
      return (body.runs[0] as IServerRun | undefined) ?? null;
    },
    { name: stepName, state },
  );
}

test.describe("the step panel, live", () => {
  test.beforeEach(async ({ request }) => {
    await expectTslabKernelspec(request);
  });

  test("a running step's panel turns resolved and shows its output without being reopened", async ({
    page,
  }, testInfo) => {
    test.setTimeout(180_000);
    await page.notebook.createNew("live-step.ipynb", { kernel: "tslab" });
    await page.notebook.setCell(0, "code", PIPELINE);
    await page.notebook.selectCells(0);
    // Not awaited: the step must still be running when its panel opens.
    await page.evaluate(() => {
      void window.jupyterapp.commands.execute("notebook:run-cell");
    });
    let running: IServerRun | null = null;
    await expect
      .poll(async () => (running = await newestRun(page, "slowDouble", "running")), {
        timeout: 90_000,
      })
      .not.toBeNull();
    const step = running!;

    await openStep(page, step.id);
    const panel = page.locator(`#tsematic-step-${step.id} .jp-TsematicStep`);
    const title = panel.locator(".jp-TsematicStep-title");
    await expect(title).toContainText("slowDouble");
    await expect(title).toContainText("running");
    await expect(panel).toHaveAttribute("data-following", "true");
    await expect(panel.locator(".jp-TsematicStep-live")).toContainText("Updating live");
    await expect(panel.locator(".jp-TsematicStep-logs")).toContainText("slowDouble started");
    await expect(panel.locator(".jp-TsematicStep-section", { hasText: "Outputs" })).toHaveText(
      "Outputs (0)",
    );
    await panel.screenshot({ path: testInfo.outputPath("running.png") });
    // Marks this panel's node (a reopened panel would not carry it), and notes when it first
    // shows the step resolved, for the figure printed below.
    await panel.evaluate((node) => {
      node.setAttribute("data-test-opened-once", "yes");
      const observer = new MutationObserver(() => {
        if (node.querySelector(".jp-TsematicStep-title")?.textContent?.includes("resolved")) {
          node.setAttribute("data-test-resolved-at", String(Date.now()));
          observer.disconnect();
        }
      });
      observer.observe(node, { subtree: true, childList: true, characterData: true });
    });

    // Pinned, so that opening the root's panel below does not reuse this one.
    await page.locator(`#tsematic-step-${step.id} .jp-TsematicStep-pin`).first().click();

    // The root run's panel, opened and closed while the pipeline still runs: no request after.
    const rootRequests: string[] = [];
    let closed = false;
    const rootRoute = new RegExp(`/api/v1/runs/${step.rootId}(/logs)?(\\?|$)`);
    const record = (request: Request): void => {
      if (closed && rootRoute.test(request.url())) rootRequests.push(request.url());
    };
    page.on("request", record);
    await openStep(page, step.rootId);
    const rootPanel = page.locator(`#tsematic-step-${step.rootId} .jp-TsematicStep`);
    await expect(rootPanel.locator(".jp-TsematicStep-title")).toContainText("liveStepPipeline");
    await expect(rootPanel).toHaveAttribute("data-following", "true");
    await page.evaluate((id) => {
      for (const widget of Array.from(window.jupyterapp.shell.widgets("main"))) {
        if (widget.id === `tsematic-step-${id}`) widget.close();
      }
    }, step.rootId);
    closed = true;
    await expect(rootPanel).toHaveCount(0);

    await openStep(page, step.id); // brings the step's panel forward (the same panel)
    await expect(title).toContainText("resolved", { timeout: 60_000 });
    await expect(panel).toHaveAttribute("data-test-opened-once", "yes");
    await expect(panel).toHaveAttribute("data-following", "false");
    await expect(panel.locator(".jp-TsematicStep-live")).toBeHidden();
    const outputPort = panel.locator('.jp-TsematicStep-port[data-port="output"]');
    await expect(outputPort).toHaveAttribute("data-type", "json");
    await expect(outputPort.locator(".jp-TsematicJson")).toContainText("doubled: 42");
    await expect(panel.locator(".jp-TsematicStep-logs")).toContainText("slowDouble finished");
    await expect(panel.getByRole("button", { name: "More logs" })).toBeHidden();
    await expect(panel.locator(".jp-TsematicStep-facts")).not.toContainText("so far");
    await panel.screenshot({ path: testInfo.outputPath("resolved.png") });

    // The pipeline ended too; the closed root panel asked nothing meanwhile.
    await expect
      .poll(async () => (await newestRun(page, "liveStepPipeline", "resolved"))?.id, {
        timeout: 30_000,
      })
      .toBe(step.rootId);
    page.off("request", record);
    const shownAt = Number(await panel.getAttribute("data-test-resolved-at"));
    const endedAt = await page.evaluate(async (id) => {
      const config = JSON.parse(document.getElementById("jupyter-config-data")!.textContent!);
      const response = await fetch(`${config.tsematicServerUrl}/api/v1/runs/${id}`, {
        headers: { Authorization: `Bearer ${config.tsematicToken}` },
      });
      return ((await response.json()) as { run: { endedAt: number } }).run.endedAt;
    }, step.id);
    // A figure, not an assertion: how soon the open panel showed the end (same machine's clock).
    console.log(`live step panel: showed "resolved" ${shownAt - endedAt} ms after the step ended`);
    expect(rootRequests, "requests of the closed root panel").toEqual([]);
  });
});
