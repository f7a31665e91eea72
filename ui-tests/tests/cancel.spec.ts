/**
 * Cancel as a new user meets it (issue 14 item 3): Shift+Enter moves the active cell past the cell
 * whose pipeline runs, and the toolbar's cancel still acts on that pipeline; a step that ignores its
 * run's signal keeps running in the kernel, the cell says so and offers the kernel's interrupt, and
 * nothing it prints after the cancel is recorded as its log.
 */
import type { APIRequestContext } from "@playwright/test";

import { expect, expectTslabKernelspec, test } from "./fixtures";
import { configuredServer, type IServer } from "./configured-server";

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

test.describe("Cancel a pipeline", () => {
  test.beforeEach(async ({ request }) => {
    await expectTslabKernelspec(request);
  });

  test("right after Shift+Enter the toolbar's cancel stops the notebook's running pipeline; nothing is logged after the cancel", async ({
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
    await page.locator('.jp-NotebookPanel-toolbar [data-command="tsematic:cancel-run"]').click();
    const dialog = page.locator(".jp-Dialog");
    await expect(dialog).toContainText("Cancel pipeline run?");
    await dialog.getByRole("button", { name: "Cancel Run" }).click();
    await expect(pipelineOutput).toContainText(/canceled/, { timeout: 60_000 });

    // The step's code is still running in the kernel: the cell says so and offers the interrupt.
    const note = cells.nth(0).locator(".jp-TsematicStillRunning");
    await expect(note).toContainText('The code of step "stubborn" is still running in the kernel');
    await expect(note.getByRole("button", { name: "Interrupt Kernel" })).toBeEnabled();

    // Let it go on: what it prints now reaches the notebook, not the run's log.
    await page.notebook.runCell(1);
    await expect(page.locator(".jp-Notebook")).toContainText("printed after the cancel", {
      timeout: 60_000,
    });
    const server = await configuredServer(page);
    const [root] = await runsOf(request, server, "root=true&pipeline=shiftEnterPipeline");
    expect(root).toBeDefined();
    await expect
      .poll(async () => (await runsOf(request, server, `rootId=${root!.id}`)).map((r) => r.state))
      .toEqual(["canceled", "canceled"]);
    const step = (await runsOf(request, server, `rootId=${root!.id}`)).find(
      (run) => run.stepName === "stubborn",
    );
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
});
