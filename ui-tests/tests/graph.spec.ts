/**
 * The run graph, end to end: a pipeline run from a notebook on the real tslab kernel, tracked by the
 * real lineage server, drawn live in the cell's output and in the runs side panel; a step that
 * sleeps is seen running, then resolved; a click on a step executes `tsematic:open-step`.
 * Reference screenshots (compared, light and dark theme): ui-tests/screenshots/graph-*.png.
 */
import { join } from "node:path";

import type { Page } from "@playwright/test";

import { expect, expectTslabKernelspec, test } from "./fixtures";
import { openSnapshot } from "./saved-notebook";

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

/**
 * A saved run of `chains` chains of 10 data-dependent steps, and a nested step with `nested`
 * children (more than 40: it starts collapsed).
 */
function largeBundle(chains: number, nested: number): Record<string, unknown> {
  const rootId = "large-root";
  const runs: { id: string; name: string; state: string; parentId: string }[] = [];
  const edges: { from: string; to: string; kind: string; parameter: string; path: string }[] = [];
  for (let i = 0; i < chains * 10; i++) {
    const depth = Math.floor(i / chains);
    const state = depth < 4 ? "resolved" : depth === 4 ? "running" : "created";
    runs.push({ id: `s${i}`, name: `step_${i % chains}_${depth}`, state, parentId: rootId });
    if (depth > 0) {
      edges.push({
        from: `s${i - chains}`,
        to: `s${i}`,
        kind: "future",
        parameter: "x",
        path: "x",
      });
    }
  }
  runs.push({ id: "nest", name: "nestedStep", state: "running", parentId: rootId });
  for (let i = 0; i < nested; i++) {
    runs.push({ id: `n${i}`, name: `inner_${i}`, state: "created", parentId: "nest" });
  }
  return {
    version: 1,
    rootId,
    stepName: "largePipeline",
    mode: "local",
    serverUrl: "http://127.0.0.1:59999",
    state: "running",
    final: false,
    runs: [{ id: rootId, name: "largePipeline", state: "running", parentId: null }, ...runs],
    edges,
  };
}

