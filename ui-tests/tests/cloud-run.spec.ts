/**
 * A cloud run in the notebook, end to end: a cell resolves a pipeline whose step declares
 * `resources` on the real server's local executor (the step runs in a worker process of its own),
 * and the cell's run view shows that step running, then resolved, like a local one. The run view
 * the kernel saves in the output knows the step's final state too (the worker, not the kernel,
 * recorded it on the server).
 */
import { expect, expectTslabKernelspec, test } from "./fixtures";

const PIPELINE = [
  'import { func } from "tsematic";',
  "const cloudStep = func({ resources: { cpus: 1 } }, async function cloudStep(x: number) {",
  "  await new Promise((done) => setTimeout(done, 6000));",
  "  return { x: x + 1, pid: process.pid };",
  "});",
  "const cloudPipeline = func(async function cloudPipeline(n: number) {",
  "  const out = await cloudStep(n);",
  "  return { value: out.x, stepPid: out.pid, kernelPid: process.pid };",
  "});",
  'await cloudPipeline(20).resolve({ executor: "local" })',
].join("\n");

interface ISavedRun {
  name: string;
  state: string;
}

test.describe("a cloud run in the notebook", () => {
  test.beforeEach(async ({ request }) => {
    await expectTslabKernelspec(request);
  });

  test("a step with resources on the local executor is shown running, then resolved, in the cell's run view", async ({
    page,
    request,
    tmpPath,
  }) => {
    test.setTimeout(180_000);
    // Saved with its code before it opens: the cloud run packages the notebook file, and a kernel
    // started by createNew keeps the name Untitled.ipynb (see lineage.spec.ts).
    const content = {
      cells: [
        { cell_type: "code", execution_count: null, metadata: {}, source: PIPELINE, outputs: [] },
      ],
      metadata: {
        kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" },
      },
      nbformat: 4,
      nbformat_minor: 5,
    };
    const put = await request.put(`/api/contents/${tmpPath}/cloud-run.ipynb`, {
      data: { type: "notebook", format: "json", content },
    });
    expect(put.ok()).toBe(true);
    await page.notebook.open("cloud-run.ipynb");
    await page.notebook.selectCells(0);
    const done = page.notebook.runCell(0);

    const output = page.locator(".jp-RunGraphOutput .jp-RunGraph");
    const step = output.locator(".jp-RunGraph-node", { hasText: "cloudStep" });
    await expect(step).toHaveClass(/jp-mod-running/, { timeout: 120_000 });
    await done;
    await expect(step).toHaveClass(/jp-mod-resolved/, { timeout: 30_000 });
    await expect(output.locator(".jp-RunGraph-group", { hasText: "cloudPipeline" })).toHaveCount(1);

    // The cell's value: the step ran in a process of its own.
    const text = await page.locator(".jp-OutputArea-output").allInnerTexts();
    const value = text.join("\n");
    expect(value).toContain("value: 21");
    const pids = /stepPid: (\d+)[\s\S]*kernelPid: (\d+)/.exec(value);
    expect(pids).not.toBeNull();
    expect(pids![1]).not.toBe(pids![2]);

    // The run view saved in the notebook (the kernel's own record) has the step's final state.
    const saved = await page.evaluate(() => {
      const app = (
        window as unknown as { jupyterapp: import("@jupyterlab/application").JupyterFrontEnd }
      ).jupyterapp;
      const panel = app.shell.currentWidget as unknown as {
        content: { model: { cells: { get(i: number): { toJSON(): unknown } } } };
      };
      const cell = panel.content.model.cells.get(0).toJSON() as {
        outputs: Array<{ data?: Record<string, unknown> }>;
      };
      for (const out of cell.outputs) {
        const bundle = out.data?.["application/vnd.tsematic.run.v1+json"] as
          { runs: ISavedRun[]; mode: string } | undefined;
        if (bundle) return bundle;
      }
      return null;
    });
    expect(saved).not.toBeNull();
    expect(saved!.mode).toBe("cloud");
    expect(saved!.runs.map((r) => `${r.name}:${r.state}`).sort()).toEqual([
      "cloudPipeline:resolved",
      "cloudStep:resolved",
    ]);
  });
});
