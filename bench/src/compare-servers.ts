/**
 * Runs one benchmark against two builds of the lineage server in alternating processes (A B A B ...),
 * so that both see the same load on a shared machine:
 * `node bench/lib/compare-servers.js ingest <before server/lib> <after server/lib> [rounds]`.
 * Each round prints the benchmark's own figures under the build's label.
 */
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

const [bench, before, after, roundsArg] = process.argv.slice(2);
if (!bench || !before || !after) {
  console.error(
    "usage: node bench/lib/compare-servers.js <bench name> <before server/lib> <after server/lib> [rounds] [-- bench args]",
  );
  process.exit(2);
}
const rounds = Number(roundsArg ?? 2);
const dashes = process.argv.indexOf("--");
const benchArgs = dashes >= 0 ? process.argv.slice(dashes + 1) : [];
for (let round = 1; round <= rounds; round++) {
  for (const [label, lib] of [
    ["before", before],
    ["after", after],
  ] as const) {
    console.log(`\n--- round ${round}, ${label} (${lib}) ---`);
    spawnSync(process.execPath, [join(__dirname, `${bench}.bench.js`), ...benchArgs], {
      stdio: "inherit",
      env: { ...process.env, TSEMATIC_BENCH_SERVER_LIB: resolve(lib) },
    });
  }
}
