/**
 * A 10,000-step run in the runs side panel, against the real lineage server the page is configured
 * with: its uniform fan-out (10,000 calls of `leaf` under the pipeline) opens folded as one box with
 * the count and the state breakdown, opens to its first page of calls, and a click on a call opens
 * its step panel. The run is recorded by posting kernel-lib's events to the server (server's test
 * fixture recorder), which takes seconds, rather than running 10,000 steps in a kernel.
 */
import { EventRecorder, fixtureId, jsonArtifact } from "@tsematic/server/lib/testing/fixture";

import { expect, test } from "./fixtures";
import { configuredServer } from "./configured-server";

const LEAVES = 10_000;

/**
 * Records `scaleSweep`: `load`, then 10,000 calls of `leaf` fed by it (the first 6 failed, the next
 * 120 running, the rest resolved), then `summarize` reading every leaf. Returns the ids of the
 * root and of the leaves.
 */
async function recordSweep(
  server: { url: string; token: string },
  seed: string,
): Promise<{ rootId: string; leaves: string[] }> {
  const rootId = fixtureId(seed, "root");
  const rec = new EventRecorder(rootId, Date.now());
  const n = jsonArtifact(LEAVES);
  rec.created({
    id: rootId,
    parentId: null,
    stepName: "scaleSweep",
    sourceText: "async function scaleSweep(n) { /* ... */ }",
    parameters: ["n"],
    mode: "local",
  });
  rec.state(rootId, "running");
  const load = fixtureId(seed, "load");
  rec.step(load, rootId, "load", [["n", n]], jsonArtifact("data"));
  const leaves: string[] = [];
  for (let i = 0; i < LEAVES; i++) {
    const id = fixtureId(seed, `leaf${i}`);
    leaves.push(id);
    rec.created({
      id,
      parentId: rootId,
      stepName: "leaf",
      sourceText: "function leaf(data, i) { return i + 1; }",
      parameters: ["data", "i"],
    });
    rec.flow(id, [{ from: load, kind: "future", parameter: "data", path: "data" }]);
    rec.state(id, "running");
    if (i < 6) {
      rec.state(id, "failed");
      Object.assign(rec.events[rec.events.length - 1]!, {
        error: {
          name: "Error",
          message: `leaf ${i} failed`,
          stepName: "leaf",
          path: [],
          runId: id,
        },
      });
    } else if (i >= 126) {
      rec.state(id, "resolved");
    }
  }
  const summarize = fixtureId(seed, "summarize");
  rec.created({
    id: summarize,
    parentId: rootId,
    stepName: "summarize",
    sourceText: "function summarize(xs) { /* ... */ }",
    parameters: ["xs"],
  });
  rec.flow(
    summarize,
    leaves.map((from, i) => ({ from, kind: "future", parameter: "xs", path: `xs[${i}]` })),
  );
  for (let start = 0; start < rec.events.length; start += 5_000) {
    const response = await fetch(`${server.url}/api/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
      body: JSON.stringify({ events: rec.events.slice(start, start + 5_000) }),
    });
    if (!response.ok) {
      throw new Error(`POST /events: HTTP ${response.status} ${await response.text()}`);
    }
  }
  return { rootId, leaves };
}

test.describe("a 10,000-step run", () => {
  test("opens folded, expands its fan-out, and opens a step of it", async ({ page }) => {
    test.setTimeout(240_000);
    const { rootId, leaves } = await recordSweep(
      await configuredServer(page),
      `fold-${Date.now()}`,
    );

    await page.sidebar.openTab("tsematic-runs");
    const panel = page.locator("#tsematic-runs");
    await panel.getByTitle("Fetch the runs from the lineage server now").click();
    await panel.getByLabel("Filter runs by pipeline name").fill("scaleSweep");
    const item = panel.locator(`.jp-TsematicRuns-item[data-run-id="${rootId}"]`);
    await item.click({ timeout: 60_000 });
    const graph = panel.locator("#tsematic-run-graph .jp-RunGraph");

    // Folded: the root, load, one box for the 10,000 calls of leaf, summarize.
    const fold = graph.locator('.jp-RunGraph-fold[data-step-name="leaf"]');
    await expect(fold).toHaveAttribute("data-count", "10000", { timeout: 60_000 });
    await expect(fold).toHaveAttribute("aria-expanded", "false");
    await expect(fold).toContainText("leaf × 10,000");
    await expect(fold).toContainText("9,874 resolved · 120 running · 6 failed");
    await expect(fold).toHaveClass(/jp-mod-failed/);
    await expect(graph).toHaveAttribute("data-runs", "4");
    await expect(graph.locator(".jp-RunGraph-node[data-run-id]")).toHaveCount(2);
    // The flows into and out of the calls are drawn to the fold.
    await expect(graph.locator(".jp-RunGraph-edge")).toHaveCount(2);

    // Opened (keyboard): its first page of calls inside it, and "show more". (Focused once elkjs's
    // layout is drawn: it replaces the first drawing.)
    await expect(graph).toHaveAttribute("data-engine", "elk", { timeout: 60_000 });
    await fold.focus();
    await page.keyboard.press("Enter");
    const open = graph.locator('.jp-RunGraph-fold[data-step-name="leaf"][aria-expanded="true"]');
    await expect(open).toHaveCount(1);
    await expect(open).toContainText("100 shown");
    await expect(graph.locator(".jp-RunGraph-node[data-run-id]")).toHaveCount(102);
    await open.locator(".jp-RunGraph-more").click();
    await expect(graph.locator(".jp-RunGraph-node[data-run-id]")).toHaveCount(202);

    // A click on a call opens its step panel.
    // The first call, failed.
    const runId = leaves[0]!;
    const call = graph.locator(`.jp-RunGraph-node[data-run-id="${runId}"]`);
    await expect(call).toHaveClass(/jp-mod-failed/);
    await call.locator("rect").first().click();
    const step = page.locator(`#tsematic-step-${runId} .jp-TsematicStep`);
    await expect(step.locator(".jp-TsematicStep-title")).toContainText("leaf", {
      timeout: 30_000,
    });
    await expect(step.locator(".jp-TsematicStep-title")).toContainText("failed");

    // Folded again: one box.
    await open.locator(".jp-RunGraph-toggle").click();
    await expect(graph).toHaveAttribute("data-runs", "4");
  });
});
