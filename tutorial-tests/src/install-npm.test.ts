/**
 * The npm packages install as users install libraries: `npm pack` of `tsematic` and `@tsematic/server`,
 * `npm install` of the two tarballs into a fresh project in a temporary directory (dependencies from the
 * npm registry, or npm's cache when the registry is unreachable), then the `tsematic` command and a
 * tracked pipeline run there with plain node, nothing resolved from this checkout; then a tslab notebook
 * in that project imports the installed `tsematic` and tracks a pipeline. (The tslab kernel itself is this
 * checkout's, set up by scripts/setup-notebooks.sh; the kernel runs in the notebook's folder, so its
 * imports resolve from the project's node_modules.)
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";

import { executeNotebook, formatReport, writeNotebook } from "./harness";
import { run, start, type Started, waitFor } from "./install-processes";

const REPO = path.resolve(__dirname, "..", "..");

/** The project a user makes: `allowScripts` lets npm 11 build better-sqlite3 and esbuild's binary. */
const PROJECT_PACKAGE = {
  name: "tsematic-install-check",
  private: true,
  allowScripts: { "better-sqlite3": true, esbuild: true },
};

/** A pipeline of two steps whose parent passes its input on: lineage the server must record. */
const PIPELINE = `const { func } = require("tsematic");
const double = func(function double(x) {
  return x * 2;
});
const installed_pipeline = func(async function installed_pipeline(n) {
  return (await double(n)) + 1;
});
installed_pipeline(20).then((value) => console.log("RESULT " + JSON.stringify(value)));
`;

interface RunSummary {
  id: string;
  stepName: string;
  state: string;
  rootId: string;
}

describe("the packed npm packages in a fresh project", { timeout: 900_000 }, () => {
  let scratch = "";
  let project = "";
  let home = "";
  let server: Started | undefined;

  /** Environment where the CLI and the library find the server only through `home`. */
  const env = (): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...process.env, TSEMATIC_HOME: home };
    delete e.TSEMATIC_URL;
    delete e.TSEMATIC_TOKEN;
    // npm run from this repository sets these; a user's shell has none of them.
    for (const key of Object.keys(e)) if (key.startsWith("npm_")) delete e[key];
    return e;
  };

  before(async () => {
    scratch = mkdtempSync(path.join(tmpdir(), "tsematic-npm-"));
    const packs = path.join(scratch, "packs");
    project = path.join(scratch, "project");
    home = path.join(scratch, "home");
    for (const dir of [packs, project, home]) mkdirSync(dir);
    const packed = await run(
      "npm",
      ["pack", "-w", "tsematic", "-w", "@tsematic/server", "--pack-destination", packs, "--json"],
      { cwd: REPO },
    );
    const tarballs = (JSON.parse(packed.stdout) as { filename: string }[]).map((p) =>
      path.join(packs, p.filename),
    );
    assert.equal(tarballs.length, 2);
    writeFileSync(path.join(project, "package.json"), JSON.stringify(PROJECT_PACKAGE, null, 2));
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", ...tarballs], {
      cwd: project,
      env: env(),
    });
  });

  after(async () => {
    await server?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("resolves tsematic and @tsematic/server from the project, not from this checkout", async () => {
    const { stdout } = await run(
      process.execPath,
      ["-p", 'require.resolve("tsematic") + "\\n" + require.resolve("@tsematic/server")'],
      { cwd: project, env: env() },
    );
    for (const file of stdout.trim().split("\n")) {
      assert.ok(file.startsWith(path.join(project, "node_modules") + path.sep), file);
    }
  });

  it("runs `npx tsematic --help`", async () => {
    const { stdout } = await run("npx", ["--no-install", "tsematic", "--help"], {
      cwd: project,
      env: env(),
    });
    assert.match(stdout, /^Usage: tsematic <command>/m);
    assert.match(stdout, /^ {2}runs /m);
  });

  it("tracks a pipeline run with node and lists it with `npx tsematic runs`", async () => {
    server = start(
      "npx",
      ["--no-install", "tsematic", "server", "--port", "0", "--data-dir", home],
      {
        cwd: project,
        env: env(),
      },
    );
    await waitFor(server, /listening on (http:\/\/127\.0\.0\.1:\d+)/, "npx tsematic server");

    writeFileSync(path.join(project, "pipeline.js"), PIPELINE);
    const result = await run(process.execPath, ["pipeline.js"], { cwd: project, env: env() });
    assert.match(result.stdout, /^RESULT 41$/m);

    const listed = await run("npx", ["--no-install", "tsematic", "runs", "--all", "--json"], {
      cwd: project,
      env: env(),
    });
    const runs = JSON.parse(listed.stdout) as RunSummary[];
    const root = runs.find((r) => r.stepName === "installed_pipeline");
    assert.ok(root, `no installed_pipeline run in ${listed.stdout}`);
    assert.equal(root.state, "resolved");
    const child = runs.find((r) => r.stepName === "double");
    assert.ok(child, `no double run in ${listed.stdout}`);
    assert.equal(child.rootId, root.id);
    assert.equal(child.state, "resolved");
  });

  it("tracks a pipeline from a tslab notebook in the project", async () => {
    assert.ok(server, "the lineage server did not start (see the test before)");
    const notebook = writeNotebook(path.join(project, "installed.ipynb"), [
      'import { func } from "tsematic";',
      [
        "const square = func(function square(x: number) {",
        "  return x * x;",
        "});",
        "const notebook_pipeline = func(async function notebook_pipeline(n: number) {",
        "  return (await square(n)) + 1;",
        "});",
      ].join("\n"),
      'const value = await notebook_pipeline(6);\nif (value !== 37) throw new Error("got " + value);',
    ]);
    const report = await executeNotebook(notebook, {
      outDir: path.join(scratch, "executed"),
      tsematicHome: home,
    });
    assert.ok(report.ok, formatReport(report));

    const listed = await run(
      "npx",
      ["--no-install", "tsematic", "runs", "--pipeline", "notebook_pipeline", "--json"],
      { cwd: project, env: env() },
    );
    const runs = JSON.parse(listed.stdout) as RunSummary[];
    assert.equal(runs.length, 1, listed.stdout);
    assert.equal(runs[0]!.state, "resolved");
  });
});
