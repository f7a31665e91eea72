/**
 * What compare-libraries.ts and compare-servers.ts share: a benchmark run against two builds in
 * alternating processes (A B A B ...), so that both see the same load on a shared machine. The
 * command line is `<bench name> <before> <after> [rounds] [-- bench args]`; each round prints the
 * benchmark's own figures under the build's label.
 *
 * @example
 * ```ts
 * alternateBuilds("compare-servers.js", "server/lib", (bench, lib, args) => ({
 *   argv: [join(__dirname, `${bench}.bench.js`), ...args],
 *   env: { TSEMATIC_BENCH_SERVER_LIB: lib },
 * }));
 * ```
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

/** How one benchmark process runs against one build (`build`: its path, resolved). */
export type BuildProcess = (
  bench: string,
  build: string,
  benchArgs: string[],
) => { argv: string[]; env: Record<string, string> };

export function alternateBuilds(script: string, buildName: string, processOf: BuildProcess): void {
  const [bench, before, after, roundsArg] = process.argv.slice(2);
  if (!bench || !before || !after) {
    console.error(
      `usage: node bench/lib/${script} <bench name> <before ${buildName}> <after ${buildName}> [rounds] [-- bench args]`,
    );
    process.exit(2);
  }
  const rounds = Number(roundsArg ?? 2);
  const dashes = process.argv.indexOf("--");
  const benchArgs = dashes >= 0 ? process.argv.slice(dashes + 1) : [];
  for (let round = 1; round <= rounds; round++) {
    for (const [label, build] of [
      ["before", before],
      ["after", after],
    ] as const) {
      console.log(`\n--- round ${round}, ${label} (${build}) ---`);
      const { argv, env } = processOf(bench, resolve(build), benchArgs);
      spawnSync(process.execPath, argv, { stdio: "inherit", env: { ...process.env, ...env } });
    }
  }
}
