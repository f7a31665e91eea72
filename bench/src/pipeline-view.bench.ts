/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Benchmark (prints figures, never passes or fails): first paint of the pipeline view with 1,000
 * root runs of one pipeline and 10 metrics each (target < 500 ms), in the real JupyterLab host and
 * headless Debian Chromium, against a real lineage server seeded through its HTTP API with the
 * events kernel-lib sends (server/lib/testing/pipelineRuns, the metrics engineer's generator).
 *
 *   node bench/lib/pipeline-view.bench.js [--runs 1000] [--metrics 10] [--rounds 5] [--profile]
 *     [--profile-out FILE.cpuprofile] [--baseline DIR]
 *
 * Each round runs `tsematic:open-pipeline` in the page and measures, from the command:
 * - data_ms: until the view has the server's answer (GET /pipelines/{stepName}/series) and starts
 *   drawing (its `data-runs` attribute is set); the series request's own time in parentheses;
 * - first_chart_ms: until the first chart is drawn;
 * - first_paint_ms: until the frame painted after every chart on the screen is drawn (the view
 *   draws a chart when it comes near the screen; `charts` says how many were on it): the first
 *   frame whose animation callback finds them all drawn, once painted (a task after it).
 * What the user sees at first paint is the header, the runs-over-time chart and the metric charts
 * on the screen, drawn with the server's data (a long series as its thinned line: its points come
 * once the page is idle), not a spinner; the charts below are drawn when scrolled to.
 *
 * Round 1 is cold (vega-embed's chunk is loaded then, and every chart shape compiled); the rest
 * are warm (the view is closed and opened again). The summary gives the warm median and range,
 * and the load average (2 shared cores: compare figures from one run).
 * - `--baseline DIR` (another build of the extension, e.g. of main) runs it in a second host and
 *   page against the same server, its rounds alternating with this build's, and prints both
 *   medians and their ratio: a comparison under one machine state.
 * - `--profile` adds three warm rounds under Chrome's CPU profiler (started and stopped by the
 *   page: the round only) and prints where their time went, by phase (vega-lite compile, vega
 *   parse, dataflow, canvas drawing, browser, GC) and by function; `--profile-out` writes the
 *   last one's profile (Chrome DevTools opens it).
 * Needs the built extension and host (scripts/lab-prepare.sh).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pipelineRunEvents } from "@tsematic/server/lib/testing/pipeline-runs";
import { chromium, type Page } from "playwright";
import { startServer } from "./server";

const repo = resolve(__dirname, "..", "..");
const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const RUNS = arg("runs", 1000);
const METRICS = arg("metrics", 10);
const ROUNDS = arg("rounds", 5);
const PROFILE = process.argv.includes("--profile");
/** Where `--profile` writes its last round's profile (opens in Chrome DevTools' Performance panel). */
const PROFILE_OUT = (() => {
  const at = process.argv.indexOf("--profile-out");
  return at > 0 ? resolve(process.argv[at + 1] ?? "") : null;
})();
const BASELINE = (() => {
  const at = process.argv.indexOf("--baseline");
  return at > 0 ? resolve(process.argv[at + 1] ?? "") : null;
})();
const BATCH = 5000;
const STEP_NAME = "train";

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const address = probe.address();
  await new Promise((done) => probe.close(done));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

async function startHost(
  port: number,
  root: string,
  serverUrl: string,
  token: string,
  labextension: string | null,
) {
  const child: ChildProcess = spawn(
    "/usr/bin/python3",
    [
      join(repo, "lab", "serve.py"),
      `--port=${port}`,
      "--no-auth",
      "--exit-with-parent",
      "--expose-app-in-browser",
      `--root-dir=${root}`,
      ...(labextension ? [`--labextension=${labextension}`] : []),
    ],
    {
      stdio: ["ignore", "pipe", "ignore"],
      env: { ...process.env, TSEMATIC_URL: serverUrl, TSEMATIC_TOKEN: token },
    },
  );
  await new Promise<void>((done, fail) => {
    let seen = "";
    const timer = setTimeout(() => fail(new Error("lab/serve.py did not start in 60 s")), 60_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (/TSEMATIC_LAB_URL=/.test(seen)) {
        clearTimeout(timer);
        child.stdout!.resume();
        done();
      }
    });
    child.once("exit", (code) => fail(new Error(`lab/serve.py exited with ${code}`)));
  });
  return child;
}

