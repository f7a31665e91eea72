/**
 * The pipeline view, the comparison of two runs and the live notes pane, against real lineage
 * servers and pipelines run by kernel-lib in Node processes (as a notebook kernel runs them):
 * - a pipeline run five times with a changing metric (logMetric inside a step) shows five points,
 *   and a click on a point opens that run;
 * - two runs compared show the changed input and the changed step source;
 * - two browser pages editing one note see each other's text, and the note survives a restart of
 *   the lineage server (a server this spec starts itself, on a fixed port and data directory, so
 *   that it can be stopped and started again).
 * Reference screenshots (light and dark): the pipeline view of a server seeded with fixed ids and
 * times (kernel-lib's event format, server/lib/testing/fixture), and a comparison of real runs
 * whose ids (random) are masked.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import type { IJupyterLabPageFixture } from "@jupyterlab/galata";
import { pipelineFixture } from "@tsematic/server/lib/testing/fixture";
import type { Page } from "@playwright/test";

import { announced, freePort, runPipelines, stop } from "../lineage-server";
import { expect, test } from "./fixtures";
import { closePageOnServer, type IPageFixtures, pageOnServer } from "./page-on-server";
import { configuredServer } from "./configured-server";

const repo = resolve(__dirname, "..", "..");
const OUTPUT_DIR = resolve(__dirname, "..", "test-output");
const TOKEN = "f".repeat(64);

/** A lineage server that can be stopped and started again with its data (same port, same folder). */
class RestartableServer {
  private constructor(
    readonly port: number,
    readonly dataDir: string,
    private readonly origin: string,
  ) {}

  static async start(origin: string): Promise<RestartableServer> {
    const dataDir = mkdtempSync(join(tmpdir(), "tsematic-ui-pipeline-"));
    writeFileSync(join(dataDir, "token"), `${TOKEN}\n`, { mode: 0o600 });
    const server = new RestartableServer(await freePort(), dataDir, origin);
    await server.up();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const child = spawn(
      process.execPath,
      [
        join(repo, "server", "lib", "cli.js"),
        "server",
        `--port=${this.port}`,
        `--data-dir=${this.dataDir}`,
        `--cors-origin=${this.origin}`,
      ],
      {
        stdio: [
          "ignore",
          "pipe",
          openSync(join(OUTPUT_DIR, `pipeline-server-${this.port}.log`), "a"),
        ],
      },
    );
    this.child = child;
    await announced(child, /listening on (\S+)/, "the pipeline spec's lineage server");
  }

  async down(): Promise<void> {
    if (this.child) await stop(this.child);
    this.child = null;
  }

