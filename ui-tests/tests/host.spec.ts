import { createServer } from "node:net";

import type { IJupyterLabPageFixture } from "@jupyterlab/galata";
import type { Locator } from "@playwright/test";

import { startLineageServer } from "../lineage-server";
import { expect, test } from "./fixtures";
import { recordMetric } from "./metrics";

const RUNS_TAB = '.jp-SideBar.jp-mod-left [data-id="tsematic-runs"]';

/** The second lineage server global-setup started (two fixed runs, the page's token). */
function fixedServerUrl(): string {
  const url = process.env.TSEMATIC_FIXED_URL;
  if (!url) throw new Error("TSEMATIC_FIXED_URL is not set: run through playwright.config.ts");
  return url;
}

/** A 127.0.0.1 port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

test.describe("the host page", () => {
  test("opens /lab?reset to the launcher with the Tsematic panel in the left sidebar", async ({
    context,
  }) => {
    // A plain page: galata's page resolves goto() against the app URL and waits for it itself.
    const page = await context.newPage();
    // What the launcher's additions (/api/me, /api/events) are for: a load without failed calls.
    const problems: string[] = [];
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} ${response.url()}`);
    });
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console error: ${message.text()}`);
    });
    // The runs panel is closed: the extension leaves the lineage server alone.
    const lineageCalls: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/api/v1/")) lineageCalls.push(request.url());
    });

    const started = Date.now();
    await page.goto("/lab?reset");
    await expect(page.locator(".jp-Launcher")).toBeVisible({ timeout: 60_000 });
    recordMetric("pageToLauncherMs", Date.now() - started);

    await expect(page.locator(RUNS_TAB)).toBeVisible();
    await expect(page).not.toHaveURL(/reset/);
    await page.waitForTimeout(1000); // late calls (events socket, /api/me) fail after the launcher
    expect(problems).toEqual([]);
    expect(lineageCalls).toEqual([]);
  });

  test("a 404 page keeps its notFoundUrl to itself (jupyterlab_server 2.16 leaked it)", async ({
    request,
  }) => {
    const missing = await (await request.get("/lab/no-such-page")).text();
    expect(missing).toContain('"notFoundUrl": "/lab/no-such-page"');
    const later = await (await request.get("/lab")).text();
    expect(later).not.toContain("notFoundUrl");
  });
});

test.describe("the Tsematic runs panel", () => {
  test("lists the pipelines of the lineage server set in its settings, colored by state", async ({
    page,
  }) => {
    const field = await openSettings(page);
    await field("Lineage server URL").fill(fixedServerUrl());

    await page.sidebar.openTab("tsematic-runs");
    const panel = page.locator("#tsematic-runs");
    await expect(panel.locator(".jp-TsematicRuns-heading")).toHaveText("Tsematic runs");
    const items = panel.locator(".jp-TsematicRuns-item");
    await expect(items).toHaveCount(2);
    await expect(items.nth(0)).toContainText("train_pipeline");
    await expect(items.nth(0)).toHaveClass(/jp-mod-resolved/);
    await expect(items.nth(1)).toContainText("etl_pipeline");
    await expect(items.nth(1)).toHaveClass(/jp-mod-failed/);
  });

  test("opens its settings in the Settings Editor, and says how to start an unreachable server", async ({
    page,
  }) => {
    const field = await openSettings(page);
    await expect(field("Lineage server URL")).toBeVisible();
    await expect(field("Lineage server token")).toBeVisible();
    // Reruns started from JupyterLab read it: empty keeps the original run's executor.
    const executor = field("Default executor");
    await expect(executor.locator("option")).toHaveText(["", "local", "slurm"]);
    await expect(executor.locator("option:checked")).toHaveText("");
    // Run Pipeline on Cluster reads it: empty is the server's default node URL.
    await expect(field("Cluster node URL")).toHaveValue("");

    const unreachable = `http://127.0.0.1:${await closedPort()}`;
    await field("Lineage server URL").fill(unreachable);

    await page.sidebar.openTab("tsematic-runs");
    const error = page.locator("#tsematic-runs").getByRole("alert");
    await expect(error).toContainText(`not reachable at ${unreachable}`);
    await expect(error).toContainText("npm start");
  });

  test("says how to allow this page when the server answers but refuses its origin", async ({
    page,
  }) => {
    // A real server that allows no page origin.
    const strict = await startLineageServer({ corsOrigins: [] });
    try {
      const field = await openSettings(page);
      await field("Lineage server URL").fill(strict.url);

      await page.sidebar.openTab("tsematic-runs");
      const error = page.locator("#tsematic-runs").getByRole("alert");
      const origin = new URL(page.url()).origin;
      await expect(error).toContainText(`${strict.url} answers, but does not allow`);
      await expect(error).toContainText(`--cors-origin ${origin}`);
    } finally {
      await strict.close();
    }
  });
});

/** Opens the extension's settings from the panel's toolbar; returns a finder for its fields. */
async function openSettings(page: IJupyterLabPageFixture): Promise<(title: string) => Locator> {
  await page.sidebar.openTab("tsematic-runs");
  await page.locator("#tsematic-runs").getByTitle("Set the lineage server's URL and token").click();
  await expect(page.locator(".jp-PluginList")).toContainText("Tsematic");
  // The settings form titles each field with a heading followed by the input, not a <label>.
  return (title) =>
    page
      .getByRole("heading", { name: title, exact: true })
      .locator("xpath=following-sibling::*[1]")
      .locator("input, select");
}
