/**
 * The step panel against the real lineage server and the real tslab kernel: a pipeline run from a
 * notebook produces a table and a plot; `tsematic:open-step` (run through the app's commands, as
 * the run graph will) shows the table's rows in the grid, runs SQL over it with duckdb-wasm in the
 * browser, and renders the plot. Reference screenshots of the panels (compared, light and dark
 * theme): ui-tests/screenshots/step-*.png.
 */
import type { Page } from "@playwright/test";

import { expect, expectTslabKernelspec, test } from "./fixtures";
import { openStep } from "./steps";
import { saveTsematicSettings, waitForCommand } from "./lab-page";

/**
 * The library's imports get a cell of their own: the cells run after it are the ones whose
 * TypeScript the kernel keeps (the step panel shows it).
 */
const IMPORTS = [
  'import { func, plot } from "tsematic";',
  'import { tableFromArrays, type Table } from "apache-arrow";',
].join("\n");

const PIPELINE = [
  "const makeSales = func(function makeSales(n: number): Table {",
  "  const id = new Int32Array(n);",
  "  const amount = new Float64Array(n);",
  "  const region: string[] = [];",
  "  for (let i = 0; i < n; i++) {",
  "    id[i] = i;",
  "    amount[i] = (i % 10) + 0.5;",
  '    region.push(["north", "south", "east"][i % 3]);',
  "  }",
  "  console.log(`made ${n} sales`);",
  "  return tableFromArrays({ id, region, amount });",
  "});",
  "const salesChart = func(function salesChart(sales: Table) {",
  "  const values = sales.toArray().map((row) => ({ region: String(row.region), amount: Number(row.amount) }));",
  "  return plot({",
  '    title: "Sales by region",',
  "    data: { values },",
  '    mark: "bar",',
  "    encoding: {",
  '      x: { field: "region", type: "nominal" },',
  '      y: { aggregate: "sum", field: "amount", type: "quantitative" },',
  "    },",
  "  });",
  "});",
  "const stepPanelPipeline = func(async function stepPanelPipeline(n: number) {",
  "  return salesChart(makeSales(n));",
  "});",
  "const chart = await stepPanelPipeline(300);",
  '"pipeline done"',
].join("\n");

/** The id of the newest run of `stepName`, asked of the lineage server the page is configured with. */
async function runIdOf(page: Page, stepName: string): Promise<string> {
  return page.evaluate(async (name) => {
    const config = JSON.parse(document.getElementById("jupyter-config-data")!.textContent!);
    const response = await fetch(
      `${config.tsematicServerUrl}/api/v1/runs?name=${encodeURIComponent(name)}&limit=1`,
      { headers: { Authorization: `Bearer ${config.tsematicToken}` } },
    );
    const body = await response.json();
    const runs = Array.isArray(body) ? body : body.runs;
    return runs[0].id as string;
  }, stepName);
}

/** Reads cells of the table view's grid models through the widget tree. */
async function tableCells(
  page: Page,
  which: "model" | "resultModel",
  cells: Array<[number, number]>,
): Promise<unknown[]> {
  return page.evaluate(
    ({ which, cells }) => {
      type W = { widgets?: W[]; content?: W; model?: unknown; runQuery?: unknown };
      const app = (window as unknown as { jupyterapp: { shell: { currentWidget: W } } }).jupyterapp;
      const find = (widget: W | undefined): W | null => {
        if (!widget) return null;
        if (typeof widget.runQuery === "function") return widget;
        for (const child of [widget.content, ...(widget.widgets ?? [])]) {
          const hit = find(child);
          if (hit) return hit;
        }
        return null;
      };
      const view = find(app.shell.currentWidget) as unknown as Record<
        string,
        { data: (region: string, row: number, col: number) => unknown; numRows: number }
      >;
      const model = view[which]!;
      return [model.numRows, ...cells.map(([row, col]) => model.data("body", row, col))];
    },
    { which, cells },
  );
}

