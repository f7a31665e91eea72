/**
 * The run graph, end to end: a pipeline run from a notebook on the real tslab kernel, tracked by the
 * real lineage server, drawn live in the cell's output and in the runs side panel; a step that
 * sleeps is seen running, then resolved; a click on a step executes `tsematic:open-step`.
 * Reference screenshots: ui-tests/screenshots/graph-*.png.
 */
import { join } from "node:path";

import type { Page } from "@playwright/test";

import { expect, test } from "./fixtures";

const SCREENSHOTS = join(__dirname, "..", "screenshots");

const PIPELINE = [
  'import { func } from "tsematic";',
  "const sleepy = func(async function sleepyStep(x: number): Promise<number> {",
  "  await new Promise((done) => setTimeout(done, 6000));",
  "  return x + 1;",
  "});",
  "const twice = func(function twiceStep(x: number): number { return 2 * x; });",
  "const graphPipeline = func(async function graphPipeline(n: number) { return twice(sleepy(n)); });",
  "await graphPipeline(20)",
].join("\n");

/** Records the executions of `tsematic:open-step` (and stands in for it if it is not there). */
async function recordOpenStep(page: Page): Promise<void> {
  await page.evaluate(() => {
    const app = (
      window as unknown as { jupyterapp: import("@jupyterlab/application").JupyterFrontEnd }
    ).jupyterapp;
    const calls: unknown[] = [];
    (window as unknown as { openStepCalls: unknown[] }).openStepCalls = calls;
    if (!app.commands.hasCommand("tsematic:open-step")) {
      app.commands.addCommand("tsematic:open-step", {
        label: "Open Step (test)",
        execute: () => undefined,
      });
    }
    app.commands.commandExecuted.connect((_, { id, args }) => {
      if (id === "tsematic:open-step") calls.push(args);
    });
  });
}

