import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

// The library installed on its own, as a worker installs it: with its dependencies but without
// the optional peer @tsematic/server (a real install layout, nothing stubbed).
let project: string;
before(() => {
  project = mkdtempSync(join(tmpdir(), "tsematic-no-server-"));
  const installed = join(project, "node_modules", "tsematic");
  const libraryRoot = join(__dirname, "..", "..");
  mkdirSync(installed, { recursive: true });
  cpSync(join(libraryRoot, "package.json"), join(installed, "package.json"));
  cpSync(join(libraryRoot, "lib"), join(installed, "lib"), {
    recursive: true,
    filter: (src) => !src.endsWith(".test.js"),
  });
  const entry = require.resolve("apache-arrow");
  const arrow = entry.slice(0, entry.lastIndexOf("apache-arrow") + "apache-arrow".length);
  symlinkSync(arrow, join(project, "node_modules", "apache-arrow"), "dir");
  writeFileSync(
    join(project, "pipeline.js"),
    `const { func } = require("tsematic");
     const one = func(function one() { return 1; });
     (async () => {
       const silent = await one().resolve({ tracking: false });
       try {
         await one();
         console.log(JSON.stringify({ silent, tracked: "resolved" }));
       } catch (error) {
         console.log(JSON.stringify({ silent, tracked: error.message }));
       }
     })();`,
  );
});
after(() => rmSync(project, { recursive: true, force: true }));

test("without @tsematic/server, silent runs work and a tracked run that must start a server says what to install", async () => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TSEMATIC_HOME: join(project, "home"),
    HOME: project,
  };
  delete env.TSEMATIC_URL;
  delete env.TSEMATIC_TOKEN;
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ["pipeline.js"], { cwd: project, env }, (error, out, err) =>
      error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out),
    ),
  );
  const result = JSON.parse(stdout) as { silent: number; tracked: string };
  assert.equal(result.silent, 1);
  assert.match(result.tracked, /the package @tsematic\/server is not installed/);
  assert.match(result.tracked, /npm install @tsematic\/server/);
  assert.match(result.tracked, /TSEMATIC_URL/);
  assert.match(result.tracked, /tracking: false/);
});
