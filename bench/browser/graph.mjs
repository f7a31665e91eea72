// Benchmark (prints figures, never passes or fails): first paint of a 1,000-step run graph in the
// real JupyterLab host, in headless Debian Chromium, cold and warm.
//
//   node bench/browser/graph.mjs [--steps 1000] [--rounds 5] [--shape chains|fanout] [--labextension DIR]
//                                [--kernel-lib DIR] [--profile FILE.cpuprofile]
//
// (--labextension: a built extension folder other than tsematic_labextension/, for comparing two
// builds on one machine state. --kernel-lib: the lib/ folder of the kernel-lib whose bounds
// (issue 11) the saved bundle gets; without it the bundle holds every run, as before issue 11.
// --profile: the page's main-thread CPU profile of the last warm
// round, from the reload until elkjs's layout is in the DOM, written for Chromium's DevTools and
// summarized as the functions with the most self time.)
//
// A notebook whose output holds a run view bundle (application/vnd.tsematic.run.v1+json) of a
// root run with N steps is opened. Shapes: `chains` (default), N/10 chains of 10 data-dependent
// steps, every step named differently; `fanout`, the issue 11 sweep: `load` feeds N-2 calls of one
// step `leaf` (a uniform fan-out, drawn folded), all read by `summarize`. The bundle is opened; the renderer draws the saved snapshot (the bundle names an unreachable server, so no
// server is needed). Each round is one page load:
// - cold: a freshly launched Chromium (new profile: empty HTTP and V8 code caches, so the
//   extension's chunks and the elkjs worker script are fetched, parsed and compiled again);
// - warm: the same browser reloads the page (caches warm; the page, its modules and its layout
//   worker are new).
// Figures per round:
// - first_paint_ms: from the MIME renderer's renderModel (JupyterLab asks for the output; the lazy
//   load of the graph code included) to the first frame painted after the boxes are in the DOM;
// - widget_paint_ms / dom_ms: the widget's own measures, from the graph given to it to that frame,
//   and to its boxes in the DOM;
// - from_navigation_ms: the same frame from the page's navigation start (JupyterLab's own
//   start-up included, for context only);
// - elk_ms: from renderModel until elkjs's layout (computed in a Web Worker) is in the DOM, when
//   the first paint used another layout; null if elkjs drew the first paint itself.
// The summary gives cold and warm medians and ranges, and the load average (2 shared cores: the
// absolute figures move with the load; compare figures from one run).
// Needs the built extension and host (npm run build:lab, or scripts/lab-prepare.sh).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright";

import { benchBundle } from "./bench-bundle.mjs";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const arg = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const steps = arg("steps", 1000);
const shape = process.argv.includes("--shape")
  ? process.argv[process.argv.indexOf("--shape") + 1]
  : "chains";
const rounds = arg("rounds", 5);
const profilePath = process.argv.includes("--profile")
  ? resolve(process.argv[process.argv.indexOf("--profile") + 1])
  : null;
// The kernel-lib (a lib/ folder) that writes the bundle: absent, every run (as before issue 11).
const kernelLib = process.argv.includes("--kernel-lib")
  ? resolve(process.argv[process.argv.indexOf("--kernel-lib") + 1])
  : null;
const labextension = process.argv.includes("--labextension")
  ? resolve(process.argv[process.argv.indexOf("--labextension") + 1])
  : null;

