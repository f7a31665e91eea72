/**
 * Preloaded with `node -r` by compare-libraries.ts: makes `require("tsematic")` load the build named
 * by `TSEMATIC_BENCH_LIBRARY` (a `lib/index.js`), so one benchmark measures two builds of
 * kernel-lib in alternating processes under the same load.
 */
import Module from "node:module";

const library = process.env.TSEMATIC_BENCH_LIBRARY;
if (library) {
  const resolving = Module as unknown as {
    _resolveFilename(request: string, ...rest: unknown[]): string;
  };
  const original = resolving._resolveFilename;
  resolving._resolveFilename = function (request: string, ...rest: unknown[]): string {
    return request === "tsematic" ? library : original.call(this, request, ...rest);
  };
}
