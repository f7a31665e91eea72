/**
 * Cancel as a new user meets it (issue 14 item 3): Shift+Enter moves the active cell past the cell
 * whose pipeline runs, and the toolbar's cancel still acts on that pipeline; a step that ignores its
 * run's signal keeps running in the kernel, the cell and the step's panel say so until its code
 * returns and offer to restart that notebook's kernel (tslab's interrupt only stops the executing
 * cell, which has ended), and nothing it prints after the cancel is recorded as its log.
 */
import type { IJupyterLabPageFixture } from "@jupyterlab/galata";
import type { APIRequestContext } from "@playwright/test";

import { expect, expectTslabKernelspec, test } from "./fixtures";
import { configuredServer, type IServer } from "./configured-server";
import { openStep } from "./steps";

/** A step that never checks `runContext().signal`: it waits for the next cell to let it go on. */
const STUBBORN_PIPELINE = [
  'import { func } from "tsematic";',
  "const stubborn = func(async function stubborn(): Promise<number> {",
  '  console.log("stubborn started");',
  "  await new Promise<void>((resolve) => {",
  "    (globalThis as any).releaseStubborn = resolve;",
  "  });",
  '  console.log("printed after the cancel");',
  "  return 1;",
  "});",
  "const shiftEnterPipeline = func(async function shiftEnterPipeline() {",
  "  return stubborn();",
  "});",
  "await shiftEnterPipeline()",
].join("\n");

const RELEASE = "(globalThis as any).releaseStubborn();";

async function getJson<T>(request: APIRequestContext, server: IServer, path: string): Promise<T> {
  const response = await request.get(`${server.url}/api/v1${path}`, {
    headers: { Authorization: `Bearer ${server.token}` },
  });
  expect(response.ok()).toBe(true);
  return (await response.json()) as T;
}

interface IRun {
  id: string;
  stepName: string;
  state: string;
}

async function runsOf(request: APIRequestContext, server: IServer, query: string): Promise<IRun[]> {
  const body = await getJson<IRun[] | { runs: IRun[] }>(request, server, `/runs?${query}`);
  return Array.isArray(body) ? body : body.runs;
}

