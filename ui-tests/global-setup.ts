/**
 * Starts, for the whole test run, on 127.0.0.1 only:
 * - the real lineage server (server/, `tsematic server`) in a temporary data directory, allowing
 *   the JupyterLab page's origin (CORS), as `npm start` does;
 * - a second real lineage server with the same token holding two fixed pipelines, one resolved and
 *   one failed, for tests that need known runs (TSEMATIC_FIXED_URL);
 * - the JupyterLab host (lab/serve.py, no auth: loopback only) with the built extension and a
 *   second, test-only prebuilt extension (extensions/user-type-view: another package's artifact
 *   view, built here with @jupyter/builder as a user would build theirs), the tslab
 *   kernelspec from JUPYTER_PATH (scripts/ui-tests.sh sets it), and TSEMATIC_URL/TSEMATIC_TOKEN/
 *   TSEMATIC_HOME naming the real server to the kernels and to the extension (page config).
 * Notebooks live in ui-tests/test-output/notebooks: inside the project, where tslab resolves
 * `tsematic`. Tests find the host through TARGET_URL (galata's base URL). The returned function
 * stops everything and removes the temporary data; the host also stops if this process dies.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, openSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

import { announced, freePort, runPipelines, startLineageServer, stop } from "./lineage-server";

const repo = resolve(__dirname, "..");
const OUTPUT_DIR = join(__dirname, "test-output");
/** The test-only extension of another package (a view for a user type). */
const USER_VIEW_EXTENSION = join(__dirname, "extensions", "user-type-view");

/** Builds the test-only extension into its labextension/ folder (about two seconds). */
function buildUserViewExtension(): string {
  execFileSync(
    process.execPath,
    [
      join(repo, "node_modules", "@jupyter", "builder", "lib", "build-labextension.js"),
      "--development",
      "--core-package-file",
      join(repo, "node_modules", "@jupyterlab", "core-meta", "core.package.json"),
      USER_VIEW_EXTENSION,
    ],
    { cwd: repo, stdio: ["ignore", "ignore", "inherit"] },
  );
  return join(USER_VIEW_EXTENSION, "labextension");
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const notebooks = join(OUTPUT_DIR, "notebooks");
  rmSync(notebooks, { recursive: true, force: true });
  mkdirSync(notebooks);

  // The page's origin must be known before the server starts, to allow it.
  const labPort = await freePort();
  const labOrigin = `http://127.0.0.1:${labPort}`;
  const server = await startLineageServer({
    corsOrigins: [labOrigin],
    log: join(OUTPUT_DIR, "lineage-server.log"),
  });
  const fixed = await startLineageServer({
    corsOrigins: [labOrigin],
    token: server.token,
    log: join(OUTPUT_DIR, "fixed-lineage-server.log"),
  });
  // Listed newest first: train_pipeline, then etl_pipeline.
  await runPipelines(
    fixed,
    `const { func } = require("tsematic");
     const etl = func({ tags: ["demo"] }, async function etl_pipeline() { throw new Error("no source"); });
     const train = func({ tags: ["demo"] }, async function train_pipeline() { return 1; });
     (async () => { await etl().then(() => { throw new Error("etl_pipeline resolved"); }, () => undefined); await train(); })();`,
  );

  const userViewExtension = buildUserViewExtension();
  const lab = spawn(
    "/usr/bin/python3",
    [
      join(repo, "lab", "serve.py"),
      `--labextension=${join(repo, "tsematic_labextension")}`,
      `--labextension=${userViewExtension}`,
      `--port=${labPort}`,
      "--no-auth",
      "--exit-with-parent",
      "--expose-app-in-browser",
      `--root-dir=${notebooks}`,
    ],
    {
      stdio: ["ignore", "pipe", openSync(join(OUTPUT_DIR, "lab-server.log"), "w")],
      env: {
        ...process.env,
        TSEMATIC_URL: server.url,
        TSEMATIC_TOKEN: server.token,
        TSEMATIC_HOME: server.dataDir,
      },
    },
  );
  await announced(lab, /TSEMATIC_LAB_URL=(\S+)/, "lab/serve.py");

  process.env.TARGET_URL = labOrigin;
  process.env.TSEMATIC_FIXED_URL = fixed.url;

  return async () => {
    await stop(lab);
    await Promise.all([server.close(), fixed.close()]);
  };
}
