import type { IJupyterLabPageFixture } from "@jupyterlab/galata";
import type { APIRequestContext } from "@playwright/test";

import { expect, expectTslabKernelspec, test } from "./fixtures";
import { configuredServer } from "./configured-server";

/** A pipeline whose one step sleeps until canceled (it honours the run's AbortSignal). */
const slowPipeline = (name: string): string =>
  [
    'import { func, runContext } from "tsematic";',
    'import { setTimeout as sleep } from "node:timers/promises";',
    "const nap = func(async function nap(ms: number): Promise<number> {",
    "  await sleep(ms, undefined, { signal: runContext().signal });",
    "  return ms;",
    "});",
    `const ${name} = func(async function ${name}() { return nap(120_000); });`,
    `await ${name}()`,
  ].join("\n");

interface IRun {
  id: string;
  rootId: string;
  stepName: string;
  state: string;
}

async function runsOnServer(
  request: APIRequestContext,
  server: { url: string; token: string },
  query: string,
): Promise<IRun[]> {
  const response = await request.get(`${server.url}/api/v1/runs?${query}`, {
    headers: { Authorization: `Bearer ${server.token}` },
  });
  expect(response.ok()).toBe(true);
  const body = await response.json();
  return (Array.isArray(body) ? body : body.runs) as IRun[];
}

/** Whether a Tsematic command is enabled for the active notebook cell (palette and toolbar). */
const commandEnabled = (page: IJupyterLabPageFixture, id: string): Promise<boolean> =>
  page.evaluate((command) => window.jupyterapp.commands.isEnabled(command), id);

/** Starts cell 0 without waiting for it, then waits until its output shows the running pipeline. */
async function startSlowPipeline(page: IJupyterLabPageFixture, name: string): Promise<void> {
  await page.notebook.createNew(`${name}.ipynb`, { kernel: "tslab" });
  await page.notebook.setCell(0, "code", slowPipeline(name));
  await page.notebook.selectCells(0);
  await page.evaluate(() => {
    void window.jupyterapp.commands.execute("notebook:run-cell");
  });
  // Cancel is enabled once the active cell's output carries the bundle of a running root run.
  await expect
    .poll(() => commandEnabled(page, "tsematic:cancel-run"), { timeout: 60_000 })
    .toBe(true);
}

const cancelButton = (page: IJupyterLabPageFixture) =>
  page.locator('.jp-NotebookPanel-toolbar [data-command="tsematic:cancel-run"]');

/** The dialog, the cell's canceled error, and every run of the root canceled on the server. */
async function expectCanceled(
  page: IJupyterLabPageFixture,
  request: APIRequestContext,
  name: string,
) {
  const dialog = page.locator(".jp-Dialog");
  await expect(dialog).toContainText("Cancel pipeline run?");
  await dialog.getByRole("button", { name: "Cancel Run" }).click();
  await expect(
    page.locator(".jp-Notebook .jp-Cell").first().locator(".jp-OutputArea"),
  ).toContainText(/canceled/, { timeout: 30_000 });
  const server = await configuredServer(page);
  const roots = await runsOnServer(request, server, `root=true&pipeline=${name}`);
  expect(roots.map((run) => run.stepName)).toEqual([name]);
  const root = roots[0]!;
  await expect
    .poll(async () =>
      (await runsOnServer(request, server, `rootId=${root.id}`)).map((r) => r.state),
    )
    .toEqual(expect.arrayContaining(["canceled"]));
  const states = (await runsOnServer(request, server, `rootId=${root.id}`)).map((r) => r.state);
  expect(states.every((state) => state === "canceled")).toBe(true);
}