/** In the page: opens the view, resolves with the two times once every chart is painted. */
function openAndMeasure({
  stepName,
  profiled,
}: {
  stepName: string;
  /** Runs Chrome's CPU profiler from the command to the first paint (console.profile). */
  profiled: boolean;
}): Promise<{
  dataMs: number;
  fetchMs: number;
  firstChartMs: number;
  paintMs: number;
  charts: number;
}> {
  type App = {
    commands: { execute: (id: string, args: unknown) => Promise<unknown> };
  };
  const app = (window as unknown as { jupyterapp: App }).jupyterapp;
  return new Promise((done, fail) => {
    const started = performance.now();
    let dataMs = -1;
    let firstChartMs = -1;
    const timer = setTimeout(
      () => fail(new Error("the pipeline view did not paint in 60 s")),
      60_000,
    );
    // Times noted when the view changes; the charts' positions read once in the next frame's
    // animation callback, whose layout that frame needs anyway (read at each change, they forced
    // a layout each, which slowed down what is measured).
    let frameAsked = false;
    const watcher = new MutationObserver(() => noteChanges());
    watcher.observe(document.body, {
      subtree: true,
      attributes: true,
      attributeFilter: ["data-runs", "data-rendered"],
    });
    const viewNode = (): HTMLElement | null =>
      document.querySelector<HTMLElement>(`.jp-TsematicPipeline[data-pipeline="${stepName}"]`);
    const noteChanges = (): void => {
      const view = viewNode();
      if (view?.dataset.runs && dataMs < 0) dataMs = performance.now() - started;
      if (firstChartMs < 0 && view?.querySelector(".jp-TsematicPipeline-chart[data-rendered]")) {
        firstChartMs = performance.now() - started;
      }
      if (!frameAsked) {
        frameAsked = true;
        requestAnimationFrame(check);
      }
    };
    const check = (): void => {
      frameAsked = false;
      const view = viewNode();
      // The charts on the screen (the view draws the others when they are scrolled to).
      const charts = view
        ? [...view.querySelectorAll<HTMLElement>(".jp-TsematicPipeline-chart")].filter(
            (chart) => chart.getBoundingClientRect().top < window.innerHeight,
          )
        : [];
      const curvesLoaded = view?.querySelector(
        ".jp-TsematicPipeline-picked .jp-TsematicPipeline-chart, .jp-TsematicPipeline-picked .jp-TsematicPipeline-status:not(:empty)",
      );
      if (
        dataMs >= 0 &&
        curvesLoaded &&
        charts.length > 0 &&
        charts.every((c) => c.dataset.rendered === "true")
      ) {
        watcher.disconnect();
        // After this frame is painted: what the user first sees whole.
        setTimeout(() => {
          clearTimeout(timer);
          if (profiled) console.profileEnd("first paint");
          // The series request as the browser timed it (from its start to its last byte).
          const request = performance
            .getEntriesByType("resource")
            .filter((entry): entry is PerformanceResourceTiming => "responseEnd" in entry)
            .filter((entry) => entry.name.includes("/series?") && entry.startTime >= started)
            .pop();
          done({
            dataMs,
            fetchMs: request ? request.responseEnd - request.startTime : -1,
            firstChartMs,
            paintMs: performance.now() - started,
            charts: charts.length,
          });
        }, 0);
      }
    };
    if (profiled) console.profile("first paint");
    void app.commands
      .execute("tsematic:open-pipeline", { stepName })
      .then(() => noteChanges(), fail);
  });
}

function closeView(): Promise<void> {
  type Shell = { currentWidget: { close(): void } | null };
  const app = (window as unknown as { jupyterapp: { shell: Shell } }).jupyterapp;
  app.shell.currentWidget?.close();
  return new Promise((done) => setTimeout(done, 200));
}

interface CpuProfile {
  nodes: Array<{
    id: number;
    hitCount?: number;
    children?: number[];
    callFrame: { functionName: string; url: string; lineNumber: number };
  }>;
  startTime: number;
  endTime: number;
  samples?: number[];
}

/** Warm rounds run under the CPU profiler with `--profile`: their times are averaged. */
const PROFILED_ROUNDS = 3;

/**
 * {@link PROFILED_ROUNDS} more warm rounds under the CPU profiler: prints, averaged over them,
 * where their time went by phase and the functions that took most of it.
 */
