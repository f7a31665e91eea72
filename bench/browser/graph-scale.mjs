// Benchmark (prints figures, never passes or fails): the run graph at scale, before and after, in
// one run. For each build of the extension (--before DIR: a labextension folder built from the
// commit to compare with; the after build is tsematic_labextension/), each shape (a uniform
// fan-out, drawn folded since issue 11; chains of differently named steps) and each size (1,000
// and 10,000 steps), graph.mjs opens the saved run in the real JupyterLab host and measures the
// first paint and the final (elkjs) layout, cold and warm; medians are printed as one table.
//
//   node bench/browser/graph-scale.mjs --before /tmp/labextension-of-main [--rounds 3]
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");
const option = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
};
const before = option("before", null);
const rounds = option("rounds", "3");
const builds = [
  ...(before ? [["before", resolve(before)]] : []),
  ["after", join(repo, "tsematic_labextension")],
];
const rows = [];
console.log(
  `load average before: ${loadavg()
    .map((v) => v.toFixed(2))
    .join(" ")}`,
);
for (const shape of ["fanout", "chains"]) {
  for (const steps of [1000, 10000]) {
    for (const [build, dir] of builds) {
      const run = spawnSync(
        process.execPath,
        [
          join(here, "graph.mjs"),
          "--steps",
          String(steps),
          "--rounds",
          rounds,
          "--shape",
          shape,
          "--labextension",
          dir,
        ],
        { encoding: "utf8", timeout: 900_000 },
      );
      const line = run.stdout.split("\n").find((l) => l.startsWith("BENCH_GRAPH "));
      if (!line) {
        console.log(`${build} ${shape} ${steps}: no figures (exit ${run.status})\n${run.stderr}`);
        continue;
      }
      const figures = { build, ...JSON.parse(line.slice("BENCH_GRAPH ".length)) };
      console.log(JSON.stringify(figures));
      rows.push(figures);
    }
  }
}
const ms = (value) => (value === null || value === undefined ? "n/a" : `${Math.round(value)} ms`);
console.log("\nrun graph at scale (medians; cold = new browser profile, warm = reload):");
console.log(
  "shape   steps  build   boxes  first paint cold/warm   (widget part)         final layout cold/warm",
);
for (const r of rows) {
  console.log(
    `${r.shape.padEnd(7)} ${String(r.steps).padStart(6)}  ${r.build.padEnd(6)} ${String(r.boxes).padStart(6)}  ` +
      `${ms(r.cold_first_paint_ms).padStart(9)} / ${ms(r.warm_first_paint_ms).padEnd(9)}  ` +
      `(${ms(r.cold_widget_paint_ms)} / ${ms(r.warm_widget_paint_ms)})`.padEnd(22) +
      `${ms(r.cold_final_layout_ms).padStart(9)} / ${ms(r.warm_final_layout_ms)}`,
  );
}
console.log(
  `targets (issue 11): first paint of 10,000 steps < 500 ms; final layout < 500 ms (1,000) / < 3 s (10,000)`,
);
console.log(
  `load average after: ${loadavg()
    .map((v) => v.toFixed(2))
    .join(" ")}`,
);
