/**
 * Starts, for the whole test run, on 127.0.0.1 only:
 * - the real lineage server (server/, `tsematic server`) in a temporary data directory, allowing
 *   the JupyterLab page's origin (CORS), as `npm start` does;
 * - a second real lineage server with the same token holding two fixed pipelines, one resolved and
 *   one failed, for tests that need known runs (TSEMATIC_FIXED_URL);
 * - the JupyterLab host (lab/serve.py, no auth: loopback only) with the built extension, the tslab
 *   kernelspec from JUPYTER_PATH (scripts/ui-tests.sh sets it), and TSEMATIC_URL/TSEMATIC_TOKEN/
 *   TSEMATIC_HOME naming the real server to the kernels and to the extension (page config).
 * Notebooks live in ui-tests/test-output/notebooks: inside the project, where tslab resolves
 * `tsematic`. Tests find the host through TARGET_URL (galata's base URL). The returned function
 * stops everything and removes the temporary data; the host also stops if this process dies.
 */
import { spawn } from "node:child_process";
import { mkdirSync, openSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

import { announced, freePort, runPipelines, startLineageServer, stop } from "./lineage-server";

const repo = resolve(__dirname, "..");
const OUTPUT_DIR = join(__dirname, "test-output");

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

  const lab = spawn(
    "/usr/bin/python3",
    [
      join(repo, "lab", "serve.py"),
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
