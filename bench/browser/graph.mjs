// Benchmark (prints figures, never passes or fails): first render of a 1,000-step run graph in the
// real JupyterLab host, in headless Debian Chromium.
//
//   node bench/browser/graph.mjs [--steps 1000] [--rounds 3]
//
// A notebook whose output holds a run view bundle (application/vnd.tsematic.run.v1+json) of a
// root run with N steps (100 chains of data-dependent steps, nested under the pipeline) is opened;
// the renderer draws the saved snapshot (the bundle names an unreachable server, so no server is
// needed). Figures per round:
// - render_ms: the widget's own measure, from the graph given to the widget to its boxes in the DOM;
// - paint_ms: the same, up to the first frame painted after it (style, layout and paint included);
// - from_render_model_ms: from the MIME renderer's renderModel (lazy load of the graph code
//   included) to that painted frame;
// - elk_ms: until elkjs's layout (in a Web Worker) replaced the first layout.
// Needs the built extension and host (npm run build:lab, or scripts/lab-prepare.sh).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const arg = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const steps = arg("steps", 1000);
const rounds = arg("rounds", 3);

function bundle(n) {
  const rootId = "bench-root";
  const runs = [{ id: rootId, name: "benchPipeline", state: "running", parentId: null }];
  const edges = [];
  const chains = Math.max(1, Math.round(n / 10));
  for (let i = 0; i < n; i++) {
    const chain = i % chains;
    const depth = Math.floor(i / chains);
    const state = depth < 4 ? "resolved" : depth === 4 ? "running" : "created";
    runs.push({ id: `s${i}`, name: `step_${chain}_${depth}`, state, parentId: rootId });
    if (depth > 0)
      edges.push({ from: `s${i - chains}`, to: `s${i}`, artifactId: `a${i}`, parameter: "x" });
  }
  return {
    version: 1,
    rootId,
    stepName: "benchPipeline",
    mode: "local",
    serverUrl: "http://127.0.0.1:59999",
    state: "running",
    final: false,
    updatedAt: Date.now(),
    progress: { total: n + 1, done: 0, running: 0, failed: 0, cached: 0 },
    runs,
    edges,
  };
}

function notebook(n) {
  return {
    cells: [
      {
        cell_type: "code",
        execution_count: 1,
        metadata: {},
        source: ["await benchPipeline()"],
        outputs: [
          {
            output_type: "display_data",
            metadata: {},
            data: {
              "application/vnd.tsematic.run.v1+json": bundle(n),
              "text/plain": [`benchPipeline: ${n} steps`],
            },
          },
        ],
      },
    ],
    metadata: { kernelspec: { name: "python3", display_name: "none", language: "python" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

async function startHost(root) {
  const child = spawn(
    "/usr/bin/python3",
    [
      join(repo, "lab", "serve.py"),
      "--port=0",
      "--no-auth",
      "--exit-with-parent",
      "--expose-app-in-browser",
      `--root-dir=${root}`,
    ],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  const url = await new Promise((done, fail) => {
    let seen = "";
    const timer = setTimeout(() => fail(new Error("lab/serve.py did not start in 60 s")), 60_000);
    child.stdout.on("data", (chunk) => {
      seen += chunk;
      const match = /TSEMATIC_LAB_URL=(\S+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        child.stdout.resume();
        done(match[1]);
      }
    });
    child.once("exit", (code) => fail(new Error(`lab/serve.py exited with ${code}`)));
  });
  return { url: new URL(url).origin, child };
}

const root = mkdtempSync(join(tmpdir(), "tsematic-bench-graph-"));
mkdirSync(root, { recursive: true });
writeFileSync(join(root, "graph.ipynb"), JSON.stringify(notebook(steps)));
const host = await startHost(root);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
try {
  const figures = [];
  for (let round = 0; round < rounds; round++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    if (process.env.BENCH_DEBUG) {
      page.on("console", (message) => console.error(`[page] ${message.type()}: ${message.text()}`));
      page.on("pageerror", (error) => console.error(`[page] error: ${error.message}`));
    }
    await page.goto(`${host.url}/lab/tree/graph.ipynb`);
    const graph = page.locator(".jp-RunGraphOutput .jp-RunGraph[data-paint-ms]");
    try {
      await graph.waitFor({ timeout: 60_000 });
    } catch (error) {
      await page.screenshot({ path: join(tmpdir(), "tsematic-bench-graph-failure.png") });
      if (process.env.BENCH_DEBUG) {
        console.error(
          await page.evaluate(() => {
            const app = window.jupyterapp;
            return JSON.stringify({
              plugins: app?.listPlugins?.().filter((id) => id.startsWith("tsematic")),
              activated: app
                ?.listPlugins?.()
                .filter((id) => id.startsWith("tsematic") && app.isPluginActivated(id)),
            });
          }),
        );
      }
      throw error;
    }
    const first = await graph.evaluate((node) => ({
      ...node.dataset,
      renderModelAt: node.closest(".jp-RunGraphOutput")?.dataset.renderModelAt,
    }));
    const start = Date.now();
    let elk = null;
    try {
      await page
        .locator('.jp-RunGraphOutput .jp-RunGraph[data-engine="elk"]')
        .waitFor({ timeout: 60_000 });
      elk = await graph.evaluate((node) => ({ ...node.dataset }));
    } catch {
      elk = null;
    }
    figures.push({
      round: round + 1,
      boxes: Number(first.runs),
      engine: first.engine,
      render_ms: Number(first.renderMs),
      paint_ms: Number(first.paintMs),
      from_render_model_ms:
        Math.round((Number(first.paintedAt) - Number(first.renderModelAt)) * 10) / 10,
      elk_ms: elk ? Number(elk.elkMs) : null,
      elk_wait_after_first_ms: elk ? Date.now() - start : null,
    });
    await page.close();
  }
  for (const f of figures) console.log(JSON.stringify(f));
  const best = (key) => Math.min(...figures.map((f) => f[key]).filter((v) => v !== null));
  const median = (key) => {
    const values = figures
      .map((f) => f[key])
      .filter((v) => v !== null)
      .sort((a, b) => a - b);
    return values.length ? values[Math.floor(values.length / 2)] : null;
  };
  console.log(
    `graph first render, ${steps} steps: median paint ${median("paint_ms")} ms (best ${best("paint_ms")} ms), ` +
      `median DOM ${median("render_ms")} ms, median from renderModel ${median("from_render_model_ms")} ms; elkjs layout in a worker: median ${median("elk_ms")} ms; target < 500 ms`,
  );
} finally {
  await browser.close();
  host.child.kill("SIGTERM");
  rmSync(root, { recursive: true, force: true });
}
