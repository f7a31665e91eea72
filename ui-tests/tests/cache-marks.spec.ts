/**
 * Cache hits in the run graph, against the real lineage server and the real tslab kernel: a
 * pipeline run twice in one kernel reuses its cached steps the second time; their boxes carry a
 * cached mark (apart from the resolved state), their tooltip names the run they reused, and the
 * step panel's cache line links that run: a click opens it.
 */
import type { Page } from "@playwright/test";

import { expect, expectTslabKernelspec, test } from "./fixtures";
import { openStep } from "./steps";

const PIPELINE = [
  'import { func } from "tsematic";',
  "const cachedSquare = func({ cache: true }, function cachedSquare(x: number): number { return x * x; });",
  "const cachedPlus = func({ cache: true }, function cachedPlus(a: number, b: number): number { return a + b; });",
  "const cacheMarkPipeline = func(async function cacheMarkPipeline(n: number) {",
  "  return cachedPlus(cachedSquare(n), 1);",
  "});",
  "await cacheMarkPipeline(7)",
].join("\n");

interface IServerRun {
  id: string;
  originalRunId: string | null;
}

/** The newest runs of `stepName`, newest first, asked of the server the page is configured with. */
async function runsOf(page: Page, stepName: string): Promise<IServerRun[]> {
  return page.evaluate(async (name) => {
    const config = JSON.parse(document.getElementById("jupyter-config-data")!.textContent!);
    const response = await fetch(
      `${config.tsematicServerUrl}/api/v1/runs?name=${encodeURIComponent(name)}&limit=2`,
      { headers: { Authorization: `Bearer ${config.tsematicToken}` } },
    );
    return ((await response.json()) as { runs: IServerRun[] }).runs;
  }, stepName);
}

test.describe("cache hits", () => {
  test.beforeEach(async ({ request }) => {
    await expectTslabKernelspec(request);
  });

  test("a cache hit is marked in the run graph and links the run it reused", async ({ page }) => {
    test.setTimeout(180_000);
    await page.notebook.createNew("cache-marks.ipynb", { kernel: "tslab" });
    await page.notebook.setCell(0, "code", PIPELINE);
    await page.notebook.runCell(0);
    const output = page.locator(".jp-RunGraphOutput .jp-RunGraph");
    const square = output.locator(".jp-RunGraph-node", { hasText: "cachedSquare" });
    await expect(square).toHaveClass(/jp-mod-resolved/, { timeout: 60_000 });
    // Computed the first time: no mark.
    await expect(square).not.toHaveClass(/jp-mod-cached/);

    await page.notebook.runCell(0);
    const [hit, first] = await runsOf(page, "cachedSquare");
    expect(hit?.originalRunId).toBe(first?.id);
    const hitNode = output.locator(`.jp-RunGraph-node[data-run-id="${hit!.id}"]`);
    await expect(hitNode).toHaveClass(/jp-mod-resolved/, { timeout: 60_000 });
    await expect(hitNode).toHaveClass(/jp-mod-cached/);
    await expect(hitNode).toHaveAttribute("data-original-run-id", first!.id);
    await expect(hitNode.locator(".jp-RunGraph-cacheMark")).toHaveCount(1);
    expect(await hitNode.locator("title").first().textContent()).toContain(
      `cache hit: reused run ${first!.id}`,
    );
    // Both steps of the second run are hits; the pipeline itself (not cacheable) is not.
    await expect(output.locator(".jp-RunGraph-node.jp-mod-cached")).toHaveCount(2);
    await expect(output.locator(".jp-RunGraph-group.jp-mod-cached")).toHaveCount(0);

    // The step panel's cache line links the reused run; a click opens its panel.
    await openStep(page, hit!.id);
    const panel = page.locator(`.jp-TsematicStep[data-run-id="${hit!.id}"]`);
    const link = panel.locator(`.jp-TsematicStep-facts a[data-run-id="${first!.id}"]`);
    await expect(link).toBeVisible({ timeout: 30_000 });
    await link.click();
    const original = page.locator(`.jp-TsematicStep[data-run-id="${first!.id}"]`);
    await expect(original).toBeVisible();
    await expect(original.locator(".jp-TsematicStep-facts")).toContainText("enabled, computed");
  });
});