function notebook(n, bundle) {
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
              "application/vnd.tsematic.run.v1+json": bundle,
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
      ...(labextension ? ["--labextension", labextension] : []),
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

/** Records when the boxes first appear and when elkjs's layout replaces them (DOM times). */
function recordEngines() {
  const marks = { engines: [] };
  window.tsematicGraphBench = marks;
  new MutationObserver((records) => {
    for (const record of records) {
      const node = record.target;
      if (node.classList?.contains("jp-RunGraph") && node.dataset.engine)
        marks.engines.push({ engine: node.dataset.engine, at: performance.now() });
    }
  }).observe(document, { attributes: true, attributeFilter: ["data-engine"], subtree: true });
}

/** Loads (or reloads) the notebook in `page` and reads one round's figures. */
async function measure(page, kind, round, reload, profiler = null) {
  if (profiler) {
    await profiler.send("Profiler.enable");
    await profiler.send("Profiler.setSamplingInterval", { interval: 200 });
    await profiler.send("Profiler.start");
  }
  if (reload) await page.reload();
  else await page.goto(`${host.url}/lab/tree/graph.ipynb`);
  // Waited for with the page's own querySelector every 50 ms: Playwright's locators walk the DOM
  // in JavaScript, which with 10,000 boxes took most of a second of the page's main thread.
  const selector = ".jp-RunGraphOutput .jp-RunGraph[data-paint-ms]";
  const graph = page.locator(selector);
  try {
    await page.waitForFunction((s) => document.querySelector(s) !== null, selector, {
      timeout: 60_000,
      polling: 50,
    });
  } catch (error) {
    await page.screenshot({ path: join(tmpdir(), "tsematic-bench-graph-failure.png") });
    throw error;
  }
  const first = await graph.evaluate((node) => ({
    ...node.dataset,
    renderModelAt: node.closest(".jp-RunGraphOutput")?.dataset.renderModelAt,
  }));
  // The engine of the first drawing, from the marks: elkjs's layout may have replaced it already.
  const firstEngine = await page.evaluate(() => window.tsematicGraphBench.engines[0]?.engine);
  let elkAt = null;
  if (firstEngine !== "elk") {
    try {
      await page.waitForFunction(
        () => window.tsematicGraphBench.engines.some((mark) => mark.engine === "elk"),
        null,
        { timeout: 60_000, polling: 50 },
      );
      elkAt = await page.evaluate(
        () => window.tsematicGraphBench.engines.find((mark) => mark.engine === "elk")?.at ?? null,
      );
    } catch {
      elkAt = null;
    }
  }
  if (profiler) {
    const { profile } = await profiler.send("Profiler.stop");
    writeFileSync(profilePath, JSON.stringify(profile));
    summarizeProfile(profile);
  }
  const renderModelAt = Number(first.renderModelAt);
  const tenth = (value) => Math.round(value * 10) / 10;
  return {
    kind,
    round,
    boxes: Number(first.runs),
    engine: firstEngine,
    first_paint_ms: tenth(Number(first.paintedAt) - renderModelAt),
    widget_paint_ms: Number(first.paintMs),
    dom_ms: Number(first.renderMs),
    from_navigation_ms: tenth(Number(first.paintedAt)),
    elk_ms: elkAt === null ? null : tenth(elkAt - renderModelAt),
    // The final (elkjs) layout in the DOM: the first paint when elkjs drew it.
    final_layout_ms:
      firstEngine === "elk"
        ? tenth(Number(first.paintedAt) - renderModelAt)
        : elkAt === null
          ? null
          : tenth(elkAt - renderModelAt),
  };
}

/** Prints the functions with the most self time in a CPU profile, and the time by script. */
function summarizeProfile(profile) {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const byScript = new Map();
  const deltas = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byNode.get(profile.samples[i]);
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || "(anonymous)"} ${basename(url || "")}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + ms);
    const script = basename(url || functionName);
    byScript.set(script, (byScript.get(script) ?? 0) + ms);
  }
  const top = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => `  ${v.toFixed(0).padStart(6)} ms  ${k}`)
      .join("\n");
  console.log(`profile ${profilePath}: self time by function\n${top(self, 30)}`);
  console.log(`self time by script\n${top(byScript, 12)}`);
}

