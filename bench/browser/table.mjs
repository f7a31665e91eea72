// Benchmark (prints figures, never passes or fails): a 1,000,000-row table in the step panel of the
// real JupyterLab host, headless Debian Chromium, with the real lineage server.
//
//   node bench/browser/table.mjs [--rows 1000000] [--batch 65536] [--rounds 3] [--sql-at-load]
//     [--labextension DIR]
//
// A pipeline run in this process (kernel-lib, tracked to a lineage server started here) stores a
// table of --rows rows (id int32, grp int32 with 100 groups, value float64) in record batches of
// --batch rows (0: one batch). Each round opens the step panel with `tsematic:open-step` and reports:
// - first_rows_ms: from the command to the end of the first frame rendered with rows in the grid
//   (the panel's run request, the Arrow IPC stream's first batch decoded, the rows filled, the
//   frame's style, layout and paint: a task queued from that frame's animation callback runs after
//   it);
// - stream_first_ms / stream_all_ms: the table view's own measure, from its request for the bytes
//   to the first batch and to the last one in the grid;
// - scroll_frame_ms: mean and worst frame while scrolling the grid through the whole table
//   (120 frames, one scroll per frame, each a jump of 1/120 of the table: every visible row new);
//   scroll_paint_ms: the grid's synchronous work per scroll step, filling the visible rows plus the
//   style and layout that causes (forced inside the measure); the rest of a frame is the browser's
//   paint, in software in headless Chromium; wheel_frame_ms and wheel_step_ms: the same for steps
//   of 3 rows (a wheel notch: the call the grid's wheel handler makes), where most rows stay in
//   view; scrollbar_frame_ms: jumps through the scroll bar (the scroll position set as a dragged
//   thumb would, the grid following in its scroll event);
//   idle_frame_ms: frames with nothing to do, for comparison;
// - sql_first_ms: the first SQL query, run after the scrolling above (some seconds after the rows
//   landed, as a user who looked at them first): what the user waits for. The view starts
//   duckdb-wasm (from the extension's own assets) and registers the table in the background once
//   the rows are all here, so this is whatever of that is left, plus the query;
//   duckdb_start_ms / duckdb_register_ms: that background work's own length (the view's
//   `tsematic:duckdb` performance measures; null for builds without them); then group_by_ms: the
//   median of 5 runs of `SELECT grp, count(*), avg(value), max(value) FROM t GROUP BY grp`
//   (duckdb-wasm's query only).
// --sql-at-load: the first query is run as soon as the last rows land, before the scrolling (the
// worst case: none of duckdb's start-up is done yet).
// --labextension: another build of the extension to measure instead of this checkout's
// tsematic_labextension (one with the DOM TableGrid: the canvas grid before it scrolled otherwise).
// Needs the built server, kernel library, extension and host (scripts/lab-prepare.sh).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const arg = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const rows = arg("rows", 1_000_000);
const batch = arg("batch", 65_536);
const rounds = arg("rounds", 3);
const sqlAtLoad = process.argv.includes("--sql-at-load");
const labextension = process.argv.includes("--labextension")
  ? resolve(process.argv[process.argv.indexOf("--labextension") + 1])
  : null;

async function freePort() {
  const probe = createServer();
  await new Promise((done) => probe.listen(0, "127.0.0.1", done));
  const { port } = probe.address();
  await new Promise((done) => probe.close(done));
  return port;
}

function announced(child, pattern, name) {
  return new Promise((done, fail) => {
    let seen = "";
    const timer = setTimeout(() => fail(new Error(`${name} did not start in 60 s`)), 60_000);
    child.stdout.on("data", (chunk) => {
      seen += chunk;
      const match = pattern.exec(seen);
      if (match) {
        clearTimeout(timer);
        child.stdout.resume();
        done(match[1]);
      }
    });
    child.once("exit", (code) => fail(new Error(`${name} exited with ${code}`)));
  });
}

