/**
 * Getting around the runs side panel, against the real lineage server and the real tslab kernel:
 * "Open Run Graph" in a run's context menu opens the run's graph in a main-area tab; the panel's
 * own graph refits when the sidebar is widened; the state filter shows its longest choice whole; a
 * run's row shows its duration, step count and first inputs.
 */
import { expect, expectTslabKernelspec, test } from "./fixtures";

const PIPELINE = [
  'import { func } from "tsematic";',
  "const halve = func(function halve(x: number): number { return x / 2; });",
  "const runsPanelPipeline = func(async function runsPanelPipeline(n: number) {",
  "  return halve(halve(n));",
  "});",
  "await runsPanelPipeline(12)",
].join("\n");

test.describe("the runs panel", () => {
  test.beforeEach(async ({ request }) => {
    await expectTslabKernelspec(request);
  });

  test("Open Run Graph opens the graph in a tab; the side graph refits when the sidebar widens; the state filter is not cut off", async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await page.notebook.createNew("runs-panel.ipynb", { kernel: "tslab" });
    await page.notebook.setCell(0, "code", PIPELINE);
    await page.notebook.runCell(0);
    await expect(page.locator(".jp-RunGraphOutput .jp-RunGraph-node.jp-mod-resolved")).toHaveCount(
      2,
      { timeout: 60_000 },
    );

    await page.sidebar.openTab("tsematic-runs");
    const panel = page.locator("#tsematic-runs");
    await panel.getByTitle("Fetch the runs from the lineage server now").click();
    const item = panel.locator(".jp-TsematicRuns-item", { hasText: "runsPanelPipeline" });
    await expect(item).toHaveCount(1);
    // Its second line tells it from other runs of the pipeline: duration, steps, first inputs.
    const facts = item.locator(".jp-TsematicRuns-facts");
    await expect(facts.locator(".jp-TsematicRuns-duration")).toHaveText(/^\d+(\.\d)? (ms|s)$/);
    await expect(facts.locator(".jp-TsematicRuns-counts")).toHaveText("2 steps");
    await expect(facts.locator(".jp-TsematicRuns-inputs")).toHaveText("n=12");

    // The state filter: its widest choice fits inside the box (besides the arrow).
    const state = panel.getByLabel("Filter runs by state");
    await state.selectOption({ label: "Failed (any)" });
    const room = await state.evaluate((select: HTMLSelectElement) => {
      const style = getComputedStyle(select);
      const context = document.createElement("canvas").getContext("2d")!;
      context.font = `${style.fontSize} ${style.fontFamily}`;
      const widest = Math.max(
        ...Array.from(select.options).map((o) => context.measureText(o.text).width),
      );
      const inner =
        select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return inner - widest;
    });
    expect(room).toBeGreaterThanOrEqual(0);
    await state.selectOption({ label: "Any state" });

    // The side graph of the selected run.
    await item.click();
    const sideGraph = panel.locator("#tsematic-run-graph .jp-RunGraph");
    await expect(sideGraph.locator(".jp-RunGraph-node.jp-mod-resolved")).toHaveCount(2);
    await expect(sideGraph).toHaveAttribute("data-engine", "elk");
    const svg = sideGraph.locator(".jp-RunGraph-svg");
    const before = await svg.evaluate((node) => (node as SVGSVGElement).style.transform);
    // Widen the sidebar by dragging its edge 300 px to the right.
    const box = (await page.locator("#jp-left-stack").boundingBox())!;
    const handle = page.locator("#jp-main-split-panel > .lm-SplitPanel-handle").first();
    const grip = (await handle.boundingBox())!;
    expect(Math.abs(grip.x - (box.x + box.width))).toBeLessThan(10);
    const y = grip.y + grip.height / 2;
    await page.mouse.move(grip.x + grip.width / 2, y);
    await page.mouse.down();
    await page.mouse.move(grip.x + 300, y, { steps: 5 });
    await page.mouse.up();
    await expect
      .poll(async () => (await page.locator("#jp-left-stack").boundingBox())!.width)
      .toBeGreaterThan(box.width + 200);
    await expect
      .poll(() => svg.evaluate((node) => (node as SVGSVGElement).style.transform))
      .not.toBe(before);

    // Open Run Graph, from the run's context menu: the graph in a main-area tab.
    await item.click({ button: "right" });
    await page.locator(".lm-Menu-item", { hasText: "Open Run Graph" }).click();
    const tab = page.locator("#tsematic-run-graph-tab");
    await expect(tab).toBeVisible();
    await expect(tab.locator(".jp-RunGraph-node.jp-mod-resolved")).toHaveCount(2);
    await expect(page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current")).toContainText(
      "Graph: runsPanelPipeline",
    );
  });
});
