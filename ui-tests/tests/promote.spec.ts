/**
 * "Run Pipeline on Cluster…" end to end, in the real JupyterLab with the tslab kernel and the
 * lineage server (its local executor, given one GPU: ui-tests/lineage-server.ts): tutorial 05's
 * pipeline promoted from the notebook toolbar, the dialog's steps and resources (also a job step
 * only called from inside another step), where the jobs report and a refused Cluster node URL, the
 * cloud run's graph beside the notebook turning resolved, the step panel's job facts; a packaging
 * error that links to its cell; cancel; and a reload while the run goes on.
 *
 * Reference screenshots (compared, light and dark theme): ui-tests/screenshots/promote-dialog*.png
 * and promote-step-job*.png.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

import type { IJupyterLabPageFixture } from "@jupyterlab/galata";
import type { APIRequestContext, Locator } from "@playwright/test";

import { expect, expectTslabKernelspec, test } from "./fixtures";
import { configuredServer } from "./configured-server";
import { reloadUntilCommand, saveTsematicSettings } from "./lab-page";

const TUTORIAL = resolve(__dirname, "..", "..", "tutorials", "05-from-notebook-to-cluster.ipynb");

/** Tutorial 05's cells: 1 imports, 3 the steps, 5 `await trainingPipeline(200, 30)`. */
const IMPORTS_CELL = 1;
const STEPS_CELL = 3;
const SAMPLE_CELL = 5;

type NotebookJson = { cells: Record<string, unknown>[] } & Record<string, unknown>;

/** Saves `content` as `name` in the test's folder and opens it with the tslab kernel. */
async function openNotebook(
  page: IJupyterLabPageFixture,
  request: APIRequestContext,
  tmpPath: string,
  name: string,
  content: NotebookJson,
): Promise<void> {
  const put = await request.put(`/api/contents/${tmpPath}/${name}`, {
    data: { type: "notebook", format: "json", content },
  });
  expect(put.ok()).toBe(true);
  await page.notebook.open(name);
  await page.notebook.activate(name);
}

