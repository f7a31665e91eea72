import { expect, expectTslabKernelspec, test } from "./fixtures";

test.describe("notebooks on the tslab kernel", () => {
  test.beforeEach(async ({ request }) => {
    await expectTslabKernelspec(request);
  });

  test("a cell `1 + 1` shows 2", async ({ page }) => {
    await page.notebook.createNew("one-plus-one.ipynb", { kernel: "tslab" });
    await page.notebook.setCell(0, "code", "1 + 1");
    await page.notebook.runCell(0);
    const output = await page.notebook.getCellTextOutput(0);
    expect(output?.map((text) => text.trim())).toEqual(["2"]);
  });

  test("a pipeline run in a cell is tracked by the real server and listed in the runs panel", async ({
    page,
  }) => {
    await page.notebook.createNew("pipeline.ipynb", { kernel: "tslab" });
    await page.notebook.setCell(
      0,
      "code",
      [
        'import { func } from "tsematic";',
        "const double = func(function double(x: number): number { return 2 * x; });",
        "const uiTestPipeline = func(async function uiTestPipeline(n: number) { return double(n); });",
        "await uiTestPipeline(21)",
      ].join("\n"),
    );
    await page.notebook.runCell(0);
    expect((await page.notebook.getCellTextOutput(0))?.join("\n")).toContain("42");

    await page.sidebar.openTab("tsematic-runs");
    const panel = page.locator("#tsematic-runs");
    await panel.getByTitle("Fetch the runs from the lineage server now").click();
    const run = panel.locator(".jp-TsematicRuns-item", { hasText: "uiTestPipeline" });
    await expect(run).toHaveCount(1);
    await expect(run).toHaveClass(/jp-mod-resolved/);
  });
});