const dataDir = mkdtempSync(join(tmpdir(), "tsematic-bench-table-"));
const labPort = await freePort();
const labOrigin = `http://127.0.0.1:${labPort}`;
const server = spawn(
  process.execPath,
  [
    join(repo, "server", "lib", "cli.js"),
    "server",
    "--port=0",
    `--data-dir=${dataDir}`,
    `--cors-origin=${labOrigin}`,
  ],
  { stdio: ["ignore", "pipe", "ignore"] },
);
let lab = null;
let browser = null;
try {
  const serverUrl = await announced(server, /listening on (\S+)/, "the lineage server");
  const token = readFileSync(join(dataDir, "token"), "utf8").trim();

  // The table, produced by a tracked step (kernel-lib reads the server from the environment).
  process.env.TSEMATIC_URL = serverUrl;
  process.env.TSEMATIC_TOKEN = token;
  const { func } = await import("tsematic");
  const { Table, tableFromArrays } = await import("apache-arrow");
  const benchTable = func(function benchTable(n, batchRows) {
    const id = new Int32Array(n);
    const grp = new Int32Array(n);
    const value = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      id[i] = i;
      grp[i] = (i * 7919) % 100;
      value[i] = (i % 1000) / 10;
    }
    const whole = tableFromArrays({ id, grp, value });
    if (!batchRows) return whole;
    const batches = [];
    for (let start = 0; start < n; start += batchRows) {
      batches.push(...whole.slice(start, Math.min(n, start + batchRows)).batches);
    }
    return new Table(batches);
  });
  const benchTablePipeline = func(async function benchTablePipeline(n, batchRows) {
    return benchTable(n, batchRows);
  });
  const made = Date.now();
  await benchTablePipeline(rows, batch);
  const stored_ms = Date.now() - made;
  const runs = await (
    await fetch(`${serverUrl}/api/v1/runs?name=benchTable&limit=1`, {
      headers: { Authorization: `Bearer ${token}` },
    })
  ).json();
  const runId = (Array.isArray(runs) ? runs : runs.runs)[0].id;

  lab = spawn(
    "/usr/bin/python3",
    [
      join(repo, "lab", "serve.py"),
      `--port=${labPort}`,
      "--no-auth",
      "--exit-with-parent",
      "--expose-app-in-browser",
      `--root-dir=${dataDir}`,
      ...(labextension ? ["--labextension", labextension] : []),
    ],
    {
      stdio: ["ignore", "pipe", "ignore"],
      env: { ...process.env, TSEMATIC_URL: serverUrl, TSEMATIC_TOKEN: token },
    },
  );
  await announced(lab, /TSEMATIC_LAB_URL=(\S+)/, "lab/serve.py");
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });

  const figures = [];
  for (let round = 0; round < rounds; round++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    if (process.env.BENCH_DEBUG) {
      page.on("console", (message) => console.error(`[page] ${message.type()}: ${message.text()}`));
      page.on("pageerror", (error) => console.error(`[page] error: ${error.message}`));
    }
    await page.goto(`${labOrigin}/lab?reset`);
    await page.waitForFunction(
      () => window.jupyterapp?.commands.hasCommand("tsematic:open-step"),
      null,
      { timeout: 60_000 },
    );
    const figure = await page.evaluate(
      async ({ runId, sql, sqlAtLoad }) => {
        const app = window.jupyterapp;
        const frame = () => new Promise((done) => requestAnimationFrame(() => done()));
        const find = (widget) => {
          if (!widget) return null;
          if (typeof widget.runQuery === "function") return widget;
          for (const child of [widget.content, ...(widget.widgets ?? [])]) {
            const hit = find(child);
            if (hit) return hit;
          }
          return null;
        };
        await app.restored;
        await new Promise((done) => setTimeout(done, 2000)); // let JupyterLab's start-up settle
        const started = performance.now();
        const panel = await app.commands.execute("tsematic:open-step", { runId });
        let view = null;
        for (;;) {
          view = find(panel);
          if (view?.node.dataset.firstRowsMs) break;
          if (performance.now() - started > 60_000) {
            throw new Error(`no rows after 60 s: ${panel.node.textContent.slice(0, 1500)}`);
          }
          await new Promise((done) => setTimeout(done, 1));
        }
        // The next frame shows the rows: a task queued from its animation callback runs once the
        // frame is rendered.
        await frame();
        await new Promise((done) => setTimeout(done, 0));
        const first_rows_ms = performance.now() - started;
        while (!view.node.dataset.allRowsMs) await frame();
        const sqlFirst = async () => {
          const sqlStarted = performance.now();
          await view.runQuery(sql);
          return performance.now() - sqlStarted;
        };
        const sql_first_at_load_ms = sqlAtLoad ? await sqlFirst() : null;

        // Frames with nothing to do, to compare with (headless Chromium paints in software).
        const idle = [];
        let before = performance.now();
        for (let i = 0; i < 60; i++) {
          await frame();
          const now = performance.now();
          idle.push(now - before);
          before = now;
        }
        // Scrolling: one scroll step per frame, across the whole table.
        const grid = view._grid;
        const steps = 120;
        const times = [];
        const paints = [];
        await frame();
        let last = performance.now();
        for (let i = 1; i <= steps; i++) {
          const t0 = performance.now();
          // The grid's own scroll step (keys and wheel use it), which fills the visible rows.
          grid.scrollToOffset((grid.maxScrollOffset * i) / steps);
          void grid.node.offsetHeight; // their style and layout, now rather than in the frame
          paints.push(performance.now() - t0);
          await frame();
          const now = performance.now();
          times.push(now - last);
          last = now;
        }
        // Wheel-sized steps: 3 rows per frame, from the middle of the table.
        const wheelTimes = [];
        const wheelSteps = [];
        const wheelStart = Math.round(grid.maxScrollOffset / 2);
        grid.scrollToOffset(wheelStart);
        await frame();
        last = performance.now();
        for (let i = 1; i <= steps; i++) {
          const t0 = performance.now();
          grid.scrollToOffset(wheelStart + i * 3 * grid.rowHeight);
          void grid.node.offsetHeight;
          wheelSteps.push(performance.now() - t0);
          await frame();
          const now = performance.now();
          wheelTimes.push(now - last);
          last = now;
        }
        // The same through the scroll bar, backwards: the grid follows in its scroll event.
        const barTimes = [];
        const barMax = grid.node.scrollHeight - grid.node.clientHeight;
        await frame();
        last = performance.now();
        for (let i = steps - 1; i >= 0; i--) {
          grid.node.scrollTop = (barMax * i) / steps;
          await frame();
          const now = performance.now();
          barTimes.push(now - last);
          last = now;
        }

        const sql_first_ms = sql_first_at_load_ms ?? (await sqlFirst());
        const measured = (prefix) => {
          const entry = performance
            .getEntriesByType("measure")
            .find((m) => m.name.startsWith(`tsematic:duckdb ${prefix}`));
          return entry ? Math.round(entry.duration) : null;
        };
        const status = view.node.querySelector(".jp-TsematicTable-sqlStatus").textContent;
        const groupBy = [];
        for (let i = 0; i < 5; i++) {
          await view.runQuery(sql);
          groupBy.push(view.timings.queryMs);
        }
        groupBy.sort((a, b) => a - b);
        panel.dispose();
        return {
          first_rows_ms: Math.round(first_rows_ms),
          stream_first_ms: Math.round(view.timings.firstRowsMs),
          stream_all_ms: Math.round(view.timings.allRowsMs),
          grid_rows: view.model.numRows,
          scroll_frame_mean_ms: Number(
            (times.reduce((a, b) => a + b, 0) / times.length).toFixed(1),
          ),
          scroll_frame_worst_ms: Math.round(Math.max(...times)),
          wheel_frame_mean_ms: Number(
            (wheelTimes.reduce((a, b) => a + b, 0) / wheelTimes.length).toFixed(1),
          ),
          wheel_frame_worst_ms: Math.round(Math.max(...wheelTimes)),
          wheel_step_mean_ms: Number(
            (wheelSteps.reduce((a, b) => a + b, 0) / wheelSteps.length).toFixed(2),
          ),
          scrollbar_frame_mean_ms: Number(
            (barTimes.reduce((a, b) => a + b, 0) / barTimes.length).toFixed(1),
          ),
          scrollbar_frame_worst_ms: Math.round(Math.max(...barTimes)),
          scroll_paint_mean_ms: Number(
            (paints.reduce((a, b) => a + b, 0) / paints.length).toFixed(2),
          ),
          idle_frame_mean_ms: Number((idle.reduce((a, b) => a + b, 0) / idle.length).toFixed(1)),
          sql_first_ms: Math.round(sql_first_ms),
          sql_status: status,
          duckdb_start_ms: measured("start"),
          duckdb_register_ms: measured("register"),
          group_by_ms: Math.round(groupBy[2]),
          group_by_best_ms: Math.round(groupBy[0]),
        };
      },
      {
        runId,
        sqlAtLoad,
        sql: "SELECT grp, count(*) AS n, avg(value) AS mean, max(value) AS top FROM t GROUP BY grp",
      },
    );
    figures.push({ round: round + 1, ...figure });
    await page.close();
  }
  for (const f of figures) console.log(JSON.stringify(f));
  const median = (key) => {
    const values = figures.map((f) => f[key]).sort((a, b) => a - b);
    return values[Math.floor(values.length / 2)];
  };
  console.log(
    `table of ${rows.toLocaleString("en")} rows (batches of ${batch || rows} rows, stored in ${stored_ms} ms): ` +
      `first rows in the grid: median ${median("first_rows_ms")} ms ` +
      `(${Math.min(...figures.map((f) => f.first_rows_ms))}–${Math.max(...figures.map((f) => f.first_rows_ms))} ms, target < 1000 ms), ` +
      `whole stream ${median("stream_all_ms")} ms; scrolling: mean frame ${median("scroll_frame_mean_ms")} ms, ` +
      `worst ${median("scroll_frame_worst_ms")} ms (idle frames: ${median("idle_frame_mean_ms")} ms), ` +
      `the grid's work per scroll step ${median("scroll_paint_mean_ms")} ms; 3-row steps: mean frame ` +
      `${median("wheel_frame_mean_ms")} ms, worst ${median("wheel_frame_worst_ms")} ms, ` +
      `the grid's work ${median("wheel_step_mean_ms")} ms; through the scroll bar: ` +
      `mean frame ${median("scrollbar_frame_mean_ms")} ms, worst ${median("scrollbar_frame_worst_ms")} ms; duckdb-wasm GROUP BY over ${rows.toLocaleString("en")} rows: ` +
      `median ${median("group_by_ms")} ms (target < 500 ms), first query with start-up and registration ` +
      `${median("sql_first_ms")} ms${sqlAtLoad ? " (run as soon as the rows landed)" : " (after the scrolling)"}` +
      (median("duckdb_start_ms") === null
        ? ""
        : `; in the background: duckdb start ${median("duckdb_start_ms")} ms, table registered in ${median("duckdb_register_ms")} ms`),
  );
} finally {
  await browser?.close();
  lab?.kill("SIGTERM");
  server.kill("SIGTERM");
  rmSync(dataDir, { recursive: true, force: true });
}
