/**
 * Runs one benchmark against two builds of kernel-lib in alternating processes (A B A B ...), so
 * that both see the same load on a shared machine:
 * `node bench/lib/compare-libraries.js tracked <before/lib/index.js> <after/lib/index.js> [rounds]`.
 * Each round prints the benchmark's own figures under the build's label.
 */
import { join } from "node:path";
import { alternateBuilds } from "./alternate-builds";

alternateBuilds("compare-libraries.js", "lib/index.js", (bench, library, benchArgs) => ({
  argv: [
    "--expose-gc",
    "-r",
    join(__dirname, "library-override.js"),
    join(__dirname, `${bench}.bench.js`),
    ...benchArgs,
  ],
  env: { TSEMATIC_BENCH_LIBRARY: library },
}));
