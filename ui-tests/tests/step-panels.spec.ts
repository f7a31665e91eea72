/**
 * Getting around step panels, against the real lineage server and the real tslab kernel: a step
 * canceled because its input failed says so and links the failed run; following that link (or
 * opening any other step) reuses the one step panel instead of opening another tab, unless the
 * user pinned it.
 */
import type { Page } from "@playwright/test";

import { expect, expectTslabKernelspec, test } from "./fixtures";
import { openStep } from "./steps";

const PIPELINE = [
  'import { func } from "tsematic";',
  "const brokenLoad = func(function brokenLoad(n: number): number {",
  "  throw new Error(`no data for ${n}`);",
  "});",
  "const useLoad = func(function useLoad(x: number): number { return x + 1; });",
  "const cancelReasonPipeline = func(async function cancelReasonPipeline(n: number) {",
  "  return useLoad(brokenLoad(n));",
  "});",
  "await cancelReasonPipeline(3)",
].join("\n");

/** The newest run of `stepName`, asked of the server the page is configured with. */
async function newestRun(page: Page, stepName: string): Promise<{ id: string; state: string }> {
  return page.evaluate(async (name) => {
    const config = JSON.parse(document.getElementById("jupyter-config-data")!.textContent!);
    const response = await fetch(
      `${config.tsematicServerUrl}/api/v1/runs?name=${encodeURIComponent(name)}&limit=1`,
      { headers: { Authorization: `Bearer ${config.tsematicToken}` } },
    );
    return ((await response.json()) as { runs: Array<{ id: string; state: string }> }).runs[0]!;
  }, stepName);
}

/** The ids of the step panels in the main area. */
async function stepPanels(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(window.jupyterapp.shell.widgets("main"))
      .map((widget) => widget.id)
      .filter((id) => id.startsWith("tsematic-step-"))
      .sort(),
  );
}

test.describe("step panels", () => {
  test.beforeEach(async ({ request }) => {
    await expectTslabKernelspec(request);
  });

  test("a canceled step says its input failed and links it; one panel is reused unless pinned", async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await page.notebook.createNew("step-panels.ipynb", { kernel: "tslab" });
    await page.notebook.setCell(0, "code", PIPELINE);
    await page.notebook.runCell(0);
    const canceled = await newestRun(page, "useLoad");
    const failed = await newestRun(page, "brokenLoad");
    const root = await newestRun(page, "cancelReasonPipeline");
    expect([canceled.state, failed.state]).toEqual(["canceled", "failed"]);

    await openStep(page, canceled.id);
    const panel = page.locator(`#tsematic-step-${canceled.id} .jp-TsematicStep`);
    const reason = panel.locator(".jp-TsematicStep-cancelReason");
    await expect(reason).toContainText("Why canceled: Canceled before it ran", { timeout: 30_000 });
    await expect(reason).toContainText("comes from brokenLoad, which failed");
    await expect(reason).toHaveAttribute("data-cause", "input-failed");
    expect(await stepPanels(page)).toEqual([`tsematic-step-${canceled.id}`]);

    // The cause's link opens the failed run in the same (reused) panel.
    await reason.locator(`a[data-run-id="${failed.id}"]`).click();
    const failedPanel = page.locator(`#tsematic-step-${failed.id} .jp-TsematicStep`);
    await expect(failedPanel.locator(".jp-TsematicStep-title")).toContainText("brokenLoad");
    await expect(failedPanel.locator(".jp-TsematicStep-cancelReason")).toBeHidden();
    expect(await stepPanels(page)).toEqual([`tsematic-step-${failed.id}`]);

    // Pinned, it stays: the next step opens beside it, and that one is the reused one.
    await page.locator(`#tsematic-step-${failed.id} .jp-TsematicStep-pin`).first().click();
    await expect(page.locator(`#tsematic-step-${failed.id}`)).toHaveAttribute(
      "data-pinned",
      "true",
    );
    await openStep(page, canceled.id);
    await expect(panel.locator(".jp-TsematicStep-title")).toContainText("useLoad");
    await openStep(page, root.id);
    await expect(page.locator(`#tsematic-step-${root.id} .jp-TsematicStep-title`)).toContainText(
      "cancelReasonPipeline",
    );
    expect(await stepPanels(page)).toEqual(
      [`tsematic-step-${failed.id}`, `tsematic-step-${root.id}`].sort(),
    );
  });
});
