// Lists the compiled node tests of the inner loop (`npm run test:unit`): every test file of
// kernel-lib, the server and the extension that starts no process, no server and no kernel (an
// in-process test server is fine) and is not slow by design. Those that do (they import child_process or the test-support helpers that start servers, notebooks or
// Slurm) are integration tests; `npm test` runs them all. Decided from each test's source, so a new
// test file needs no list to be kept.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const STARTS_PROCESSES =
  /startServer|nodeChild|cloudProjects|NodeProjects|child_process|startSlurm|tslab|jupyter|embedded|listen\(|serve\(|FAKE_WORKER/;

// A test that takes seconds by design (it waits out a lease, an idle connection, a crash and
// restart, thousands of requests) says so in a comment with these words: `npm test` runs it.
const SLOW_BY_DESIGN = /not for the inner loop/;

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
    const source = readFileSync(path, "utf8");
    if (STARTS_PROCESSES.test(source) || SLOW_BY_DESIGN.test(source)) continue;
    console.log(join(out, path.slice(src.length + 1)).replace(/\.ts$/, ".js"));
  }
}