test.describe("the run graph", () => {
  test.beforeEach(async ({ request }) => {
    await expectTslabKernelspec(request);
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
    // Its fixed height holds whatever order JupyterLab loaded the stylesheets in.
    await expect(page.locator(".jp-RunGraphOutput")).toHaveCSS("height", "360px");
    await expect(page.locator(".jp-RunGraphOutput")).toHaveScreenshot("graph-output.png");

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
    // The run's start time and duration change from run to run, in text and width: fixed boxes.
    await expect(panel).toHaveScreenshot("graph-side-panel.png", {
      stylePath: join(__dirname, "run-specific-text.css"),
    });
    // Whatever the hour's width ("10:03:45 PM" is the widest), the state stays on the name's line.
    // Set and measured in one task: the panel may draw its list again between two calls.
    const lines = await item.evaluate((row) => {
      row.querySelector(".jp-TsematicRuns-time")!.textContent = "10:03:45 PM";
      const name = row.querySelector(".jp-TsematicRuns-name")!.getBoundingClientRect();
      const state = row.querySelector(".jp-TsematicRuns-state")!.getBoundingClientRect();
      return { nameTop: name.top, stateTop: state.top, nameHeight: name.height };
    });
    expect(Math.abs(lines.stateTop - lines.nameTop)).toBeLessThan(lines.nameHeight / 2);
  });

  test("a run of another lineage server shows the snapshot saved in the notebook, with a note and a button to connect", async ({
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
      edges: [{ from: "load", to: "train", kind: "future", parameter: "data", path: "data" }],
    };
    await openSnapshot(page, request, `${tmpPath}/snapshot.ipynb`, bundle);
    const view = page.locator(".jp-RunGraphOutput .jp-RunGraphView");
    await expect(view).toHaveAttribute("data-mode", "snapshot", { timeout: 30_000 });
    await expect(view.locator(".jp-RunGraph-status")).toContainText("Saved snapshot");
    await expect(view.locator(".jp-RunGraph-status")).toContainText(
      "another lineage server (http://127.0.0.1:59999)",
    );
    await expect(view.getByRole("button", { name: "Connect…" })).toBeVisible();
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
    const output = page.locator(".jp-RunGraphOutput");
    await expect(output).toHaveScreenshot("graph-snapshot.png");

    // The same graph in JupyterLab's dark theme: the state colors and boxes follow it.
    await page.theme.setDarkTheme();
    await expect(page.locator("body")).toHaveAttribute("data-jp-theme-light", "false");
    await expect(output).toHaveScreenshot("graph-snapshot-dark.png");
  });
  test("a 400-step run is drawn at once, then laid out by elkjs; zoomed out without labels, it still opens steps and expands groups", async ({
    page,
    request,
    tmpPath,
  }) => {
    await openSnapshot(page, request, `${tmpPath}/large.ipynb`, largeBundle(40, 60));
    const graph = page.locator(".jp-RunGraphOutput .jp-RunGraph");
    // 1 root + 400 steps + the nested step, collapsed (its 60 runs hidden).
    await expect(graph).toHaveAttribute("data-runs", "402", { timeout: 30_000 });
    await expect(graph).toHaveAttribute("data-engine", "elk", { timeout: 60_000 });
    // The first layout replaced: one drawing left.
    await expect(graph.locator(".jp-RunGraph-svg")).toHaveCount(1);
    const viewport = graph.locator(".jp-RunGraph-viewport");
    await expect(viewport).toHaveClass(/jp-mod-overview/);
    const running = graph.locator('.jp-RunGraph-node[data-run-id="s160"]');
    await expect(running).toHaveClass(/jp-mod-running/);
    await expect(running.locator("text")).toBeHidden();
    const nested = graph.locator('.jp-RunGraph-node[data-run-id="nest"]');
    await expect(nested).toHaveClass(/jp-mod-collapsed/);
    await expect(nested).toContainText("(+60)");

    // The toggles stay in the overview: expanding the nested step shows its 60 runs.
    await nested.locator(".jp-RunGraph-toggle").dispatchEvent("click");
    await expect(graph).toHaveAttribute("data-runs", "462");
    await expect(graph.locator('.jp-RunGraph-group[data-run-id="nest"]')).toHaveCount(1);
    await expect(graph.locator('.jp-RunGraph-node[data-run-id="n59"]')).toHaveCount(1);
    // Collapsed again: a shape laid out before, drawn with its elkjs layout at once (no quick
    // layout first).
    const rightAfter = await graph.evaluate((node) => {
      node
        .querySelector('.jp-RunGraph-group[data-run-id="nest"] .jp-RunGraph-toggle')
        ?.dispatchEvent(new MouseEvent("click", { bubbles: true }));
      return [node.dataset.engine, node.dataset.runs];
    });
    expect(rightAfter).toEqual(["elk", "402"]);

    // A box in view (its center, on the page), through the zoom.
    const boxInView = (): Promise<{ runId: string; x: number; y: number } | null> =>
      graph.evaluate((node) => {
        const bounds = node.querySelector(".jp-RunGraph-viewport")?.getBoundingClientRect();
        for (const box of node.querySelectorAll<SVGGElement>(".jp-RunGraph-node")) {
          const r = box.getBoundingClientRect();
          const x = r.left + r.width / 2;
          const y = r.top + r.height / 2;
          if (
            bounds &&
            x > bounds.left &&
            x < bounds.right &&
            y > bounds.top &&
            y < bounds.bottom
          ) {
            return { runId: box.dataset.runId as string, x, y };
          }
        }
        return null;
      });

    // Zoomed in around a box, the labels are back.
    const zoomAt = await boxInView();
    expect(zoomAt).not.toBeNull();
    await page.mouse.move(zoomAt?.x ?? 0, zoomAt?.y ?? 0);
    // One wheel event (zoom × 3.9): the boxes have stopped moving once the class is gone.
    await page.mouse.wheel(0, -900);
    await expect(viewport).not.toHaveClass(/jp-mod-overview/);
    await expect(graph.locator(`[data-run-id="${zoomAt?.runId}"] text`)).toBeVisible();

    // A click on a box opens that step (last: the step panel opens over the notebook).
    await recordOpenStep(page);
    const target = await boxInView();
    expect(target).not.toBeNull();
    await page.mouse.click(target?.x ?? 0, target?.y ?? 0);
    await expect
      .poll(() =>
        page.evaluate(() => (window as unknown as { openStepCalls: unknown[] }).openStepCalls),
      )
      .toEqual([{ runId: target?.runId, rootId: "large-root", snapshot: true }]);
  });

  test("while the quick layout gives way to elkjs's, every run has one box in the DOM, never two", async ({
    page,
    request,
    tmpPath,
  }) => {
    // Sampled at every DOM change (a MutationObserver sees each batch of changes before the page
    // paints it) and at every frame, from before the notebook opens until elkjs's layout is in.
    await page.evaluate(() => {
      const seen = { samples: 0, quickSamples: 0, maxCopies: 0, engines: [] as string[] };
      (window as unknown as { layoutSamples: typeof seen }).layoutSamples = seen;
      const sample = (): void => {
        for (const graph of document.querySelectorAll<HTMLElement>(".jp-RunGraph")) {
          const copies = new Map<string, number>();
          for (const box of graph.querySelectorAll<SVGGElement>("g[data-run-id]")) {
            const id = box.dataset.runId as string;
            copies.set(id, (copies.get(id) ?? 0) + 1);
          }
          if (copies.size === 0) continue;
          seen.samples += 1;
          const engine = graph.dataset.engine ?? "";
          if (engine === "quick") seen.quickSamples += 1;
          if (seen.engines.at(-1) !== engine) seen.engines.push(engine);
          seen.maxCopies = Math.max(seen.maxCopies, ...copies.values());
        }
      };
      new MutationObserver(sample).observe(document.body, { childList: true, subtree: true });
      const everyFrame = (): void => {
        sample();
        requestAnimationFrame(everyFrame);
      };
      everyFrame();
    });
    await openSnapshot(page, request, `${tmpPath}/transition.ipynb`, largeBundle(40, 60));
    const graph = page.locator(".jp-RunGraphOutput .jp-RunGraph");
    await expect(graph).toHaveAttribute("data-engine", "elk", { timeout: 60_000 });
    // A few more frames after the swap (the old drawing, if it lingered, would show here).
    await page.waitForTimeout(500);
    const seen = await page.evaluate(
      () =>
        (
          window as unknown as {
            layoutSamples: {
              samples: number;
              quickSamples: number;
              maxCopies: number;
              engines: string[];
            };
          }
        ).layoutSamples,
    );
    expect(seen.engines).toEqual(["quick", "elk"]);
    expect(seen.quickSamples, "samples taken while the quick layout was shown").toBeGreaterThan(3);
    expect(seen.maxCopies, "boxes of one run in one graph at the same time").toBe(1);
    await expect(graph.locator(".jp-RunGraph-svg")).toHaveCount(1);
  });
});
