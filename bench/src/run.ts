/**
 * Runs every `*.bench.js` next to this file, each in its own Node process (so one benchmark's heap
 * and JIT state do not colour another's), and lets each print its own figures.
 * `node bench/lib/run.js [filter]` runs only the benchmarks whose file name contains `filter`.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const filter = process.argv[2] ?? "";
const files = readdirSync(__dirname)
  .filter((f) => f.endsWith(".bench.js") && f.includes(filter))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file.replace(/\.bench\.js$/, "")} ===`);
  const result = spawnSync(process.execPath, ["--expose-gc", join(__dirname, file)], {
    stdio: "inherit",
  });
  if (result.status !== 0) failed++;
}
if (failed > 0) {
  console.error(`${failed} benchmark(s) crashed`);
  process.exit(1);
}
