// Lists the compiled node tests of the inner loop (`npm run test:unit`): every test file of
// kernel-lib, the server and the extension that starts no process, no server and no kernel. Those
// that do (they import child_process or the test-support helpers that start servers, notebooks or
// Slurm) are integration tests; `npm test` runs them all. Decided from each test's source, so a new
// test file needs no list to be kept.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const STARTS_PROCESSES =
  /startServer|nodeChild|cloudProjects|NodeProjects|child_process|startSlurm|tslab|jupyter|embedded|listen\(|serve\(/;

/** Source folder → the folder its compiled tests land in. */
const ROOTS = [
  ["kernel-lib/src", "kernel-lib/lib"],
  ["server/src", "server/lib"],
  ["extension", "lib/extension-tests"],
];

function* testSources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") yield* testSources(path);
    } else if (entry.name.endsWith(".test.ts")) {
      yield path;
    }
  }
}

for (const [src, out] of ROOTS) {
  for (const path of testSources(src)) {
    if (STARTS_PROCESSES.test(readFileSync(path, "utf8"))) continue;
    console.log(join(out, path.slice(src.length + 1)).replace(/\.ts$/, ".js"));
  }
}