function summary(figures, key) {
  const values = figures
    .map((f) => f[key])
    .filter((v) => v !== null && !Number.isNaN(v))
    .sort((a, b) => a - b);
  if (values.length === 0) return "n/a";
  const median =
    values.length % 2
      ? values[(values.length - 1) / 2]
      : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
  return `median ${Math.round(median)} ms (${Math.round(values[0])}–${Math.round(values.at(-1))}, n=${values.length})`;
}

const root = mkdtempSync(join(tmpdir(), "tsematic-bench-graph-"));
mkdirSync(root, { recursive: true });
const bundle = await benchBundle(steps, shape, kernelLib);
const bundleBytes = Buffer.byteLength(JSON.stringify(bundle));
writeFileSync(join(root, "graph.ipynb"), JSON.stringify(notebook(steps, bundle)));
const loadBefore = loadavg();
const host = await startHost(root);
try {
  const figures = [];
  for (let round = 1; round <= rounds; round++) {
    // A new browser per round: a cold profile each time.
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.addInitScript(recordEngines);
      if (process.env.BENCH_DEBUG) {
        page.on("console", (message) =>
          console.error(`[page] ${message.type()}: ${message.text()}`),
        );
        page.on("pageerror", (error) => console.error(`[page] error: ${error.message}`));
      }
      for (const [kind, reload] of [
        ["cold", false],
        ["warm", true],
      ]) {
        const profiler =
          profilePath && kind === "warm" && round === rounds
            ? await page.context().newCDPSession(page)
            : null;
        const figure = await measure(page, kind, round, reload, profiler);
        console.log(JSON.stringify(figure));
        figures.push(figure);
      }
    } finally {
      await browser.close();
    }
  }
  const loadAfter = loadavg();
  const cold = figures.filter((f) => f.kind === "cold");
  const warm = figures.filter((f) => f.kind === "warm");
  console.log(
    `graph first paint, ${steps} steps (${shape}), from renderModel: cold ${summary(cold, "first_paint_ms")}; ` +
      `warm ${summary(warm, "first_paint_ms")}; target < 500 ms`,
  );
  console.log(
    `  widget (setGraph to painted frame): cold ${summary(cold, "widget_paint_ms")}; warm ${summary(warm, "widget_paint_ms")}`,
  );
  console.log(
    `  elkjs layout in the DOM, from renderModel: cold ${summary(cold, "elk_ms")}; warm ${summary(warm, "elk_ms")}`,
  );
  console.log(
    `  boxes drawn: ${figures[0]?.boxes}; engine of the first paint: ${figures.map((f) => f.engine).join(",")}`,
  );
  const median = (list, key) => {
    const values = list.map((f) => f[key]).filter((v) => v !== null && !Number.isNaN(v));
    values.sort((a, b) => a - b);
    return values.length === 0 ? null : values[Math.floor((values.length - 1) / 2)];
  };
  console.log(
    `BENCH_GRAPH ${JSON.stringify({
      steps,
      shape,
      labextension: labextension ?? "tsematic_labextension",
      kernel_lib: kernelLib,
      bundle_bytes: bundleBytes,
      boxes: figures[0]?.boxes ?? null,
      cold_first_paint_ms: median(cold, "first_paint_ms"),
      warm_first_paint_ms: median(warm, "first_paint_ms"),
      // The widget's part of the first paint (setGraph to the painted frame): without the lazy
      // load of the graph code and the bundle's parsing.
      cold_widget_paint_ms: median(cold, "widget_paint_ms"),
      warm_widget_paint_ms: median(warm, "widget_paint_ms"),
      cold_final_layout_ms: median(cold, "final_layout_ms"),
      warm_final_layout_ms: median(warm, "final_layout_ms"),
    })}`,
  );
  console.log(
    `  load average (1, 5, 15 min) before ${loadBefore.map((v) => v.toFixed(2)).join(" ")}, after ${loadAfter.map((v) => v.toFixed(2)).join(" ")}`,
  );
} finally {
  host.child.kill("SIGTERM");
  rmSync(root, { recursive: true, force: true });
}