  async close(): Promise<void> {
    await this.down();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  async post(path: string, body: unknown): Promise<void> {
    const response = await fetch(`${this.url}/api/v1${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw new Error(`POST ${path}: HTTP ${response.status} ${await response.text()}`);
    }
  }

  async get<T>(path: string): Promise<T> {
    const response = await fetch(`${this.url}/api/v1${path}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    if (!response.ok) {
      throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
    }
    return (await response.json()) as T;
  }

  private child: ChildProcess | null = null;
}

/** Five runs of the fixture pipeline, an hour apart from a fixed time, each with metrics. */
async function seedFixedPipeline(server: RestartableServer): Promise<string[]> {
  const roots: string[] = [];
  for (let i = 0; i < 5; i++) {
    const fixture = pipelineFixture({
      seed: `pipeline-view-${i}`,
      startAt: 1_767_225_600_000 + i * 3_600_000,
    });
    const events: unknown[] = [...fixture.events];
    const trainId = fixture.runs.train0!;
    let seq = fixture.events.length;
    const metric = (name: string, value: number, extra: Record<string, unknown> = {}): void => {
      seq++;
      events.push({
        id: `${fixture.rootId}:${seq}`,
        rootId: fixture.rootId,
        at: 1_767_225_600_000 + i * 3_600_000 + 500 + seq,
        type: "metric",
        runId: trainId,
        name,
        value,
        ...extra,
      });
    };
    metric("accuracy", 0.6 + 0.07 * i, { labels: { split: "val" } });
    metric("accuracy", 0.7 + 0.05 * i, { labels: { split: "train" } });
    for (let step = 0; step < 5; step++) metric("loss", (2 - 0.2 * i) / (step + 1), { step });
    await server.post("/events", { events });
    roots.push(fixture.rootId);
  }
  return roots;
}

/** A JupyterLab page (in a context of its own) whose Tsematic settings name `server` and `authorName`. */
function pageFor(
  fixtures: IPageFixtures,
  server: RestartableServer,
  authorName: string,
): Promise<IJupyterLabPageFixture> {
  return pageOnServer(fixtures, { serverUrl: server.url, token: TOKEN, authorName });
}

async function execute(page: Page, command: string, args: Record<string, unknown>): Promise<void> {
  await page.evaluate(
    async ({ command, args }) => {
      const app = (
        window as unknown as {
          jupyterapp: { commands: { execute: (c: string, a: unknown) => Promise<unknown> } };
        }
      ).jupyterapp;
      await app.commands.execute(command, args);
    },
    { command, args },
  );
}

/** Runs `source` (CommonJS, `tsematic` importable) against the page's lineage server. */
async function run(page: Page, source: string): Promise<void> {
  const server = await configuredServer(page);
  const home = mkdtempSync(join(tmpdir(), "tsematic-ui-home-"));
  try {
    await runPipelines({ ...server, dataDir: home, close: async () => undefined }, source);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** A pipeline whose `fit` step logs a validation loss (and a curve) that changes with `lr`. */
function pipelineSource(name: string, lrs: number[], fitBody: string): string {
  return `
const { func, logMetric } = require("tsematic");
const fit = func(function fit(lr) {
  ${fitBody}
  for (let step = 0; step < 4; step++) logMetric("loss", loss * (4 - step), { step, labels: { split: "train" } });
  logMetric("val_loss", loss, { labels: { split: "val" } });
  return { lr, loss };
});
const ${name} = func(async function ${name}(lr) { return fit(lr); });
(async () => { for (const lr of ${JSON.stringify(lrs)}) await ${name}(lr); })().catch((error) => {
  console.error(error);
  process.exit(1);
});`;
}

test.describe("the pipeline view", () => {
  test("a pipeline run five times with a changing metric shows five points; a click opens that run", async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await run(
      page,
      pipelineSource("pipelineViewFive", [0.1, 0.2, 0.3, 0.4, 0.5], "const loss = 1 / (lr * 10);"),
    );

    // From the runs panel: the context menu of a run of the pipeline.
    await page.sidebar.openTab("tsematic-runs");
    const item = page.locator(".jp-TsematicRuns-item", { hasText: "pipelineViewFive" }).first();
    await item.click({ button: "right" });
    await page.getByRole("menuitem", { name: "Open Pipeline" }).click();

    const view = page.locator(".jp-TsematicPipeline[data-pipeline='pipelineViewFive']");
    await expect(view).toHaveAttribute("data-runs", "5");
    await expect(view.locator("[data-fact='runs'] strong")).toHaveText("5");
    await expect(view.locator("[data-fact='success rate'] strong")).toHaveText("100%");
    const chart = view.locator(".jp-TsematicPipeline-chart[data-title='val_loss']");
    // A chart is drawn once it comes near the screen.
    await chart.scrollIntoViewIfNeeded();
    await expect(chart).toHaveAttribute("data-rendered", "true");
    await expect(chart).toHaveAttribute("data-points", "5");
    const points = chart.locator("g.mark-symbol.role-mark path");
    await expect(points).toHaveCount(5);
    // The curves within the newest run (the step index), one line for its label set.
    const curve = view.locator(
      ".jp-TsematicPipeline-picked .jp-TsematicPipeline-chart[data-title='loss by step']",
    );
    await curve.scrollIntoViewIfNeeded();
    await expect(curve).toHaveAttribute("data-rendered", "true");

    // The oldest run's point (drawn leftmost) opens that run: picked here, selected in the panel.
    const runs = view.locator(".jp-TsematicPipeline-run");
    const oldest = await runs.last().getAttribute("data-run-id");
    const xs = await points.evaluateAll((nodes) =>
      nodes.map((node) => node.getBoundingClientRect().x),
    );
    const oldestPoint = points.nth(xs.indexOf(Math.min(...xs)));
    // Its tooltip names the run and the metric's value (described when shown, from the point).
    await oldestPoint.hover();
    const tooltip = page.locator("#vg-tooltip-element");
    const row = (key: string) =>
      tooltip
        .locator("tr")
        .filter({ has: page.locator("td.key", { hasText: new RegExp(`^${key}$`) }) });
    await expect(row("run").locator("td.value")).toHaveText(oldest!);
    await expect(row("val_loss").locator("td.value")).toHaveText(/^\d/);
    await oldestPoint.click();
    await expect(view).toHaveAttribute("data-picked-run", oldest!);
    await expect(
      page.locator("#tsematic-runs .jp-TsematicRuns-item.jp-mod-selected"),
    ).toHaveAttribute("data-run-id", oldest!);
  });

  test("compares two runs: the changed input, the changed step source, the metrics", async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await run(page, pipelineSource("pipelineViewCompare", [0.1], "const loss = 1 / (lr * 10);"));
    await run(
      page,
      pipelineSource("pipelineViewCompare", [0.2], "const loss = 2 / (lr * 10); // tuned"),
    );

    await execute(page, "tsematic:open-pipeline", { stepName: "pipelineViewCompare" });
    const view = page.locator(".jp-TsematicPipeline[data-pipeline='pipelineViewCompare']");
    await expect(view).toHaveAttribute("data-runs", "2");
    const boxes = view.locator(".jp-TsematicPipeline-run input[type='checkbox']");
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await view.getByRole("button", { name: "Compare Runs" }).click();

    const compare = page.locator(".jp-TsematicCompare");
    await expect(compare).toHaveAttribute("data-loaded", "true");
    const lr = compare.locator("[data-section='inputs'] tr[data-name='lr']");
    await expect(lr).toHaveClass(/jp-mod-changed/);
    await expect(lr.locator("td")).toHaveText(["lr", "0.1", "0.2"]);
    const fit = compare.locator("[data-section='code'] .jp-TsematicCompare-step[data-step='fit']");
    await expect(fit.locator(".jp-mod-removed")).toHaveText(["-   const loss = 1 / (lr * 10);"]);
    await expect(fit.locator(".jp-mod-added")).toHaveText([
      "+   const loss = 2 / (lr * 10); // tuned",
    ]);
    // The JSON output of fit differs: a structural diff names the changed fields.
    const output = compare.locator(".jp-TsematicCompare-output[data-step='fit']");
    await expect(output.locator("tbody tr td:first-child")).toHaveText(["$.lr"]);
    await expect(
      compare.locator("[data-section='metrics'] tr[data-name='val_loss'] td"),
    ).toHaveText(["val_loss", "split=val", "1", "1", "0"]);

    // Reference screenshots; the run ids (random) are masked.
    await page.setViewportSize({ width: 1280, height: 1400 });
    const mask = [compare.locator(".jp-TsematicPipeline-runLink")];
    await expect(compare).toHaveScreenshot("pipeline-compare.png", { mask });
    await page.theme.setDarkTheme();
    await expect(page.locator("body")).toHaveAttribute("data-jp-theme-light", "false");
    await expect(compare).toHaveScreenshot("pipeline-compare-dark.png", { mask });
  });

  test("reference screenshots of a pipeline with fixed runs and metrics, light and dark", async ({
    browser,
    waitForApplication,
    tmpPath,
  }) => {
    test.setTimeout(180_000);
    const server = await RestartableServer.start(process.env.TARGET_URL!);
    try {
      const roots = await seedFixedPipeline(server);
      const page = await pageFor({ browser, waitForApplication, tmpPath }, server, "Ada");
      try {
        await page.setViewportSize({ width: 1280, height: 1500 });
        await execute(page, "tsematic:open-pipeline", { stepName: "pipeline" });
        const view = page.locator(".jp-TsematicPipeline[data-pipeline='pipeline']");
        await expect(view).toHaveAttribute("data-runs", "5");
        await expect(view).toHaveAttribute("data-picked-run", roots[4]!);
        const charts = view.locator(".jp-TsematicPipeline-chart");
        // Runs over time, accuracy and loss across runs, and the newest run's loss curve.
        await expect(charts).toHaveCount(4);
        for (const chart of await charts.all()) {
          await expect(chart).toHaveAttribute("data-rendered", "true");
        }
        await expect(
          view.locator(".jp-TsematicPipeline-chart[data-title='accuracy']"),
        ).toHaveAttribute("data-points", "10");
        await expect(view.locator(".jp-TsematicNotes")).toHaveAttribute("data-synced", "true");
        await expect(view.locator(".jp-TsematicNotes-meta")).toHaveText("No notes yet.");
        await expect(view).toHaveScreenshot("pipeline-view.png");
        await page.theme.setDarkTheme();
        await expect(page.locator("body")).toHaveAttribute("data-jp-theme-light", "false");
        for (const chart of await charts.all()) {
          await expect(chart).toHaveAttribute("data-theme", "dark");
        }
        await expect(view).toHaveScreenshot("pipeline-view-dark.png");
      } finally {
        await closePageOnServer(page);
      }
    } finally {
      await server.close();
    }
  });
});

test.describe("notes on a root run", () => {
  test("two pages editing one note see each other's text, and it survives a server restart", async ({
    browser,
    waitForApplication,
    tmpPath,
  }) => {
    test.setTimeout(180_000);
    const server = await RestartableServer.start(process.env.TARGET_URL!);
    try {
      const fixture = pipelineFixture({ seed: "notes-pane" });
      await server.post("/events", { events: fixture.events });
      const rootId = fixture.rootId;

      const open = async (
        author: string,
      ): Promise<{ page: IJupyterLabPageFixture; box: ReturnType<Page["locator"]> }> => {
        const page = await pageFor({ browser, waitForApplication, tmpPath }, server, author);
        await execute(page, "tsematic:open-pipeline", { stepName: "pipeline" });
        const notes = page.locator(
          `.jp-TsematicPipeline .jp-TsematicNotes[data-root-id='${rootId}']`,
        );
        await expect(notes).toHaveAttribute("data-synced", "true");
        return { page, box: notes.locator("textarea") };
      };
      const ada = await open("Ada");
      const grace = await open("Grace");

      await ada.box.click();
      await ada.page.keyboard.type("Tried lr=0.2: worse.");
      await expect(grace.box).toHaveValue("Tried lr=0.2: worse.");
      await grace.box.click();
      await grace.page.keyboard.press("End");
      await grace.page.keyboard.type(" Back to 0.1.");
      await expect(ada.box).toHaveValue("Tried lr=0.2: worse. Back to 0.1.");
      // The server's record of the last change: its time and author.
      await expect(ada.page.locator(".jp-TsematicPipeline .jp-TsematicNotes-meta")).toContainText(
        "by Grace",
      );
      await expect
        .poll(async () => (await server.get<{ text: string }>(`/runs/${rootId}/notes-pane`)).text)
        .toBe("Tried lr=0.2: worse. Back to 0.1.");

      // Nobody holds the document while the server restarts: what comes back is what it stored.
      await closePageOnServer(ada.page);
      await closePageOnServer(grace.page);
      await server.down();
      await server.up();
      expect(
        (await server.get<{ text: string; author: string }>(`/runs/${rootId}/notes-pane`)).text,
      ).toBe("Tried lr=0.2: worse. Back to 0.1.");
      const later = await open("Ada");
      try {
        await expect(later.box).toHaveValue("Tried lr=0.2: worse. Back to 0.1.");
        await expect(
          later.page.locator(".jp-TsematicPipeline .jp-TsematicNotes-meta"),
        ).toContainText("by Grace");
        // The step panel of the root run shows the same notes.
        await execute(later.page, "tsematic:open-step", { runId: rootId });
        const stepNotes = later.page.locator(".jp-TsematicStep .jp-TsematicNotes textarea");
        await expect(stepNotes).toHaveValue("Tried lr=0.2: worse. Back to 0.1.");
      } finally {
        await closePageOnServer(later.page);
      }
    } finally {
      await server.close();
    }
  });
});
