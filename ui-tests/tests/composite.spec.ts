/**
 * Composite outputs (issue 14, item 9): a step returning `{ table, chart }` stores the table and
 * the plot as artifacts of their own types, and its step panel shows the output's skeleton with
 * the table in the grid and the chart as a plot, each by the view registered for its type.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { runPipelines } from "../lineage-server";
import { expect, test } from "./fixtures";
import { configuredServer } from "./configured-server";

const PIPELINE = `
const { func, plot } = require("tsematic");
const { tableFromArrays } = require("apache-arrow");
const compositeReport = func(function compositeReport(n) {
  const xs = Array.from({ length: n }, (_, i) => i);
  return {
    table: tableFromArrays({ x: Float64Array.from(xs), square: Float64Array.from(xs.map((x) => x * x)) }),
    chart: plot({
      mark: "line",
      data: { values: xs.map((x) => ({ x, y: x * x })) },
      encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
    }),
  };
});
(async () => { await compositeReport(5); })().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

async function runIdOf(server: { url: string; token: string }, stepName: string): Promise<string> {
  const response = await fetch(
    `${server.url}/api/v1/runs?name=${encodeURIComponent(stepName)}&limit=1`,
    { headers: { Authorization: `Bearer ${server.token}` } },
  );
  const body = (await response.json()) as { runs: Array<{ id: string; stepName: string }> };
  const run = body.runs.find((candidate) => candidate.stepName === stepName);
  if (!run) throw new Error(`no run of ${stepName} on ${server.url}`);
  return run.id;
}

test.describe("composite outputs", () => {
  test("a step returning { table, chart } shows a grid and a plot in its step panel", async ({
    page,
  }) => {
    const server = await configuredServer(page);
    const home = mkdtempSync(join(tmpdir(), "tsematic-ui-home-"));
    try {
      await runPipelines({ ...server, dataDir: home, close: async () => undefined }, PIPELINE);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
    const runId = await runIdOf(server, "compositeReport");

    await page.evaluate(async (id) => {
      const app = (
        window as unknown as {
          jupyterapp: { commands: { execute: (c: string, a: unknown) => Promise<unknown> } };
        }
      ).jupyterapp;
      await app.commands.execute("tsematic:open-step", { runId: id });
    }, runId);

    const panel = page.locator(`#tsematic-step-${runId} .jp-TsematicStep`);
    const output = panel.locator(
      '.jp-TsematicStep-port[data-type="composite"] .jp-TsematicComposite',
    );
    await expect(output).toHaveAttribute("data-rendered", "true");
    await expect(output.locator(".jp-TsematicComposite-skeleton")).toContainText(
      "{chart: <plot.vega-lite>, table: <arrow.table>}",
    );
    const table = output.locator('.jp-TsematicComposite-part[data-path="$.table"]');
    await expect(table.locator(".jp-TsematicComposite-partHeading")).toHaveText(
      "table · arrow.table",
    );
    await expect(table.locator(".jp-TsematicTable-grid")).toBeVisible();
    const chart = output.locator('.jp-TsematicComposite-part[data-path="$.chart"]');
    await expect(chart.locator(".jp-TsematicPlot")).toHaveAttribute("data-rendered", "true");
    await expect(
      chart.locator(".jp-TsematicPlot svg, .jp-TsematicPlot canvas").first(),
    ).toBeVisible();
    await expect(panel.locator(".jp-TsematicStep-port .jp-TsematicSummary")).toHaveCount(0);
  });
});
