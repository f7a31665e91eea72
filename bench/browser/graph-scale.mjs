// Benchmark (prints figures, never passes or fails): the run graph at scale, before and after, in
// one run. For each build of the extension (--before DIR: a labextension folder built from the
// commit to compare with; the after build is tsematic_labextension/), each shape (a uniform
// fan-out, drawn folded since issue 11; chains of differently named steps) and each size (1,000
// and 10,000 steps), graph.mjs opens the saved run in the real JupyterLab host and measures the
// first paint and the final (elkjs) layout, cold and warm; medians are printed as one table.
//
// The saved bundle is written as each side's kernel-lib writes it (--before-kernel-lib DIR: the
// lib/ folder of the kernel-lib to compare with; without it the before side's bundle holds every
// run, as kernel-lib wrote it before issue 11 bounded it; the after side's is kernel-lib/lib). The
// bundle's size (bytes of JSON, what JupyterLab copies and the notebook saves) is printed for
// 1,000, 10,000 and 100,000 steps of each shape.
//
//   node bench/browser/graph-scale.mjs --before /tmp/labextension-of-main [--rounds 3]
//                                      [--before-kernel-lib /tmp/kernel-lib-of-main]
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { benchBundle } from "./bench-bundle.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..", "..");
const option = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
};
const before = option("before", null);
const rounds = option("rounds", "3");
const beforeKernelLib = option("before-kernel-lib", null);
const builds = [
  ...(before ? [["before", resolve(before), beforeKernelLib && resolve(beforeKernelLib)]] : []),
  ["after", join(repo, "tsematic_labextension"), join(repo, "kernel-lib", "lib")],
];
const rows = [];
console.log(
  `load average before: ${loadavg()
    .map((v) => v.toFixed(2))
    .join(" ")}`,
);
console.log("\nrun view bundle size (bytes of JSON):");
console.log("shape   steps    build   runs held   bytes");
for (const shape of ["fanout", "chains"]) {
  for (const steps of [1000, 10000, 100000]) {
    for (const [build, , kernelLib] of builds) {
      const bundle = await benchBundle(steps, shape, kernelLib ?? null);
      const bytes = Buffer.byteLength(JSON.stringify(bundle));
      console.log(
        `${shape.padEnd(7)} ${String(steps).padStart(6)}   ${build.padEnd(6)}  ` +
          `${String(bundle.runs.length).padStart(9)}   ${bytes.toLocaleString("en-US").padStart(11)}`,
      );
    }
  }
}
console.log("");
for (const shape of ["fanout", "chains"]) {
  for (const steps of [1000, 10000]) {
    for (const [build, dir, kernelLib] of builds) {
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
          ...(kernelLib ? ["--kernel-lib", kernelLib] : []),
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