async function profileRounds(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 500 });
  const phases = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const paints: number[] = [];
  const add = (into: Map<string, number>, key: string, ms: number): void => {
    into.set(key, (into.get(key) ?? 0) + ms / PROFILED_ROUNDS);
  };
  for (let round = 0; round < PROFILED_ROUNDS; round++) {
    // The page starts and stops the profiler: the profile holds the round and nothing else.
    const finished = new Promise<CpuProfile>((done) =>
      cdp.once("Profiler.consoleProfileFinished", (event) =>
        done((event as unknown as { profile: CpuProfile }).profile),
      ),
    );
    const figures = await page.evaluate(openAndMeasure, { stepName: STEP_NAME, profiled: true });
    const profile = await finished;
    await page.evaluate(closeView);
    if (PROFILE_OUT) writeFileSync(PROFILE_OUT, JSON.stringify(profile));
    paints.push(figures.paintMs);
    const total = profile.samples?.length ?? 0;
    const msPerSample = total > 0 ? (profile.endTime - profile.startTime) / 1000 / total : 0;
    for (const node of profile.nodes) {
      const { functionName, url, lineNumber } = node.callFrame;
      const file = url.split("/").pop() || "(native)";
      const key = `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
      add(byFunction, key, (node.hitCount ?? 0) * msPerSample);
    }
    for (const [phase, hits] of phaseTimes(profile)) add(phases, phase, hits * msPerSample);
  }
  await cdp.detach();
  console.log(
    `profiled rounds (first_paint_ms ${paints.map((ms) => ms.toFixed(0)).join(", ")}), ` +
      "where a round's time went, by phase (a sample counts for the innermost phase on its stack):",
  );
  for (const [phase, ms] of [...phases.entries()].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${phase}`);
  }
  console.log("and by function (self time):");
  for (const [key, ms] of [...byFunction.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${key}`);
  }
}

type ProfileNode = CpuProfile["nodes"][number];

/**
 * The phases of a first paint, each known by a function on the stack: a sample counts for the
 * innermost phase on its stack (a chart's drawing inside Vega's dataflow run counts as drawing).
 */
const PHASES: Array<[string, (frame: ProfileNode["callFrame"]) => boolean]> = [
  ["vega: canvas drawing", (f) => f.functionName === "_render" && f.url.includes("vega_build")],
  [
    "vega: dataflow run (data, scales, encode, layout)",
    (f) =>
      (f.functionName === "evaluate" || f.functionName === "runAsync") &&
      f.url.includes("vega_build"),
  ],
  [
    "vega: parse spec, create view",
    (f) => f.functionName.startsWith("parse") && f.url.includes("vega_build"),
  ],
  ["vega-lite: compile", (f) => f.functionName === "compile" && f.url.includes("vega-lite")],
  ["vega-embed: other", (f) => f.url.includes("vega-embed")],
  ["forced layout (getBoundingClientRect)", (f) => f.functionName === "getBoundingClientRect"],
  ["tsematic extension", (f) => f.url.includes("lib_extension")],
  ["garbage collection", (f) => f.functionName === "(garbage collector)"],
  ["idle (waiting: network, timers, frames)", (f) => f.functionName === "(idle)"],
  ["browser (style, layout, paint, parse JSON)", (f) => f.functionName === "(program)"],
];

function phaseTimes(profile: CpuProfile): Array<[string, number]> {
  const parent = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    for (const id of node.children ?? []) parent.set(id, node);
  }
  const totals = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    let phase = "other";
    for (let at: ProfileNode | undefined = node; at; at = parent.get(at.id)) {
      const found = PHASES.find(([, test]) => test(at!.callFrame));
      if (found) {
        phase = found[0];
        break;
      }
    }
    totals.set(phase, (totals.get(phase) ?? 0) + hits);
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** A JupyterLab host with one build of the extension, and its page. */
interface IBuild {
  label: string;
  origin: string;
  host: ChildProcess;
  page: Page;
  /** What its page logged (vega's warnings cost time too). */
  logged: string[];
  warm: number[];
  warmData: number[];
}

async function main(): Promise<void> {
  const wanted: Array<[string, string | null]> = [["this build", null]];
  if (BASELINE) wanted.push([`baseline ${BASELINE}`, BASELINE]);
  const ports: number[] = [];
  for (let i = 0; i < wanted.length; i++) ports.push(await freePort());
  const server = await startServer(ports.map((port) => `--cors-origin=http://127.0.0.1:${port}`));
  const root = mkdtempSync(join(tmpdir(), "tsematic-bench-pipeline-"));
  const builds: IBuild[] = [];
  let browser: Awaited<ReturnType<typeof chromium.launch>> | null = null;
  try {
    const { events } = pipelineRunEvents({
      stepName: STEP_NAME,
      runs: RUNS,
      metricsPerRun: METRICS,
      startAt: Date.now() - RUNS * 60_000,
    });
    const seeding = performance.now();
    for (let i = 0; i < events.length; i += BATCH) {
      const res = await fetch(`${server.url}/api/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
        body: JSON.stringify({ events: events.slice(i, i + BATCH) }),
      });
      if (!res.ok) throw new Error(`seeding batch at ${i}: ${res.status} ${await res.text()}`);
    }
    console.log(
      `seeded ${RUNS} runs x ${METRICS} metrics (${events.length} events) in ${(performance.now() - seeding).toFixed(0)} ms`,
    );

    for (const path of ["summary?limit=1000", "metrics?limit=1000", "series?limit=1000"]) {
      const started = performance.now();
      const res = await fetch(`${server.url}/api/v1/pipelines/${STEP_NAME}/${path}`, {
        headers: { authorization: `Bearer ${server.token}` },
      });
      const bytes = (await res.arrayBuffer()).byteLength;
      console.log(
        `GET /pipelines/${STEP_NAME}/${path}: ${(performance.now() - started).toFixed(0)} ms, ${(bytes / 1024).toFixed(0)} KiB`,
      );
    }
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    for (const [i, [label, labextension]] of wanted.entries()) {
      const port = ports[i]!;
      const origin = `http://127.0.0.1:${port}`;
      const host = await startHost(port, root, server.url, server.token, labextension);
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const build: IBuild = { label, origin, host, page, logged: [], warm: [], warmData: [] };
      builds.push(build);
      page.on("console", (message) =>
        build.logged.push(`${message.type()}: ${message.text().slice(0, 160)}`),
      );
      await page.goto(`${origin}/lab`);
      await page.locator(".jp-Launcher").waitFor({ timeout: 120_000 });
    }

    // The builds' rounds alternate: each sees the machine as the other does.
    for (let round = 1; round <= ROUNDS; round++) {
      for (const build of builds) {
        await build.page.bringToFront();
        const figures = await build.page.evaluate(openAndMeasure, {
          stepName: STEP_NAME,
          profiled: false,
        });
        const kind = round === 1 ? "cold" : "warm";
        console.log(
          `${build.label}: round ${round} (${kind}): data_ms=${figures.dataMs.toFixed(0)} (series request ${figures.fetchMs.toFixed(0)}) first_chart_ms=${figures.firstChartMs.toFixed(0)} first_paint_ms=${figures.paintMs.toFixed(0)} charts=${figures.charts}`,
        );
        if (round > 1) {
          build.warm.push(figures.paintMs);
          build.warmData.push(figures.dataMs);
        }
        await build.page.evaluate(closeView);
      }
    }
    for (const build of builds) {
      if (PROFILE) {
        console.log(`${build.label}:`);
        await build.page.bringToFront();
        await profileRounds(build.page);
      }
      const kinds = new Map<string, number>();
      for (const line of build.logged) kinds.set(line, (kinds.get(line) ?? 0) + 1);
      console.log(
        `${build.label}: page console: ${build.logged.length} messages` +
          [...kinds.entries()]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 4)
            .map(([line, n]) => `\n  ${n} x ${line}`)
            .join(""),
      );
    }
    const load = loadavg()
      .map((x) => x.toFixed(1))
      .join(" ");
    for (const build of builds) {
      if (build.warm.length === 0) continue;
      console.log(
        `pipeline view (${build.label}), ${RUNS} runs x ${METRICS} metrics: first paint warm median ${median(build.warm).toFixed(0)} ms ` +
          `(range ${Math.min(...build.warm).toFixed(0)}-${Math.max(...build.warm).toFixed(0)}; data ${median(build.warmData).toFixed(0)} ms); ` +
          `target < 500 ms; load average ${load}`,
      );
    }
    if (builds.length === 2 && builds[1]!.warm.length > 0) {
      const ratio = median(builds[0]!.warm) / median(builds[1]!.warm);
      console.log(`first paint, this build / baseline (warm medians): ${ratio.toFixed(2)}`);
    }
  } finally {
    await browser?.close();
    for (const { host } of builds) {
      if (host.exitCode === null) {
        const exited = new Promise((done) => host.once("exit", done));
        host.kill("SIGTERM");
        await exited;
      }
    }
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
