/**
 * Runs one benchmark against two builds of the lineage server in alternating processes (A B A B ...),
 * so that both see the same load on a shared machine:
 * `node bench/lib/compare-servers.js ingest <before server/lib> <after server/lib> [rounds]`.
 * Each round prints the benchmark's own figures under the build's label.
 */
import { join } from "node:path";
import { alternateBuilds } from "./alternate-builds";

alternateBuilds("compare-servers.js", "server/lib", (bench, lib, benchArgs) => ({
  argv: [join(__dirname, `${bench}.bench.js`), ...benchArgs],
  env: { TSEMATIC_BENCH_SERVER_LIB: lib },
}));
