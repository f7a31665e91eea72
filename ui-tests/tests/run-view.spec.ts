/**
 * A notebook's run view is data someone else may have written: opening it must not send anything
 * to a server its output names. A silent run's view contacts no server at all, and a click on its
 * step opens what the snapshot knows; a run of another lineage server (a fake one, started here on
 * 127.0.0.1, recording every request, header and query string) gets nothing until the user agrees
 * to connect, and then no token.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import type { Page, Request } from "@playwright/test";

import { expect, test } from "./fixtures";
import { openSnapshot } from "./saved-notebook";

/** Every HTTP request and WebSocket the page opens from now on. */
function recordTraffic(page: Page): { urls: string[] } {
  const traffic = { urls: [] as string[] };
  page.on("request", (request: Request) => traffic.urls.push(request.url()));
  page.on("websocket", (socket) => traffic.urls.push(socket.url()));
  return traffic;
}

/** A fake lineage server (HTTP and WebSocket upgrades) that records what it receives. */
async function fakeServer(): Promise<{
  url: string;
  received: Array<{ method: string; url: string; authorization: string | undefined }>;
  close(): Promise<void>;
}> {
  const received: Array<{ method: string; url: string; authorization: string | undefined }> = [];
  const record = (request: IncomingMessage): void => {
    received.push({
      method: request.method ?? "",
      url: request.url ?? "",
      authorization: request.headers.authorization,
    });
  };
  const server: Server = createServer((request, response) => {
    record(request);
    response
      .writeHead(200, {
        "Content-Type": "application/json",
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Headers": "*",
      })
      .end(JSON.stringify({ runs: [], flows: [] }));
  });
  server.on("upgrade", (request, socket) => {
    record(request);
    socket.destroy();
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/**
 * A saved run, as kernel-lib's bundle holds it: the pipeline awaits `loadData`, whose output goes
 * to `trainModel` (failed) as a future and to `describeData` via the parent.
 */
function savedRun(rootId: string, mode: string, serverUrl: string | null): Record<string, unknown> {
  const at = Date.UTC(2026, 11, 3, 12, 0, 0);
  return {
    version: 1,
    rootId,
    stepName: "savedPipeline",
    mode,
    serverUrl,
    state: "failed",
    final: true,
    updatedAt: at + 900,
    runs: [
      {
        id: rootId,
        name: "savedPipeline",
        state: "failed",
        parentId: null,
        attempt: 1,
        createdAt: at,
        startedAt: at,
        endedAt: at + 900,
        cached: false,
        inputs: {},
      },
      {
        id: `${rootId}-load`,
        name: "loadData",
        state: "resolved",
        parentId: rootId,
        attempt: 1,
        createdAt: at + 10,
        startedAt: at + 10,
        endedAt: at + 250,
        cached: false,
        inputs: { n: "a-n" },
        output: "a-rows",
      },
      {
        id: `${rootId}-train`,
        name: "trainModel",
        state: "failed",
        parentId: rootId,
        attempt: 2,
        createdAt: at + 260,
        startedAt: at + 260,
        endedAt: at + 880,
        cached: false,
        inputs: { data: "a-rows" },
        error: {
          name: "Error",
          message: "loss is NaN",
          stack: "Error: loss is NaN\n    at trainModel (cell 3:4)",
          stepName: "trainModel",
          path: ["savedPipeline", "trainModel"],
          runId: `${rootId}-train`,
        },
      },
      {
        id: `${rootId}-describe`,
        name: "describeData",
        state: "resolved",
        parentId: rootId,
        attempt: 1,
        createdAt: at + 260,
        startedAt: at + 260,
        endedAt: at + 300,
        cached: true,
        inputs: { rows: "a-rows" },
        output: "a-stats",
      },
    ],
    edges: [
      { from: `${rootId}-load`, to: rootId, kind: "awaited" },
      {
        from: `${rootId}-load`,
        to: `${rootId}-describe`,
        kind: "parent",
        parameter: "rows",
        path: "rows",
        artifactId: "a-rows",
      },
      {
        from: `${rootId}-load`,
        to: `${rootId}-train`,
        kind: "future",
        parameter: "data",
        path: "data",
        artifactId: "a-rows",
      },
    ],
    artifacts: {
      "a-n": { typeName: "json", size: 3, summary: { kind: "number", value: 100 } },
      "a-rows": { typeName: "json", size: 1200, summary: { kind: "array", length: 100 } },
      "a-stats": { typeName: "json", size: 40, summary: { kind: "object", keys: 2 } },
    },
  };
}

test.describe("a notebook's run view", () => {
  test("of a silent run makes no request to any server, and its step opens what the snapshot knows", async ({
    page,
    request,
    tmpPath,
  }) => {
    const traffic = recordTraffic(page);
    const labOrigin = new URL(page.url()).origin;
    await openSnapshot(
      page,
      request,
      `${tmpPath}/silent.ipynb`,
      savedRun("silent-root", "silent", null),
    );
    const view = page.locator(".jp-RunGraphOutput .jp-RunGraphView");
    await expect(view).toHaveAttribute("data-mode", "silent");
    await expect(view.locator(".jp-RunGraph-status")).toContainText("A silent run (not tracked)");
    // The recorded flows: one future (solid), one via the parent (dashed), one await (dotted).
    await expect(view.locator(".jp-RunGraph-edge:not(.jp-mod-parent)")).toHaveCount(1);
    await expect(view.locator(".jp-RunGraph-edge.jp-mod-parent")).toHaveCount(1);
    await expect(view.locator(".jp-RunGraph-awaited")).toHaveCount(1);
    await expect(view.locator(".jp-RunGraph")).toHaveAttribute("data-engine", "elk");
    await expect(page.locator(".jp-RunGraphOutput")).toHaveScreenshot("run-view-silent.png");
    await page.theme.setDarkTheme();
    await expect(page.locator("body")).toHaveAttribute("data-jp-theme-light", "false");
    await expect(page.locator(".jp-RunGraphOutput")).toHaveScreenshot("run-view-silent-dark.png");

    await view.locator(".jp-RunGraph-node", { hasText: "trainModel" }).click();
    const panel = page.locator(".jp-TsematicStep.jp-mod-snapshot");
    await expect(panel).toBeVisible();
    await expect(panel.locator(".jp-TsematicStep-title")).toContainText("trainModel");
    await expect(panel.locator(".jp-TsematicStep-title")).toContainText("failed");
    await expect(panel.locator(".jp-TsematicStep-facts")).toContainText("attempt2");
    await expect(panel.locator(".jp-TsematicStep-snapshotNote")).toContainText(
      "run the pipeline tracked",
    );
    await expect(panel.locator('[data-port="data"] .jp-TsematicStep-summary')).toContainText(
      '"length": 100',
    );
    await expect(panel.locator(".jp-TsematicArtifact-errorMessage")).toHaveText(
      "Error: loss is NaN",
    );
    await expect(page.locator(".jp-TsematicStep-error")).toHaveCount(0);

    // The input's producer opens from the snapshot too.
    await panel
      .locator('[data-port="data"] .jp-TsematicStep-runLink', { hasText: "loadData" })
      .click();
    const producer = page.locator("#tsematic-step-snapshot-silent-root-load .jp-TsematicStep");
    await expect(producer.locator(".jp-TsematicStep-title")).toContainText("resolved");

    // Nothing left the JupyterLab server: no lineage server, no live socket, for this run.
    const outside = traffic.urls.filter(
      (url) =>
        !url.startsWith(labOrigin) || url.includes("silent-root") || url.includes("/api/v1/"),
    );
    expect(outside).toEqual([]);
  });

  test("of another lineage server's run sends it nothing on open, and no token after the user agrees to connect", async ({
    page,
    request,
    tmpPath,
  }) => {
    const fake = await fakeServer();
    try {
      await openSnapshot(
        page,
        request,
        `${tmpPath}/foreign.ipynb`,
        savedRun("foreign-root", "local", fake.url),
      );
      const view = page.locator(".jp-RunGraphOutput .jp-RunGraphView");
      await expect(view).toHaveAttribute("data-mode", "snapshot");
      await expect(view.locator(".jp-RunGraph-status")).toContainText(
        `another lineage server (${fake.url})`,
      );
      await expect(view.locator(".jp-RunGraph-node", { hasText: "trainModel" })).toHaveClass(
        /jp-mod-failed/,
      );
      // Time for a view that connects on its own to do so (the socket at once, the poll after 3 s).
      await page.waitForTimeout(4000);
      expect(fake.received, "requests the notebook's server received on open").toEqual([]);

      // The user asks to connect; the dialog says the token is not sent unless allowed.
      await view.getByRole("button", { name: "Connect…" }).click();
      const dialog = page.locator(".jp-Dialog");
      await expect(dialog).toContainText(fake.url);
      await expect(dialog.getByRole("checkbox")).not.toBeChecked();
      await dialog.getByRole("button", { name: "Connect", exact: true }).click();
      await expect(page.locator(".jp-Dialog")).toHaveCount(0);
      await expect.poll(() => fake.received.length, { timeout: 20_000 }).toBeGreaterThan(0);
      await page.waitForTimeout(1000);
      const token = await page.evaluate(
        () =>
          JSON.parse(document.getElementById("jupyter-config-data")?.textContent ?? "{}")
            .tsematicToken as string,
      );
      expect(token).toBeTruthy();
      for (const received of fake.received) {
        expect(received.authorization, `${received.method} ${received.url}`).toBeUndefined();
        expect(received.url).not.toContain(token);
        expect(received.url).not.toContain("token=");
      }
    } finally {
      await fake.close();
    }
  });
});