/** Saves a one-cell notebook with the tslab kernel at `path` and opens it. */
async function openNotebook(
  page: IJupyterLabPageFixture,
  request: APIRequestContext,
  path: string,
  source: string,
): Promise<void> {
  const content = {
    cells: [{ cell_type: "code", execution_count: null, metadata: {}, source, outputs: [] }],
    metadata: { kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  const put = await request.put(`/api/contents/${path}`, {
    data: { type: "notebook", format: "json", content },
  });
  expect(put.ok()).toBe(true);
  const name = path.split("/").pop()!;
  await page.notebook.open(name);
  await page.notebook.activate(name);
}

test.describe("Cancel a pipeline", () => {
  test.beforeEach(async ({ request }) => {
    await expectTslabKernelspec(request);
  });

  test("right after Shift+Enter the toolbar's cancel stops the notebook's running pipeline; the cell and the step's panel say its code still runs until it returns; nothing is logged after the cancel", async ({
    page,
    request,
  }) => {
    await page.notebook.createNew("shift-enter-cancel.ipynb", { kernel: "tslab" });
    await page.notebook.setCell(0, "code", STUBBORN_PIPELINE);
    await page.notebook.addCell("code", RELEASE);
    await page.notebook.selectCells(0);
    await page.keyboard.press("Shift+Enter");
    const cells = page.locator(".jp-Notebook .jp-Cell");
    // The active cell moved on to the release cell...
    await expect(cells.nth(1)).toHaveClass(/jp-mod-active/);
    const pipelineOutput = cells.nth(0).locator(".jp-OutputArea");
    await expect(pipelineOutput).toContainText("stubborn started", { timeout: 60_000 });
    // ...and the toolbar's cancel acts on the pipeline of cell 0, still running.
    await expect
      .poll(
        () =>
          page.evaluate(() =>
            window.jupyterapp.commands.isEnabled("tsematic:cancel-run", { toolbar: true }),
          ),
        { timeout: 60_000 },
      )
      .toBe(true);
    // For the eye (not compared): the toolbar's cancel and rerun beside JupyterLab's run and
    // interrupt, which they must not look like (issue 14 item 3).
    await page
      .locator(".jp-NotebookPanel-toolbar")
      .screenshot({ path: "test-output/notebook-toolbar.png" });
    await page.locator('.jp-NotebookPanel-toolbar [data-command="tsematic:cancel-run"]').click();
    const dialog = page.locator(".jp-Dialog");
    await expect(dialog).toContainText("Cancel pipeline run?");
    await dialog.getByRole("button", { name: "Cancel Run" }).click();
    await expect(pipelineOutput).toContainText(/canceled/, { timeout: 60_000 });

    // The step's code is still running in the kernel: the cell says so and offers the restart.
    const note = cells.nth(0).locator(".jp-TsematicStillRunning");
    await expect(note).toContainText('The code of step "stubborn" is still running in the kernel');
    await expect(note.getByRole("button", { name: "Restart Kernel" })).toBeEnabled();
    const server = await configuredServer(page);
    const [root] = await runsOf(request, server, "root=true&pipeline=shiftEnterPipeline");
    expect(root).toBeDefined();
    await expect
      .poll(async () => (await runsOf(request, server, `rootId=${root!.id}`)).map((r) => r.state))
      .toEqual(["canceled", "canceled"]);
    const step = (await runsOf(request, server, `rootId=${root!.id}`)).find(
      (run) => run.stepName === "stubborn",
    );
    // So does the step's panel.
    await openStep(page, step!.id);
    const stepNote = page.locator(
      `.jp-TsematicStep[data-run-id="${step!.id}"] .jp-TsematicStep-stillRunning`,
    );
    await expect(stepNote).toContainText("Its code is still running in the kernel of");
    await expect(stepNote.getByRole("button", { name: "Restart Kernel" })).toBeEnabled();

    // Let it go on: what it prints now reaches the notebook, not the run's log; once its code has
    // returned, the kernel says so (after the cell ended) and both notes go away. (Lumino hides a
    // widget with lm-mod-hidden: read where the step panel's tab is not the one shown.)
    await page.notebook.activate("shift-enter-cancel.ipynb");
    await page.notebook.runCell(1);
    await expect(page.locator(".jp-Notebook")).toContainText("printed after the cancel", {
      timeout: 60_000,
    });
    await expect(note).toBeHidden();
    await expect(stepNote).toHaveClass(/lm-mod-hidden/);
    // The kernel has had every chance to send the late line: it printed it before the release
    // cell ended, and the root's events were flushed when its run ended.
    const logs = await getJson<{ lines: { text: string }[] }>(
      request,
      server,
      `/runs/${step!.id}/logs`,
    );
    const texts = logs.lines.map((line) => line.text).join("");
    expect(texts).toContain("stubborn started");
    expect(texts).not.toContain("printed after the cancel");
  });
  test("the panel of a canceled step whose code still runs says so and restarts its own notebook's kernel, not the current one's", async ({
    page,
    request,
    tmpPath,
  }) => {
    test.setTimeout(240_000);
    // Another notebook with a kernel of its own, current when the restart is asked for.
    await openNotebook(page, request, `${tmpPath}/bystander.ipynb`, "const bystander = 42;");
    await page.notebook.runCell(0);
    await openNotebook(
      page,
      request,
      `${tmpPath}/restart-from-step.ipynb`,
      STUBBORN_PIPELINE.replace(/shiftEnterPipeline/g, "restartPipeline"),
    );
    // Run in place without waiting: the cell ends only when its pipeline is canceled.
    await page.notebook.selectCells(0);
    await page.keyboard.press("Control+Enter");
    const cell = page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-Cell").nth(0);
    await expect(cell.locator(".jp-OutputArea")).toContainText("stubborn started", {
      timeout: 60_000,
    });
    await page.evaluate(() =>
      window.jupyterapp.commands.execute("tsematic:cancel-run", { confirm: false }),
    );
    await expect(cell.locator(".jp-OutputArea")).toContainText(/canceled/, { timeout: 60_000 });

    const server = await configuredServer(page);
    const [root] = await runsOf(request, server, "root=true&pipeline=restartPipeline");
    const step = (await runsOf(request, server, `rootId=${root!.id}`)).find(
      (run) => run.stepName === "stubborn",
    );
    await page.notebook.activate("bystander.ipynb");
    await openStep(page, step!.id);
    const panel = page.locator(`.jp-TsematicStep[data-run-id="${step!.id}"]`);
    await expect(panel).toHaveAttribute("data-state", "canceled", { timeout: 60_000 });
    const note = panel.locator(".jp-TsematicStep-stillRunning");
    await expect(note).toContainText("Its code is still running in the kernel of");
    await expect(note).toContainText(
      "restart-from-step.ipynb: it stops when it checks runContext().signal",
    );
    await note.getByRole("button", { name: "Restart Kernel" }).click();
    const dialog = page.locator(".jp-Dialog", { hasText: "Restart Kernel?" });
    await expect(dialog).toContainText("restart-from-step.ipynb");
    await dialog.getByRole("button", { name: "Confirm Kernel Restart" }).click();
    // That kernel's process is gone, and the step's code with it: the panel and the cell say no more.
    await expect(note).toBeHidden({ timeout: 60_000 });
    await page.notebook.activate("restart-from-step.ipynb");
    await expect(cell.locator(".jp-TsematicStillRunning")).toBeHidden();

    // The bystander's kernel was not restarted: its variable is still there.
    await page.notebook.activate("bystander.ipynb");
    await page.notebook.setCell(0, "code", "bystander");
    await page.notebook.runCell(0);
    const bystander = page.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-Cell").nth(0);
    await expect(bystander.locator(".jp-OutputArea")).toContainText("42");
  });
});
