/**
 * Long values in the step panel, against the real lineage server and the real tslab kernel: at
 * the end of a 200,000-row table the ids are whole (the grid's widths follow the table's summary,
 * not its first rows) and a cut cell shows its value on hover; an array of 100 objects opens on
 * its first items and a count of the rest.
 */
import type { Page } from "@playwright/test";

import { expect, expectTslabKernelspec, test } from "./fixtures";
import { openStep } from "./steps";

const LAST_NOTE = `the last row's note, longer than a column may be: ${"x".repeat(40)}`;

const PIPELINE = [
  'import { func } from "tsematic";',
  'import { tableFromArrays, type Table } from "apache-arrow";',
  "const longTable = func(function longTable(n: number): Table {",
  "  const id = new Int32Array(n);",
  "  const note: string[] = [];",
  "  for (let i = 0; i < n; i++) {",
  "    id[i] = i;",
  `    note.push(i === n - 1 ? ${JSON.stringify(LAST_NOTE)} : "short");`,
  "  }",
  "  return tableFromArrays({ id, note });",
  "});",
  "const longList = func(function longList(n: number) {",
  "  return Array.from({ length: n }, (_, i) => ({ i, square: i * i }));",
  "});",
  "const longValuesPipeline = func(async function longValuesPipeline(n: number) {",
  "  await Promise.all([longTable(n), longList(100)]);",
  "  return n;",
  "});",
  "await longValuesPipeline(200000)",
].join("\n");

/** The id of the newest run of `stepName`, asked of the server the page is configured with. */
async function runIdOf(page: Page, stepName: string): Promise<string> {
  return page.evaluate(async (name) => {
    const config = JSON.parse(document.getElementById("jupyter-config-data")!.textContent!);
    const response = await fetch(
      `${config.tsematicServerUrl}/api/v1/runs?name=${encodeURIComponent(name)}&limit=1`,
      { headers: { Authorization: `Bearer ${config.tsematicToken}` } },
    );
    return ((await response.json()) as { runs: Array<{ id: string }> }).runs[0]!.id;
  }, stepName);
}

test.describe("long values", () => {
  test.beforeEach(async ({ request }) => {
    await expectTslabKernelspec(request);
  });

  test("the grid's last rows are whole and a cut cell shows its value on hover; a long array is collapsed with a count", async ({
    page,
  }) => {
    test.setTimeout(240_000);
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.notebook.createNew("long-values.ipynb", { kernel: "tslab" });
    await page.notebook.setCell(0, "code", PIPELINE);
    await page.notebook.runCell(0);
    expect((await page.notebook.getCellTextOutput(0))?.join("\n")).toContain("200000");

    await openStep(page, await runIdOf(page, "longTable"));
    const table = page.locator('.jp-TsematicStep-port[data-type="arrow.table"] .jp-TsematicTable');
    await expect(table).toHaveAttribute("data-loaded", "true", { timeout: 60_000 });
    const grid = table.getByRole("grid", { name: "Rows of the table" });
    await grid.focus();
    await page.keyboard.press("End");
    const lastRow = grid.locator('[role="row"][aria-rowindex="200001"]');
    const id = lastRow.locator('[role="gridcell"]').nth(0);
    const note = lastRow.locator('[role="gridcell"]').nth(1);
    await expect(id).toHaveText("199999", { timeout: 60_000 });
    // Whole: its text is no wider than its cell.
    expect(await id.evaluate((cell) => cell.scrollWidth <= cell.clientWidth)).toBe(true);
    // The note is cut (wider than a column may be): its whole value is the cell's tooltip.
    expect(await note.evaluate((cell) => cell.scrollWidth > cell.clientWidth)).toBe(true);
    await expect(note).toHaveAttribute("title", LAST_NOTE);

    await openStep(page, await runIdOf(page, "longList"));
    const json = page.locator('.jp-TsematicStep-port[data-port="output"] .jp-TsematicJson');
    await expect(json.locator(".jp-TsematicJson-label").first()).toHaveText("Array(100)");
    await expect(
      json.locator(".jp-TsematicJson-children").first().locator(":scope > *"),
    ).toHaveCount(6); // five items and the count
    await expect(json.locator(".jp-TsematicJson-more")).toHaveText("95 more items (of 100)…");
    await json.locator(".jp-TsematicJson-more").click();
    await expect(
      json.locator(".jp-TsematicJson-children").first().locator(":scope > *"),
    ).toHaveCount(100);
  });
});