test.describe("the run graph", () => {
  test.beforeEach(async ({ request }) => {
    const specs = await (await request.get("/api/kernelspecs")).json();
    test.skip(!specs.kernelspecs?.tslab, "no tslab kernelspec on JUPYTER_PATH");
  });

  test("a pipeline's graph appears live in the cell output and in the side panel; a click opens the step", async ({
    page,
  }) => {
    test.setTimeout(150_000);
    await page.notebook.createNew("graph.ipynb", { kernel: "tslab" });
    await page.notebook.setCell(0, "code", PIPELINE);
    const done = page.notebook.runCell(0);

    // Live in the output: the sleeping step is seen running, then resolved.
    const output = page.locator(".jp-RunGraphOutput .jp-RunGraph");
    const sleepy = output.locator(".jp-RunGraph-node", { hasText: "sleepyStep" });
    await expect(sleepy).toHaveClass(/jp-mod-running/, { timeout: 60_000 });
    await expect(page.locator(".jp-RunGraphOutput .jp-RunGraphView")).toHaveAttribute(
      "data-mode",
      /live|polling/,
    );
    await done;
    await expect(sleepy).toHaveClass(/jp-mod-resolved/, { timeout: 30_000 });
    const twice = output.locator(".jp-RunGraph-node", { hasText: "twiceStep" });
    await expect(twice).toHaveClass(/jp-mod-resolved/);
    // The data edge sleepyStep → twiceStep, inside the pipeline's box.
    await expect(output.locator(".jp-RunGraph-edge")).toHaveCount(1);
    await expect(output.locator(".jp-RunGraph-group", { hasText: "graphPipeline" })).toHaveCount(1);
    await expect(page.locator(".jp-RunGraphOutput .jp-RunGraphView")).toHaveAttribute(
      "data-mode",
      "live",
    );
    await expect(output).toHaveAttribute("data-engine", "elk");
    await page
      .locator(".jp-RunGraphOutput")
      .screenshot({ path: join(SCREENSHOTS, "graph-output.png") });

    // A click on a step executes tsematic:open-step with the step and its root.
    await recordOpenStep(page);
    const rootId = await page
      .locator(".jp-RunGraphOutput .jp-RunGraphView")
      .getAttribute("data-root-id");
    const runId = await twice.getAttribute("data-run-id");
    await twice.click();
    await expect
      .poll(() =>
        page.evaluate(() => (window as unknown as { openStepCalls: unknown[] }).openStepCalls),
      )
      .toEqual([{ runId, rootId }]);

    // The side panel: filter by name, select the run, its graph beneath.
    await page.sidebar.openTab("tsematic-runs");
    const panel = page.locator("#tsematic-runs");
    await panel.getByTitle("Fetch the runs from the lineage server now").click();
    await panel.getByLabel("Filter runs by pipeline name").fill("graphPipe");
    const item = panel.locator(".jp-TsematicRuns-item", { hasText: "graphPipeline" });
    await expect(item).toHaveCount(1);
    await panel.getByLabel("Filter runs by state").selectOption("failed");
    await expect(item).toHaveCount(0);
    await panel.getByLabel("Filter runs by state").selectOption("resolved");
    await item.click();
    await expect(item).toHaveClass(/jp-mod-selected/);
    const graph = panel.locator("#tsematic-run-graph");
    await expect(graph).toHaveAttribute("data-mode", "live");
    await expect(graph.locator(".jp-RunGraph-node", { hasText: "sleepyStep" })).toHaveClass(
      /jp-mod-resolved/,
    );
    await expect(graph.locator(".jp-RunGraph")).toHaveAttribute("data-engine", "elk");
    await panel.screenshot({ path: join(SCREENSHOTS, "graph-side-panel.png") });
  });

  test("after the server is gone, the output shows the snapshot saved in the notebook, with a note", async ({
    page,
    request,
    tmpPath,
  }) => {
    const bundle = {
      version: 1,
      rootId: "snapshot-root",
      stepName: "savedPipeline",
      mode: "local",
      serverUrl: "http://127.0.0.1:59999",
      state: "failed",
      final: true,
      runs: [
        { id: "snapshot-root", name: "savedPipeline", state: "failed", parentId: null },
        { id: "load", name: "loadData", state: "resolved", parentId: "snapshot-root" },
        { id: "train", name: "trainModel", state: "failed", parentId: "snapshot-root" },
      ],
      edges: [{ from: "load", to: "train", artifactId: "a1", parameter: "data" }],
    };
    const content = {
      cells: [
        {
          cell_type: "code",
          execution_count: 1,
          metadata: {},
          source: "await savedPipeline()",
          outputs: [
            {
              output_type: "display_data",
              metadata: {},
              data: {
                "application/vnd.tsematic.run.v1+json": bundle,
                "text/plain": "savedPipeline: failed",
              },
            },
          ],
        },
      ],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 5,
    };
    const saved = await request.put(`/api/contents/${tmpPath}/snapshot.ipynb`, {
      data: { type: "notebook", format: "json", content },
    });
    expect(saved.ok()).toBe(true);
    await page.notebook.open("snapshot.ipynb");
    // No kernel needed to look at saved outputs (the notebook names none: JupyterLab asks).
    await page.locator(".jp-Dialog").getByRole("button", { name: "No Kernel" }).click();
    await expect(page.locator(".jp-Dialog")).toHaveCount(0);
    const view = page.locator(".jp-RunGraphOutput .jp-RunGraphView");
    await expect(view).toHaveAttribute("data-mode", "snapshot", { timeout: 30_000 });
    await expect(view.locator(".jp-RunGraph-status")).toContainText("Saved snapshot");
    await expect(view.locator(".jp-RunGraph-status")).toContainText(
      "not reachable at http://127.0.0.1:59999",
    );
    await expect(view.locator(".jp-RunGraph-node", { hasText: "trainModel" })).toHaveClass(
      /jp-mod-failed/,
    );
    await expect(view.locator(".jp-RunGraph-node", { hasText: "loadData" })).toHaveClass(
      /jp-mod-resolved/,
    );
    // The output's fixed height, whichever style sheet (JupyterLab's output area's or the
    // extension's) the page loaded last.
    const height = await page
      .locator(".jp-RunGraphOutput")
      .evaluate((node) => node.getBoundingClientRect().height);
    expect(height).toBe(360);
    await expect(view.locator(".jp-RunGraph")).toHaveAttribute("data-engine", "elk");
    await page
      .locator(".jp-RunGraphOutput")
      .screenshot({ path: join(SCREENSHOTS, "graph-snapshot.png") });
  });
});
