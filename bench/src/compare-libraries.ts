/**
 * Runs one benchmark against two builds of kernel-lib in alternating processes (A B A B ...), so
 * that both see the same load on a shared machine:
 * `node bench/lib/compare-libraries.js tracked <before/lib/index.js> <after/lib/index.js> [rounds]`.
 * Each round prints the benchmark's own figures under the build's label.
 */
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

const [bench, before, after, roundsArg] = process.argv.slice(2);
if (!bench || !before || !after) {
  console.error(
    "usage: node bench/lib/compare-libraries.js <bench name> <before lib/index.js> <after lib/index.js> [rounds] [-- bench args]",
  );
  process.exit(2);
}
const rounds = Number(roundsArg ?? 2);
const dashes = process.argv.indexOf("--");
const benchArgs = dashes >= 0 ? process.argv.slice(dashes + 1) : [];
for (let round = 1; round <= rounds; round++) {
  for (const [label, library] of [
    ["before", before],
    ["after", after],
  ] as const) {
    console.log(`\n--- round ${round}, ${label} (${library}) ---`);
    spawnSync(
      process.execPath,
      [
        "--expose-gc",
        "-r",
        join(__dirname, "library-override.js"),
        join(__dirname, `${bench}.bench.js`),
        ...benchArgs,
      ],
      { stdio: "inherit", env: { ...process.env, TSEMATIC_BENCH_LIBRARY: resolve(library) } },
    );
  }
}