test.describe("Tsematic commands", () => {
  test.beforeEach(async ({ request }) => {
    await expectTslabKernelspec(request);
  });

  test("the command palette lists the Tsematic commands", async ({ page }) => {
    await page.evaluate(() =>
      window.jupyterapp.commands.execute("apputils:activate-command-palette"),
    );
    const palette = page.locator("#command-palette");
    await palette.locator(".lm-CommandPalette-input").fill("Tsematic");
    for (const [id, label] of [
      ["tsematic:open-run", "Open Run Graph"],
      ["tsematic:cancel-run", "Cancel Pipeline Run"],
      ["tsematic:rerun", "Rerun Pipeline Cell"],
      ["tsematic:open-settings", "Tsematic Settings"],
    ] as const) {
      const item = palette.locator(`.lm-CommandPalette-item[data-command="${id}"]`);
      await expect(item).toHaveCount(1);
      await expect(item).toContainText(label);
    }
  });

  test("cancel from the notebook toolbar", async ({ page, request }) => {
    await startSlowPipeline(page, "toolbarCanceled");
    await cancelButton(page).click();
    await expectCanceled(page, request, "toolbarCanceled");
    // The run ended: nothing left to cancel in this cell, and it can be rerun.
    await expect.poll(() => commandEnabled(page, "tsematic:cancel-run")).toBe(false);
    await expect.poll(() => commandEnabled(page, "tsematic:rerun")).toBe(true);
  });

  test("cancel from the command palette", async ({ page, request }) => {
    await startSlowPipeline(page, "paletteCanceled");
    await page.evaluate(() =>
      window.jupyterapp.commands.execute("apputils:activate-command-palette"),
    );
    const palette = page.locator("#command-palette");
    await palette.locator(".lm-CommandPalette-input").fill("Cancel Pipeline Run");
    await palette.locator(".lm-CommandPalette-item", { hasText: "Cancel Pipeline Run" }).click();
    await expectCanceled(page, request, "paletteCanceled");
  });

  test("cancel from the cell's context menu", async ({ page, request }) => {
    await startSlowPipeline(page, "menuCanceled");
    await page.locator(".jp-Notebook .jp-Cell").first().locator(".jp-OutputArea").click({
      button: "right",
    });
    await page.locator(".lm-Menu-item", { hasText: "Cancel Pipeline Run" }).click();
    await expectCanceled(page, request, "menuCanceled");
  });

  test("rerun a finished pipeline from the cell's context menu: a second root run", async ({
    page,
    request,
  }) => {
    const name = "rerunPipeline";
    await page.notebook.createNew(`${name}.ipynb`, { kernel: "tslab" });
    await page.notebook.setCell(
      0,
      "code",
      [
        'import { func } from "tsematic";',
        "const triple = func(function triple(x: number): number { return 3 * x; });",
        `const ${name} = func(async function ${name}(n: number) { return triple(n); });`,
        `await ${name}(14)`,
      ].join("\n"),
    );
    await page.notebook.runCell(0);
    const output = page.locator(".jp-Notebook .jp-Cell").first().locator(".jp-OutputArea");
    await expect(output).toContainText("42");
    const server = await configuredServer(page);
    await expect
      .poll(async () => (await runsOnServer(request, server, `root=true&pipeline=${name}`)).length)
      .toBe(1);

    await output.click({ button: "right" });
    // A finished run cannot be canceled: the item is there, disabled.
    await expect(
      page.locator(".lm-Menu-item.lm-mod-disabled", { hasText: "Cancel Pipeline Run" }),
    ).toHaveCount(1);
    await page.locator(".lm-Menu-item", { hasText: "Rerun Pipeline Cell" }).click();
    await expect
      .poll(
        async () =>
          (await runsOnServer(request, server, `root=true&pipeline=${name}`)).map((r) => r.state),
        {
          timeout: 60_000,
        },
      )
      .toEqual(["resolved", "resolved"]);

    // The runs panel's items have the run commands in their context menu.
    await page.sidebar.openTab("tsematic-runs");
    const panel = page.locator("#tsematic-runs");
    await panel.getByTitle("Fetch the runs from the lineage server now").click();
    const items = panel.locator(".jp-TsematicRuns-item", { hasText: name });
    await expect(items).toHaveCount(2);
    await items.first().click({ button: "right" });
    await expect(
      page.locator(".lm-Menu-item.lm-mod-disabled", { hasText: "Cancel Pipeline Run" }),
    ).toHaveCount(1);
    // The newest run's cell is open: it can be rerun from the panel too.
    await expect(page.locator(".lm-Menu-item", { hasText: "Rerun Pipeline Cell" })).toHaveCount(1);
    await page.locator(".lm-Menu-item", { hasText: "Open Run Graph" }).click();
    await expect(page.locator(".lm-Menu")).toHaveCount(0);
    // Open Run Graph selects the run in the panel, whose graph shows beneath.
    await expect(items.first()).toHaveAttribute("aria-selected", "true");
    await expect(items.nth(1)).toHaveAttribute("aria-selected", "false");
  });
});
