/**
 * Retries in the run graph, against the real lineage server and the real tslab kernel: a step that
 * fails twice and then succeeds carries a "×3" mark and says so in its tooltip; its step panel
 * names the attempt and lists each attempt with the failed ones' errors. Reference screenshots (compared): the graph, the runs panel, the step panel's
 * header (ui-tests/screenshots/retry-*.png).
 */
import { join } from "node:path";

import type { Page } from "@playwright/test";

import { expect, expectTslabKernelspec, test } from "./fixtures";
import { openStep } from "./steps";

const PIPELINE = [
  'import { func } from "tsematic";',
  "let calls = 0;",
  "const flakyFetch = func({ retry: { attempts: 3, backoffMs: 10 } }, function flakyFetch(x: number): number {",
  "  calls++;",
  "  console.log(`attempt ${calls}`);",
  "  if (calls < 3) throw new Error(`the service is busy (try ${calls})`);",
  "  return x * 10;",
  "});",
  "const retryPipeline = func(async function retryPipeline(n: number) { return flakyFetch(n); });",
  "await retryPipeline(4)",
].join("\n");

/** The newest run of `stepName`, asked of the server the page is configured with. */
async function newestRun(page: Page, stepName: string): Promise<{ id: string; attempt: number }> {
  return page.evaluate(async (name) => {
    const config = JSON.parse(document.getElementById("jupyter-config-data")!.textContent!);
    const response = await fetch(
      `${config.tsematicServerUrl}/api/v1/runs?name=${encodeURIComponent(name)}&limit=1`,
      { headers: { Authorization: `Bearer ${config.tsematicToken}` } },
    );
    return ((await response.json()) as { runs: Array<{ id: string; attempt: number }> }).runs[0]!;
  }, stepName);
}

test.describe("retries", () => {
  test.beforeEach(async ({ request }) => {
    await expectTslabKernelspec(request);
  });

  test("a retried step is marked with its attempt in the graph, the runs panel and its step panel", async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await page.notebook.createNew("retry-marks.ipynb", { kernel: "tslab" });
    await page.notebook.setCell(0, "code", PIPELINE);
    await page.notebook.runCell(0);
    expect((await page.notebook.getCellTextOutput(0))?.join("\n")).toContain("40");
    const flaky = await newestRun(page, "flakyFetch");
    expect(flaky.attempt).toBe(3);

    const output = page.locator(".jp-RunGraphOutput .jp-RunGraph");
    const node = output.locator(`.jp-RunGraph-node[data-run-id="${flaky.id}"]`);
    await expect(node).toHaveClass(/jp-mod-resolved/, { timeout: 60_000 });
    await expect(node).toHaveClass(/jp-mod-retried/);
    await expect(node.locator(".jp-RunGraph-retryMark")).toHaveText("×3");
    expect(await node.locator("title").first().textContent()).toContain("retried: attempt 3");
    await expect(output).toHaveAttribute("data-engine", "elk");
    await expect(page.locator(".jp-RunGraphOutput")).toHaveScreenshot("retry-graph.png");

    await page.sidebar.openTab("tsematic-runs");
    const panel = page.locator("#tsematic-runs");
    await panel.getByTitle("Fetch the runs from the lineage server now").click();
    await panel.getByLabel("Filter runs by pipeline name").fill("retryPipeline");
    const item = panel.locator(".jp-TsematicRuns-item", { hasText: "retryPipeline" });
    await expect(item).toHaveCount(1);
    await expect(item.locator(".jp-TsematicRuns-counts")).toHaveText("1 step");
    await expect(item.locator(".jp-TsematicRuns-inputs")).toHaveText("n=4");
    await item.click();
    await expect(
      panel.locator(`#tsematic-run-graph .jp-RunGraph-node[data-run-id="${flaky.id}"]`),
    ).toHaveClass(/jp-mod-retried/);
    // Times and durations change from run to run, in text and width: fixed boxes.
    await expect(panel).toHaveScreenshot("retry-runs-panel.png", {
      stylePath: join(__dirname, "run-specific-text.css"),
    });

    await openStep(page, flaky.id);
    const step = page.locator(`#tsematic-step-${flaky.id} .jp-TsematicStep`);
    await expect(step.locator(".jp-TsematicStep-title")).toContainText("resolved");
    await expect(step.locator(".jp-TsematicStep-facts")).toContainText("attempt3");
    await expect(step.locator(".jp-TsematicStep-logs")).toContainText("attempt 3");
    // The run id and the times change from run to run: masked (the facts' 1st and 4th to 7th values).
    const header = step.locator(".jp-TsematicStep-header");
    await expect(header).toHaveScreenshot("retry-step-header.png", {
      mask: [1, 4, 5, 6, 7].map((n) =>
        header.locator(`.jp-TsematicStep-facts dd:nth-of-type(${n})`),
      ),
    });

    // Each attempt is listed: how it ended, and the failed ones' errors (stack one click away).
    const attempts = step.locator(".jp-TsematicStep-attempt");
    await expect(attempts).toHaveCount(3);
    await expect(attempts.nth(0).locator(".jp-TsematicStep-attemptLine")).toContainText(
      "Attempt 1: failed, retried",
    );
    await expect(attempts.nth(0).locator(".jp-TsematicStep-attemptError")).toHaveText(
      "Error: the service is busy (try 1)",
    );
    await expect(attempts.nth(1).locator(".jp-TsematicStep-attemptError")).toHaveText(
      "Error: the service is busy (try 2)",
    );
    await expect(attempts.nth(2).locator(".jp-TsematicStep-attemptLine")).toContainText(
      "Attempt 3: resolved",
    );
    await expect(attempts.nth(2).locator(".jp-TsematicStep-attemptError")).toHaveCount(0);
    // Durations change from run to run: masked.
    await expect(step.locator(".jp-TsematicStep-attempts")).toHaveScreenshot(
      "retry-step-attempts.png",
      { mask: [step.locator(".jp-TsematicStep-attemptDuration")] },
    );
    const stack = attempts.nth(0).locator("pre");
    await expect(stack).toBeHidden();
    await attempts.nth(0).locator("summary").click();
    await expect(stack).toContainText("the service is busy (try 1)");
  });
});
