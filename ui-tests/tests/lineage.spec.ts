/**
 * Lineage as recorded, end to end (real tslab kernel, real lineage server): tutorial 01's pipeline
 * draws exactly its real flows (each `square` into `sum`, `sum` into `bigReport` via the parent,
 * dashed, and the pipeline's awaits of `makeNumbers` and `sum`), and no arrow guessed from equal
 * values; the step panel names the notebook and links an input to the step that produced it, and
 * opens it.
 */
import type { Locator } from "@playwright/test";

import { expect, expectTslabKernelspec, test } from "./fixtures";
import { openStep } from "./steps";

/** Tutorial 01's steps and tracked pipeline (tutorials/01-first-pipeline.ipynb). */
const TUTORIAL_01 = [
  'import { func } from "tsematic";',
  "const makeNumbers = func(function makeNumbers(n: number): number[] {",
  "  return Array.from({ length: n }, (_, i) => i + 1);",
  "});",
  "const square = func(function square(x: number): number {",
  "  return x * x;",
  "});",
  "const sum = func(function sum(xs: number[]): number {",
  "  return xs.reduce((a, b) => a + b, 0);",
  "});",
  "const bigReport = func(function bigReport(total: number): string {",
  "  return `big total: ${total}`;",
  "});",
  "const smallReport = func(function smallReport(total: number): string {",
  "  return `small total: ${total}`;",
  "});",
  "const pipeline = func(async function pipeline(n: number, threshold: number) {",
  "  const numbers = await makeNumbers(n);",
  "  const squares = numbers.map((x) => square(x));",
  "  const total = await sum(squares);",
  "  if (total > threshold) {",
  "    return bigReport(total);",
  "  }",
  "  return smallReport(total);",
  "});",
  "await pipeline(4, 20)",
].join("\n");

/** The arrows drawn in `graph`, as `from > to` step names, by kind, sorted. */
async function arrows(graph: Locator): Promise<Record<string, string[]>> {
  return graph.evaluate((node) => {
    const name = (id: string | undefined): string =>
      node.querySelector(`g[data-run-id="${CSS.escape(id ?? "")}"] > text`)?.textContent ?? "?";
    const list = (selector: string): string[] =>
      [...node.querySelectorAll<SVGPathElement>(selector)]
        .map((path) => `${name(path.dataset.from)} > ${name(path.dataset.to)}`)
        .sort();
    return {
      data: list(".jp-RunGraph-edge:not(.jp-mod-parent)"),
      parent: list(".jp-RunGraph-edge.jp-mod-parent"),
      awaited: list(".jp-RunGraph-awaited"),
    };
  });
}

test.describe("recorded lineage", () => {
  test.beforeEach(async ({ request }) => {
    await expectTslabKernelspec(request);
  });

  test("tutorial 01's graph shows its real flows and no others; the step panel opens an input's producer", async ({
    page,
    request,
    tmpPath,
  }) => {
    test.setTimeout(150_000);
    // Saved under its name before it opens (createNew starts the kernel on Untitled.ipynb and renames
    // it while JupyterLab is still starting the session, which then keeps the old name).
    const content = {
      cells: [{ cell_type: "code", execution_count: null, metadata: {}, source: "", outputs: [] }],
      metadata: {
        kernelspec: { name: "tslab", display_name: "TypeScript", language: "typescript" },
      },
      nbformat: 4,
      nbformat_minor: 5,
    };
    const saved = await request.put(`/api/contents/${tmpPath}/lineage.ipynb`, {
      data: { type: "notebook", format: "json", content },
    });
    expect(saved.ok()).toBe(true);
    await page.notebook.open("lineage.ipynb");
    await page.notebook.setCell(0, "code", TUTORIAL_01);
    await page.notebook.runCell(0);
    const graph = page.locator(".jp-RunGraphOutput .jp-RunGraph");
    await expect(graph.locator(".jp-RunGraph-group", { hasText: "pipeline" })).toHaveClass(
      /jp-mod-resolved/,
      { timeout: 60_000 },
    );
    await expect(graph).toHaveAttribute("data-engine", "elk");
    await expect(graph.locator(".jp-RunGraph-node", { hasText: "square" })).toHaveCount(4);
    await expect
      .poll(() => arrows(graph))
      .toEqual({
        data: ["square > sum", "square > sum", "square > sum", "square > sum"],
        parent: ["sum > bigReport"],
        // `return bigReport(total)` counts as awaited: an async body's returned future is awaited by `return`.
        awaited: ["bigReport > pipeline", "makeNumbers > pipeline", "sum > pipeline"],
      });

    // The step panel of `sum`: its input `xs` came from the four squares (links); one opens.
    const sumId = await graph
      .locator(".jp-RunGraph-node", { hasText: "sum" })
      .getAttribute("data-run-id");
    await openStep(page, sumId ?? "");
    const sumPanel = page.locator(`#tsematic-step-${sumId} .jp-TsematicStep`);
    // The notebook the pipeline was started from (its root's environment.notebookPath).
    await expect(sumPanel.locator(".jp-TsematicStep-notebook")).toHaveText(
      "Started from the notebook lineage.ipynb",
    );
    // Its whole path, where it ran.
    await expect(sumPanel.locator(".jp-TsematicStep-notebook")).toHaveAttribute(
      "title",
      /^\/.*\/lineage\.ipynb$/,
    );
    const from = sumPanel.locator('[data-port="xs"] .jp-TsematicStep-flows');
    await expect(from).toContainText("from: square");
    await expect(from.locator(".jp-TsematicStep-runLink")).toHaveCount(4);
    const producerId = await from
      .locator(".jp-TsematicStep-runLink")
      .first()
      .getAttribute("data-run-id");
    await from.locator(".jp-TsematicStep-runLink").first().click();
    const producer = page.locator(`#tsematic-step-${producerId} .jp-TsematicStep`);
    await expect(producer.locator(".jp-TsematicStep-title")).toContainText("square");
    // And back: the square's output was used by `sum`.
    await expect(producer.locator(".jp-TsematicStep-flows[data-direction=output]")).toContainText(
      "used by: sum",
    );
  });
});
