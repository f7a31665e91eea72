/**
 * Another package's artifact view: a pipeline registers its own type with kernel-lib's
 * `registerType()` ("test.point"), and a second, test-only prebuilt extension
 * (ui-tests/extensions/user-type-view, loaded next to Tsematic's by global-setup.ts) adds the view
 * of that type through tsematic-jupyterlab's IArtifactViewRegistry token. The step panel shows the
 * point with that view (its summary and its bytes, fetched from the real lineage server), and the
 * built-in views beside it still work.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { runPipelines } from "../lineage-server";
import { expect, test } from "./fixtures";
import { openStep } from "./steps";
import { configuredServer } from "./configured-server";

const PIPELINE = `
const { func, registerType } = require("tsematic");
class Point {
  constructor(x, y) { this.x = x; this.y = y; }
}
registerType({
  name: "test.point",
  mediaType: "application/json",
  matches: (value) => value instanceof Point,
  serialize: (p) => new TextEncoder().encode(JSON.stringify({ x: p.x, y: p.y })),
  deserialize: (bytes) => {
    const { x, y } = JSON.parse(new TextDecoder().decode(bytes));
    return new Point(x, y);
  },
  summarize: (p) => ({ x: p.x, y: p.y }),
});
const userTypePoint = func(function userTypePoint() { return new Point(3, 4); });
const userTypeLength = func(function userTypeLength(p) { return { length: Math.hypot(p.x, p.y) }; });
const userTypePipeline = func(async function userTypePipeline() {
  return userTypeLength(userTypePoint());
});
(async () => { await userTypePipeline(); })().catch((error) => {
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

test.describe("artifact views of another package", () => {
  test("a view registered by a second extension shows a user type in the step panel", async ({
    page,
  }) => {
    const server = await configuredServer(page);
    const home = mkdtempSync(join(tmpdir(), "tsematic-ui-home-"));
    try {
      await runPipelines({ ...server, dataDir: home, close: async () => undefined }, PIPELINE);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
    const lengthId = await runIdOf(server, "userTypeLength");

    await openStep(page, lengthId);

    const panel = page.locator(`#tsematic-step-${lengthId} .jp-TsematicStep`);
    // The input is the user type, shown by the other package's view: summary, then the bytes.
    const point = panel.locator(
      '.jp-TsematicStep-port[data-type="test.point"] .jp-TsematicTestPoint',
    );
    await expect(point).toHaveAttribute("data-rendered", "true");
    await expect(point).toContainText("Point summary (3, 4)");
    await expect(point.locator(".jp-TsematicTestPoint-value")).toHaveText(
      "Point value (3, 4), length 5",
    );
    await expect(panel.locator(".jp-TsematicStep-port .jp-TsematicSummary")).toHaveCount(0);
    // The output is JSON: the built-in view, registered through the same registry.
    await expect(
      panel.locator('.jp-TsematicStep-port[data-type="json"] .jp-TsematicJson'),
    ).toBeVisible();
  });
});