/** A notebook of code cells, with the tslab kernel. */
function notebookOf(sources: string[]): NotebookJson {
  return {
    cells: sources.map((source) => ({
      cell_type: "code",
      execution_count: null,
      metadata: {},
      source,
      outputs: [],
    })),
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/** A pipeline whose one step (with resources: a job of its own) naps long enough to be watched. */
function slowPipeline(name: string): NotebookJson {
  return notebookOf([
    [
      'import { func } from "tsematic";',
      'import { setTimeout as sleep } from "node:timers/promises";',
      "const nap = func({ resources: { cpus: 1 } }, async function nap(ms: number): Promise<number> {",
      "  await sleep(ms);",
      "  return ms;",
      "});",
      `const ${name} = func(async function ${name}(ms: number) { return nap(ms); });`,
    ].join("\n"),
    `await ${name}(120_000)`,
  ]);
}

/**
 * A pipeline whose job step (`shard`) is called only from inside an inline step (`prepare`), in a
 * loop under a condition: the plan lists it all the same, with its time budget and tries.
 */
function nestedPipeline(): NotebookJson {
  return notebookOf([
    [
      'import { func } from "tsematic";',
      "const shard = func({ resources: { cpus: 1, memoryMiB: 256 }, timeoutMs: 60_000, retry: 3 },",
      "  function shard(i: number): number { return i * 2; });",
      "const prepare = func(async function prepare(n: number): Promise<number[]> {",
      "  const parts: number[] = [];",
      "  for (let i = 0; i < n; i++) if (i % 2 === 0) parts.push(await shard(i));",
      "  return parts;",
      "});",
      "const nested = func(async function nested(n: number) { return (await prepare(n)).length; });",
    ].join("\n"),
    "await nested(4)",
  ]);
}

/** Saves the extension's user settings (replacing them) and reloads the page, which reads them. */
async function saveSettingsAndReload(
  page: IJupyterLabPageFixture,
  settings: Record<string, string>,
): Promise<void> {
  await saveTsematicSettings(page, settings);
  await reloadUntilCommand(page, "tsematic:promote");
}

/** Clicks the notebook toolbar's "Run Pipeline on Cluster…" for the active cell; returns the dialog. */
async function promoteFromToolbar(page: IJupyterLabPageFixture, cell: number): Promise<Locator> {
  await page.notebook.selectCells(cell);
  await page.locator('.jp-NotebookPanel-toolbar [data-command="tsematic:promote"]').click();
  const dialog = page.locator(".jp-TsematicPromoteDialog");
  // Planning loads TypeScript and esbuild in the kernel: generous on a loaded machine.
  await expect(dialog).toBeVisible({ timeout: 120_000 });
  return dialog;
}

async function runStates(
  page: IJupyterLabPageFixture,
  request: APIRequestContext,
  rootId: string,
): Promise<string[]> {
  const server = await configuredServer(page);
  const response = await request.get(`${server.url}/api/v1/runs?rootId=${rootId}`, {
    headers: { Authorization: `Bearer ${server.token}` },
  });
  expect(response.ok()).toBe(true);
  return ((await response.json()).runs as { state: string }[]).map((r) => r.state);
}

/** The root id of the promoted run whose panel is open (its widget id names it). */
async function promotedRootId(page: IJupyterLabPageFixture): Promise<string> {
  const panel = page.locator(".jp-TsematicPromotedRun");
  await expect(panel).toHaveCount(1, { timeout: 120_000 });
  const id = (await panel.getAttribute("id")) ?? "";
  expect(id).toMatch(/^tsematic-promoted-[0-9a-f]+$/);
  return id.replace("tsematic-promoted-", "");
}

/**
 * Opens `notebook` as `name`, runs its first cell (the declarations), submits its second cell's
 * pipeline from the toolbar's dialog as it is, and returns the promoted root run's id.
 */
async function promoteNotebook(
  page: IJupyterLabPageFixture,
  request: APIRequestContext,
  tmpPath: string,
  name: string,
  notebook: NotebookJson,
): Promise<string> {
  await openNotebook(page, request, tmpPath, name, notebook);
  await page.notebook.runCell(0);
  const dialog = await promoteFromToolbar(page, 1);
  await dialog.getByRole("button", { name: "Submit" }).click();
  return promotedRootId(page);
}

/** The "Cancel Pipeline Run" item of the open context menu. */
function cancelItem(page: IJupyterLabPageFixture): Locator {
  return page.locator(".lm-Menu-item", { hasText: "Cancel Pipeline Run" });
}

/** Opens the context menu of the runs panel's (one) row of pipeline `name`, read afresh. */
async function runsPanelMenu(page: IJupyterLabPageFixture, name: string): Promise<void> {
  await page.sidebar.openTab("tsematic-runs");
  const panel = page.locator("#tsematic-runs");
  await panel.getByTitle("Fetch the runs from the lineage server now").click();
  const item = panel.locator(".jp-TsematicRuns-item", { hasText: name });
  await expect(item).toHaveCount(1);
  await item.click({ button: "right" });
  await expect(cancelItem(page)).toHaveCount(1);
}

test.describe("Run Pipeline on Cluster", () => {
  test.beforeEach(async ({ request }) => {
    await expectTslabKernelspec(request);
  });

  // A promoted run's panel (and a step panel) is restored with the layout: left open, the next
  // test's page would start on it instead of the Launcher that Galata waits for.
  test.afterEach(async ({ page }) => {
    await page.evaluate(() => window.jupyterapp.commands.execute("application:close-all"));
  });

  test("promote tutorial 05's pipeline from the toolbar: remote steps and resources, the graph resolves, the step panel says where it ran", async ({
    page,
    request,
    tmpPath,
  }) => {
    test.setTimeout(300_000);
    const tutorial = JSON.parse(readFileSync(TUTORIAL, "utf8")) as NotebookJson;
    await openNotebook(page, request, tmpPath, "05-promote.ipynb", tutorial);
    await page.notebook.runCell(IMPORTS_CELL);
    await page.notebook.runCell(STEPS_CELL);
    const before = await page.notebook.getCellTextOutput(SAMPLE_CELL);

    const dialog = await promoteFromToolbar(page, SAMPLE_CELL);
    await expect(dialog).toContainText("trainingPipeline(200, 30)");
    await expect(dialog.locator(".jp-TsematicPromote-executor")).toContainText("local");
    await expect(dialog.locator(".jp-TsematicPromote-executor")).toContainText("reachable");
    const steps = dialog.locator(".jp-TsematicPromote-steps");
    await expect(steps.locator("tr[data-step='trainingPipeline']")).toContainText("driver");
    await expect(steps.locator("tr[data-step='makeData']")).toContainText("512 MiB");
    await expect(steps.locator("tr[data-step='train']")).toContainText("1 CPU · 1 GPU");
    await expect(dialog.locator(".jp-TsematicPromote-package")).toContainText("notebook/module.ts");
    await expect(dialog.locator(".jp-TsematicPromote-errors")).toHaveCount(0);

    // The package's id, size and the server's port change from run to run: masked.
    const mask = [
      dialog.locator(".jp-TsematicPromote-package > p"),
      dialog.locator(".jp-TsematicPromote-executor .jp-mod-reachable"),
      dialog.locator(".jp-TsematicPromote-nodeUrl code"),
    ];
    const content = dialog.locator(".jp-Dialog-content");
    await expect(content).toHaveScreenshot("promote-dialog.png", { mask });
    await page.theme.setDarkTheme();
    await expect(page.locator("body")).toHaveAttribute("data-jp-theme-light", "false");
    await expect(content).toHaveScreenshot("promote-dialog-dark.png", { mask });
    await page.theme.setLightTheme();

    await dialog.getByRole("button", { name: "Submit" }).click();
    const rootId = await promotedRootId(page);
    const graph = page.locator(".jp-TsematicPromotedRun .jp-RunGraph");
    const train = graph.locator(".jp-RunGraph-node", { hasText: "train" });
    await expect(train).toHaveClass(/jp-mod-resolved/, { timeout: 180_000 });
    await expect(graph.locator(".jp-RunGraph-group", { hasText: "trainingPipeline" })).toHaveClass(
      /jp-mod-resolved/,
      { timeout: 60_000 },
    );
    expect(await runStates(page, request, rootId)).toEqual(["resolved", "resolved", "resolved"]);
    // Nothing was written into the user's cells.
    expect(await page.notebook.getCellTextOutput(SAMPLE_CELL)).toEqual(before);

    // The step panel of a cloud step: its job, the host it ran on and the attempt.
    await train.click();
    const job = page.locator(".jp-TsematicStep-job").last();
    await expect(job).toContainText("Where it ran", { timeout: 60_000 });
    await expect(job).toContainText("executorlocal");
    await expect(job).toContainText("attempt1");
    await expect(job).toContainText("host");
    const facts = job.locator("dd");
    // Job id, pid, host and times change from run to run: every value but executor and attempt.
    const texts = await facts.allInnerTexts();
    const keep = new Set(["local", "1", "0", "succeeded", "resolved"]);
    const jobMask = texts.flatMap((text, i) => (keep.has(text) ? [] : [facts.nth(i)]));
    await expect(job).toHaveScreenshot("promote-step-job.png", { mask: jobMask });
    await page.theme.setDarkTheme();
    await expect(page.locator("body")).toHaveAttribute("data-jp-theme-light", "false");
    await expect(job).toHaveScreenshot("promote-step-job-dark.png", { mask: jobMask });
    await page.theme.setLightTheme();
  });

  test("the dialog lists a job step only called from inside an inline step with its time and tries, says where the jobs report, and refuses a Cluster node URL the server does not allow", async ({
    page,
    request,
    tmpPath,
  }) => {
    test.setTimeout(300_000);
    await openNotebook(page, request, tmpPath, "promote-nested.ipynb", nestedPipeline());
    await page.notebook.runCell(0);
    let dialog = await promoteFromToolbar(page, 1);
    const steps = dialog.locator(".jp-TsematicPromote-steps");
    await expect(steps.locator("tr[data-step='nested']")).toContainText("driver");
    const shard = steps.locator("tr[data-step='shard']");
    await expect(shard).toContainText("job");
    await expect(shard).toContainText("1 CPU · 256 MiB");
    await expect(shard).toContainText("timeout 1 min · 3 attempts");
    await expect(steps.locator("tr[data-step='prepare']")).toContainText("inline");
    // The local executor's jobs report to the server's own URL (the only one it allows).
    const nodeUrl = dialog.locator(".jp-TsematicPromote-nodeUrl");
    await expect(nodeUrl).toContainText(
      /Its jobs report to the lineage server at http:\/\/127\.0\.0\.1:\d+/,
    );
    await expect(dialog.getByRole("button", { name: "Submit" })).toBeEnabled();
    await dialog.getByRole("button", { name: "Cancel" }).click();

    await saveSettingsAndReload(page, { nodeUrl: "http://collector.example:8765" });
    try {
      await page.notebook.open("promote-nested.ipynb");
      await page.notebook.activate("promote-nested.ipynb");
      dialog = await promoteFromToolbar(page, 1);
      const problem = dialog.locator(".jp-TsematicPromote-nodeUrlProblem");
      await expect(problem).toContainText(
        "Settings › Tsematic › Cluster node URL is http://collector.example:8765",
      );
      await expect(problem).toContainText(/\(it allows: http:\/\/127\.0\.0\.1:\d+\)/);
      await expect(problem).toContainText("--public-url URL");
      await expect(dialog.locator(".jp-TsematicPromote-nodeUrl")).toHaveCount(0);
      await expect(dialog.getByRole("button", { name: "Submit" })).toBeDisabled();
      await dialog.getByRole("button", { name: "Cancel" }).click();
    } finally {
      await saveSettingsAndReload(page, {});
    }
  });

  test("a packaging error (a declaration using a top-level await) shows in the dialog and jumps to its cell", async ({
    page,
    request,
    tmpPath,
  }) => {
    test.setTimeout(180_000);
    await openNotebook(
      page,
      request,
      tmpPath,
      "promote-error.ipynb",
      notebookOf([
        'import { func } from "tsematic";',
        "const rows = await Promise.resolve([1, 2, 3]);",
        "const count = func(function count() {\n  return rows.length;\n});",
        "await count()",
      ]),
    );
    await page.notebook.runCell(0);
    const dialog = await promoteFromToolbar(page, 3);
    const errors = dialog.locator(".jp-TsematicPromote-errors");
    await expect(errors).toContainText('the step "count" uses `rows`');
    await expect(errors).toContainText("const rows = await");
    await expect(dialog.getByRole("button", { name: "Submit" })).toBeDisabled();
    await errors.getByRole("button", { name: "Cell 3" }).click();
    await expect(page.locator(".jp-TsematicPromoteDialog")).toHaveCount(0);
    const active = await page.evaluate(() => {
      const panel = window.jupyterapp.shell.currentWidget as unknown as {
        content: { activeCellIndex: number };
      };
      return panel.content.activeCellIndex;
    });
    expect(active).toBe(2);
  });

  test("cancel a promoted run from its panel's toolbar", async ({ page, request, tmpPath }) => {
    test.setTimeout(240_000);
    const rootId = await promoteNotebook(
      page,
      request,
      tmpPath,
      "promote-cancel.ipynb",
      slowPipeline("promotedNap"),
    );
    const nap = page.locator(".jp-TsematicPromotedRun .jp-RunGraph-node", { hasText: "nap" });
    await expect(nap).toHaveClass(/jp-mod-running/, { timeout: 180_000 });

    // A jp-button (a web component): its state is in aria-disabled, not in a native `disabled`.
    const panelCancel = page.locator(
      '.jp-TsematicPromotedRun .jp-Toolbar [data-command="tsematic:cancel-run"]',
    );
    await expect(panelCancel).toHaveAttribute("aria-disabled", "false");
    await page
      .locator(".jp-TsematicPromotedRun")
      .getByRole("button", { name: "Cancel Run" })
      .click();
    const confirm = page.locator(".jp-Dialog", { hasText: "Cancel pipeline run?" });
    await confirm.getByRole("button", { name: "Cancel Run" }).click();
    await expect(nap).toHaveClass(/jp-mod-canceled/, { timeout: 60_000 });
    await expect
      .poll(() => runStates(page, request, rootId), { timeout: 60_000 })
      .toEqual(["canceled", "canceled"]);
    // Canceled is final: the panel's own cancel turns disabled, as the cell's does.
    await expect(panelCancel).toHaveAttribute("aria-disabled", "true");
  });

  test("cancel a promoted run from the notebook toolbar, like a local run; then its cancel is disabled", async ({
    page,
    request,
    tmpPath,
  }) => {
    test.setTimeout(240_000);
    const name = "promote-toolbar-cancel.ipynb";
    const rootId = await promoteNotebook(page, request, tmpPath, name, slowPipeline("toolbarNap"));
    const nap = page.locator(".jp-TsematicPromotedRun .jp-RunGraph-node", { hasText: "nap" });
    await expect(nap).toHaveClass(/jp-mod-running/, { timeout: 180_000 });

    // The cell's context menu and the runs panel's offer it too, enabled, as for a local run.
    await page.notebook.activate(name);
    await page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-Cell").nth(1).click({
      button: "right",
    });
    await expect(cancelItem(page)).toHaveCount(1);
    await expect(cancelItem(page)).not.toHaveClass(/lm-mod-disabled/);
    await page.keyboard.press("Escape");
    await runsPanelMenu(page, "toolbarNap");
    await expect(cancelItem(page)).not.toHaveClass(/lm-mod-disabled/);
    await page.keyboard.press("Escape");

    // The notebook's own toolbar, with the promoted cell active, acts on the cloud run.
    await page.notebook.activate(name);
    await page.notebook.selectCells(1);
    // A jp-button (a web component): its state is in aria-disabled, not in a native `disabled`.
    const cancel = page.locator('.jp-NotebookPanel-toolbar [data-command="tsematic:cancel-run"]');
    await expect(cancel).toHaveAttribute("aria-disabled", "false");
    await cancel.click();
    const confirm = page.locator(".jp-Dialog", { hasText: "Cancel pipeline run?" });
    await expect(confirm).toContainText(rootId);
    await confirm.getByRole("button", { name: "Cancel Run" }).click();
    await expect(nap).toHaveClass(/jp-mod-canceled/, { timeout: 60_000 });
    await expect
      .poll(() => runStates(page, request, rootId), { timeout: 60_000 })
      .toEqual(["canceled", "canceled"]);
    // Canceled is a final state: nothing left to cancel.
    await expect(cancel).toHaveAttribute("aria-disabled", "true");
  });

  test("the cancel of a promoted run turns disabled once the run has ended: toolbar, cell and runs panel", async ({
    page,
    request,
    tmpPath,
  }) => {
    test.setTimeout(240_000);
    const name = "promote-ended.ipynb";
    const notebook = slowPipeline("shortNap");
    notebook.cells[1]!.source = "await shortNap(1_000)";
    const rootId = await promoteNotebook(page, request, tmpPath, name, notebook);
    const group = page.locator(".jp-TsematicPromotedRun .jp-RunGraph-group", {
      hasText: "shortNap",
    });
    await expect(group).toHaveClass(/jp-mod-resolved/, { timeout: 180_000 });
    expect(await runStates(page, request, rootId)).toEqual(["resolved", "resolved"]);

    await page.notebook.activate(name);
    await page.notebook.selectCells(1);
    await expect(
      page.locator('.jp-NotebookPanel-toolbar [data-command="tsematic:cancel-run"]'),
    ).toHaveAttribute("aria-disabled", "true");
    // The cell's context menu offers it, disabled, as for a local run that has ended.
    await page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-Cell").nth(1).click({
      button: "right",
    });
    await expect(cancelItem(page)).toHaveClass(/lm-mod-disabled/);
    await page.keyboard.press("Escape");
    await runsPanelMenu(page, "shortNap");
    await expect(cancelItem(page)).toHaveClass(/lm-mod-disabled/);
    await page.keyboard.press("Escape");
  });

  test("reload the page while a promoted run goes on: its panel comes back and follows it", async ({
    page,
    request,
    tmpPath,
  }) => {
    test.setTimeout(300_000);
    const rootId = await promoteNotebook(
      page,
      request,
      tmpPath,
      "promote-reload.ipynb",
      slowPipeline("reloadNap"),
    );
    const nap = (): Locator =>
      page.locator(".jp-TsematicPromotedRun .jp-RunGraph-node", { hasText: "nap" });
    await expect(nap()).toHaveClass(/jp-mod-running/, { timeout: 180_000 });

    await reloadUntilCommand(page, "tsematic:open-promoted-run");
    await expect(page.locator(`#tsematic-promoted-${rootId}`)).toHaveCount(1, { timeout: 60_000 });
    await expect(nap()).toHaveClass(/jp-mod-running/, { timeout: 60_000 });

    // The same run, still going on the server: cancel it from the runs panel to end the test.
    await page.evaluate(
      (id) =>
        window.jupyterapp.commands.execute("tsematic:cancel-run", { rootId: id, confirm: false }),
      rootId,
    );
    await expect(nap()).toHaveClass(/jp-mod-canceled/, { timeout: 60_000 });
    // The restored panel has no cell to ask, yet its cancel follows the run to its end.
    await expect(
      page.locator('.jp-TsematicPromotedRun .jp-Toolbar [data-command="tsematic:cancel-run"]'),
    ).toHaveAttribute("aria-disabled", "true");
  });
});