test.describe("the step panel", () => {
  test.beforeEach(async ({ request }) => {
    await expectTslabKernelspec(request);
  });

  test("shows a step's table in a grid, runs SQL over it in the browser, and renders a plot", async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await page.setViewportSize({ width: 1280, height: 1200 });
    await page.notebook.createNew("step-panel.ipynb", { kernel: "tslab" });
    await page.notebook.setCell(0, "code", IMPORTS);
    await page.notebook.addCell("code", PIPELINE);
    await page.notebook.runCell(0);
    await page.notebook.runCell(1);
    expect((await page.notebook.getCellTextOutput(1))?.join("\n")).toContain("pipeline done");

    await openStep(page, await runIdOf(page, "makeSales"));
    const panel = page.locator(".jp-TsematicStep");
    await expect(panel.locator(".jp-TsematicStep-title")).toContainText("makeSales");
    await expect(panel.locator(".jp-TsematicStep-title")).toContainText("resolved");
    const table = panel.locator('.jp-TsematicStep-port[data-type="arrow.table"] .jp-TsematicTable');
    await expect(table).toHaveAttribute("data-loaded", "true");
    await expect(table).toHaveAttribute("data-rows-loaded", "300");
    await expect(table.locator(".jp-TsematicTable-header")).toContainText("300 rows × 3 columns");
    await expect(table.locator(".jp-TsematicTable-stats")).toContainText("region");
    expect(
      await tableCells(page, "model", [
        [0, 0],
        [0, 1],
        [4, 2],
        [299, 1],
      ]),
    ).toEqual([300, "0", "north", "4.5", "east"]);
    // The grid is DOM: the rows in view are there to read, for people and screen readers alike.
    const grid = table.getByRole("grid", { name: "Rows of the table" });
    await expect(grid).toHaveAttribute("aria-rowcount", "301");
    await expect(grid.locator('[role="columnheader"]')).toHaveText(["", "id", "region", "amount"]);
    const firstRow = grid.locator('[role="row"][aria-rowindex="2"]');
    await expect(firstRow.locator('[role="rowheader"]')).toHaveText("0");
    await expect(firstRow.locator('[role="gridcell"]')).toHaveText(["0", "north", "0.5"]);
    // Keys scroll it: End shows the last row, Home the first again.
    await grid.focus();
    await page.keyboard.press("End");
    const lastRow = grid.locator('[role="row"][aria-rowindex="301"]');
    await expect(lastRow.locator('[role="gridcell"]')).toHaveText(["299", "east", "9.5"]);
    await expect(firstRow).toHaveCount(0);
    await page.keyboard.press("Home");
    await expect(firstRow).toBeVisible();
    // Three rows down: the rows stay in order in the DOM (selection and screen readers follow it).
    for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowDown");
    await expect(firstRow).toHaveCount(0);
    await expect(grid.locator('[role="row"]').nth(1).locator('[role="rowheader"]')).toHaveText("3");
    await expect(grid.locator('[role="row"]').nth(2).locator('[role="rowheader"]')).toHaveText("4");
    await expect(panel.locator(".jp-TsematicStep-logs")).toContainText("made 300 sales");
    // The source is the TypeScript of the cell (run second: [2]), types kept; the compiled
    // JavaScript tslab ran is one click away, and back.
    const source = panel.locator(".jp-TsematicStep-source");
    await expect(panel.locator(".jp-TsematicStep-sourceLabel")).toHaveText("TypeScript, cell [2]");
    await expect(source).toContainText("function makeSales(n: number): Table {");
    const toggle = panel.locator(".jp-TsematicStep-sourceToggle");
    await toggle.click();
    await expect(panel.locator(".jp-TsematicStep-sourceLabel")).toHaveText(
      "Compiled JavaScript (what ran)",
    );
    await expect(source).toContainText("function makeSales(n) {");
    await expect(source).not.toContainText(": number");
    await expect(toggle).toHaveText("Show TypeScript");
    await toggle.click();
    await expect(source).toContainText("function makeSales(n: number): Table {");

    await table
      .locator(".jp-TsematicTable-sqlInput")
      .fill(
        "SELECT region, count(*) AS n, sum(amount) AS total FROM t GROUP BY region ORDER BY region",
      );
    await table.getByRole("button", { name: "Run SQL" }).click();
    await expect(table.locator(".jp-TsematicTable-sqlStatus")).toHaveText(/^3 rows in \d+ ms$/, {
      timeout: 60_000,
    });
    expect(
      await tableCells(page, "resultModel", [
        [0, 0],
        [0, 1],
        [1, 0],
        [2, 0],
      ]),
    ).toEqual([3, "east", "100", "north", "south"]);
    const result = table.getByRole("grid", { name: "Result of the SQL query" });
    await expect(result).toHaveAttribute("aria-rowcount", "4");
    await expect(
      result.locator('[role="row"][aria-rowindex="4"] [role="gridcell"]').first(),
    ).toHaveText("south");
    await table.locator(".jp-TsematicTable-sqlInput").fill("SELECT nope FROM t");
    await table.getByRole("button", { name: "Run SQL" }).click();
    await expect(table.locator(".jp-TsematicTable-sqlStatus.jp-mod-error")).toContainText("nope");
    await table
      .locator(".jp-TsematicTable-sqlInput")
      .fill(
        "SELECT region, count(*) AS n, sum(amount) AS total FROM t GROUP BY region ORDER BY region",
      );
    await table.getByRole("button", { name: "Run SQL" }).click();
    await expect(table.locator(".jp-TsematicTable-sqlStatus")).toHaveText(/^3 rows in \d+ ms$/);
    // The query's time changes from run to run: masked.
    const tableShot = { mask: [table.locator(".jp-TsematicTable-sqlStatus")] };
    await expect(table).toHaveScreenshot("step-table.png", tableShot);

    const chartId = await runIdOf(page, "salesChart");
    await openStep(page, chartId);
    // By id: makeSales's panel names salesChart too, as the step that used its output.
    const chartPanel = page.locator(`#tsematic-step-${chartId} .jp-TsematicStep`);
    // One element per id: the panel inside the main-area widget does not repeat the widget's.
    await expect(page.locator(`[id="tsematic-step-${chartId}"]`)).toHaveCount(1);
    const plotView = chartPanel.locator(
      '.jp-TsematicStep-port[data-type="plot.vega-lite"] .jp-TsematicPlot',
    );
    await expect(plotView).toHaveAttribute("data-rendered", "true");
    await expect(plotView.locator("canvas, svg").first()).toBeVisible();
    // The chart's input is the same table artifact: shown in a grid there too.
    await expect(
      chartPanel.locator('.jp-TsematicStep-port[data-port="sales"] .jp-TsematicTable'),
    ).toHaveAttribute("data-loaded", "true");
    await expect(plotView).toHaveScreenshot("step-plot.png");
    // The run id and the times change from run to run: masked (the facts' 1st and 4th to 7th values).
    const header = chartPanel.locator(".jp-TsematicStep-header");
    const headerShot = {
      mask: [1, 4, 5, 6, 7].map((n) =>
        header.locator(`.jp-TsematicStep-facts dd:nth-of-type(${n})`),
      ),
    };
    await expect(header).toHaveScreenshot("step-header.png", headerShot);

    // JupyterLab's dark theme: the plot is drawn again with dark colors, the grid repaints.
    await page.theme.setDarkTheme();
    await expect(page.locator("body")).toHaveAttribute("data-jp-theme-light", "false");
    await expect(plotView).toHaveAttribute("data-theme", "dark");
    await expect(plotView).toHaveScreenshot("step-plot-dark.png");
    const salesTable = chartPanel.locator(
      '.jp-TsematicStep-port[data-port="sales"] .jp-TsematicTable',
    );
    await expect(salesTable).toHaveScreenshot("step-table-dark.png");
  });

  test("says how to start the lineage server when it is not reachable", async ({ page }) => {
    // Point the extension at a closed port through its user settings, then open a step.
    await saveTsematicSettings(page, { serverUrl: "http://127.0.0.1:9" });
    try {
      await page.reload();
      await waitForCommand(page, "tsematic:open-step");
      await openStep(page, "0123456789abcdef");
      const error = page.locator(".jp-TsematicStep-error");
      await expect(error).toContainText(
        "The lineage server is not reachable at http://127.0.0.1:9: start it with `npm start`",
      );
      await expect(error.getByRole("button", { name: "Retry" })).toBeVisible();
    } finally {
      await saveTsematicSettings(page, {});
    }
  });
});
